"""Suite 6, size: a 200 MB manifest loads within about 3x its size in memory, the
streaming reader that makes this possible gives the same columns as the whole-document
reader, and a download over the configured cap is refused with a clear error."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from paradime_nb.artifacts import _stream, read_artifact
from paradime_nb.errors import ArtifactError, DownloadError
from tests.conftest import BIG, FIXTURES, ROOT, RUNS
from tests.reliability.support import fields_of, server_and_client, store_state

BIG_MANIFEST = BIG / "big-10000" / "61001" / "2_build" / "target" / "manifest.json.gz"
MID_MANIFEST = BIG / "big-2000" / "60001" / "4_docs_generate" / "target" / "manifest.json.gz"
JAFFLE_MANIFEST = RUNS / "jaffle-daily" / "48004" / "5_test" / "target" / "manifest.json"
MB = 1_000_000


def _child(*args: str, timeout: float = 240) -> dict:
    done = subprocess.run([sys.executable, "-m", "tests.reliability._children", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_200mb_manifest_loads_within_three_times_its_size(tmp_path):
    """Peak RSS of a child process over its baseline (imports and an open store), while it
    reads, parses and stores one run whose manifest is the big fixture scaled to 200 MB."""
    manifest = tmp_path / "manifest.json"
    made = _child("scale", str(BIG_MANIFEST), str(manifest), str(200 * MB))
    assert made["bytes"] >= 200 * MB
    got = _child("memory", str(manifest), str(tmp_path / "store.duckdb"))
    ratio = (got["peak"] - got["baseline"]) / got["size"]
    print(f"200 MB manifest: {got['size'] / MB:.0f} MB, {got['nodes']} nodes, peak {ratio:.2f}x its size "
          f"over a {got['baseline'] / MB:.0f} MB baseline, {got['seconds']:.1f}s")
    assert got["stored"] == got["nodes"] == made["nodes"] + _other_sections(BIG_MANIFEST)
    assert ratio <= 3.0, f"peak memory {ratio:.2f}x the manifest's size"


def _other_sections(path: Path) -> int:
    doc = json.loads(gzip.decompress(path.read_bytes()))
    sections = ("sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests", "functions")
    return sum(len(doc.get(s) or {}) for s in sections)


def _parsed(data: bytes, path: str, stream: bool):
    try:
        return fields_of(read_artifact(data, path, "manifest", stream=stream))
    except ArtifactError as exc:
        return type(exc).__name__


REAL_MANIFESTS = sorted(p for p in FIXTURES.rglob("manifest.json*") if "big" not in p.parts)


def test_every_fixture_manifest_streams_to_the_same_columns():
    assert len(REAL_MANIFESTS) > 100
    for path in REAL_MANIFESTS:
        data = path.read_bytes()
        assert _parsed(data, str(path), True) == _parsed(data, str(path), False), path


@pytest.mark.slow
def test_a_large_real_manifest_streams_to_the_same_columns():
    data = MID_MANIFEST.read_bytes()  # gzip: decompressed while streaming
    streamed, whole = _parsed(data, "m.json", True), _parsed(data, "m.json", False)
    assert isinstance(streamed, dict) and len(streamed["nodes"]["unique_id"]) > 6000
    assert streamed == whole


@pytest.mark.parametrize("chunk", [3, 61, 4096])
@pytest.mark.parametrize("gzipped", [False, True])
def test_window_boundaries_anywhere_give_the_same_columns(monkeypatch, chunk, gzipped):
    """Tiny chunks put window edges inside keys, numbers, escapes and multi-byte characters."""
    doc = json.loads(JAFFLE_MANIFEST.read_bytes())
    doc["nodes"] = dict(list(doc["nodes"].items())[:6])  # quick with 3-byte chunks
    first = next(iter(doc["nodes"].values()))
    first["description"] = "caf\u00e9 \u2603 \U0001f600 \"quoted\" \\ back"
    first["meta"] = {"n": 12345678901234, "f": 1.5e-7, "t": True, "z": None}
    data = json.dumps(doc, ensure_ascii=False, indent=1).encode()
    data = gzip.compress(data) if gzipped else data
    whole = _parsed(data, "m.json", False)
    monkeypatch.setattr(_stream, "CHUNK", chunk * 16 if gzipped else chunk)
    assert _parsed(data, "m.json", True) == whole


ODD = {
    "duplicate node key": lambda t: t.replace('"nodes": {', '"nodes": {"model.a.b": {"name": "first"}, "model.a.b": {"name": "second"},', 1),
    "duplicate section": lambda t: t.replace('"exposures":', '"sources": {}, "exposures":', 1),
    "lone surrogate": lambda t: t.replace('"description": "', '"description": "\\ud800', 1),
    "NaN": lambda t: t.replace('"checksum": ', '"checksum": NaN, "x": ', 1),
    "infinite float": lambda t: t.replace('"checksum": ', '"checksum": 1e400, "x": ', 1),
    "integer over 64 bits": lambda t: t.replace('"checksum": ', '"checksum": 123456789012345678901234567890, "x": ', 1),
    "top-level list": lambda t: f"[{t}]",
    "nodes a list": lambda t: t.replace('"nodes": {', '"nodes": [{', 1).replace('}, "sources":', '}], "sources":', 1),
    "metadata last": lambda t: t.replace('"metadata":', '"zz_metadata":', 1)[:-1] + ', "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}}',
    "no metadata": lambda t: t.replace('"metadata":', '"not_metadata":', 1),
    "trailing garbage": lambda t: t + " }",
    "truncated": lambda t: t[: len(t) // 2],
    "empty": lambda t: "   ",
}


@pytest.mark.parametrize("name", ODD)
def test_odd_input_gives_what_the_whole_document_reader_gives(name):
    text = ODD[name](JAFFLE_MANIFEST.read_text())
    data = text.encode("utf-8", "surrogatepass")
    assert _parsed(data, "m.json", True) == _parsed(data, "m.json", False)


def test_only_manifests_over_the_threshold_stream(monkeypatch):
    """The choice is automatic: a run of normal size reads the whole document."""
    calls = []
    original = _stream.members
    monkeypatch.setattr("paradime_nb.artifacts.manifest.members", lambda *a: calls.append(1) or original(*a))
    data = JAFFLE_MANIFEST.read_bytes()
    read_artifact(data, "target/manifest.json")
    assert calls == []
    monkeypatch.setattr("paradime_nb.artifacts.STREAM_MIN_BYTES", len(data))
    read_artifact(data, "target/manifest.json")
    assert calls == [1]


def test_a_download_over_the_cap_is_refused_and_leaves_nothing_behind(tmp_path):
    """Declared (Content-Length) or not (chunked), a file over ``max_download_mb`` stops the
    load with a DownloadError naming the file and the setting; no part of it is kept."""
    with server_and_client(RUNS, tmp_path / "cache", max_download_mb=0.5) as (srv, client):
        for chunked in (False, True):
            if chunked:
                srv.inject("chunked", "download", times=None)
            before = store_state(client.store)
            with pytest.raises(DownloadError) as info:
                client.metadata.load("jaffle-daily")
            message = str(info.value)
            assert "manifest.json" in message and "max_download_mb=0.5" in message and "limit" in message
            assert store_state(client.store) == before
            assert srv.counts["download"] <= 16 * (2 if chunked else 1)  # one try per file, no retries
            srv.clear()
        kept = [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()]
        assert "manifest.json" not in kept and not [n for n in kept if n.startswith(".part-")]
        assert "index.json" not in kept  # no run was finished, so no run's file list is cached
