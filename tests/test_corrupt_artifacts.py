"""Corrupted variants of real artifacts: each raises a typed error naming the file, and
the store holds exactly what it held before the failed load."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from paradime_nb import Paradime
from paradime_nb.store import prepare_run
from paradime_nb.errors import (
    ArtifactError,
    ArtifactNotFoundError,
    CorruptArtifactError,
    InvalidArtifactError,
    MissingSchemaVersionError,
    UnsupportedSchemaVersionError,
)
from tests.conftest import JAFFLE

GOOD_RUN, BAD_RUN = "48001", "48004"
# the file of each kind that the store reads in run 48004
TARGETS = {
    "manifest": "7_docs_generate/target/manifest.json",
    "run_results": "5_test/target/run_results.json",
    "sources": "6_source_freshness/target/sources.json",
    "catalog": "7_docs_generate/target/catalog.json",
}
TABLES = ("schedules", "runs", "commands", "artifacts", "dbt_run_results", "dbt_source_freshness_results",
          "model_metadata", "node_edges", "test_metadata", "catalog_nodes", "catalog_columns")


def _doc(kind: str) -> dict:
    return json.loads((JAFFLE / BAD_RUN / TARGETS[kind]).read_bytes())


def _dump(doc) -> bytes:
    return json.dumps(doc).encode()


def _with(kind: str, change: Callable[[dict], object]) -> Callable[[bytes], bytes]:
    def mutate(_data: bytes) -> bytes:
        doc = _doc(kind)
        change(doc)
        return _dump(doc)
    return mutate


def _set(path: tuple, value) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _delete(path: tuple) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


BYTE_VARIANTS: dict[str, tuple[Callable[[bytes], bytes], type]] = {
    "empty": (lambda d: b"", CorruptArtifactError),
    "whitespace": (lambda d: b"  \n\t ", CorruptArtifactError),
    "truncated-10%": (lambda d: d[: len(d) // 10], CorruptArtifactError),
    "truncated-50%": (lambda d: d[: len(d) // 2], CorruptArtifactError),
    "truncated-90%": (lambda d: d[: len(d) * 9 // 10], CorruptArtifactError),
    "last-byte-cut": (lambda d: d.rstrip()[:-1], CorruptArtifactError),
    "trailing-garbage": (lambda d: d + b"}{garbage", CorruptArtifactError),
    "invalid-utf8": (lambda d: d.replace(b'"metadata"', b'"meta\xff\xfedata"', 1), CorruptArtifactError),
    "top-level-list": (lambda d: b"[" + d + b"]", InvalidArtifactError),
    "null": (lambda d: b"null", InvalidArtifactError),
    "truncated-gzip": (lambda d: gzip.compress(d)[:200], CorruptArtifactError),
}


def _structural(kind: str) -> dict[str, tuple[Callable[[bytes], bytes], type]]:
    other = "manifest" if kind != "manifest" else "catalog"
    section = {"manifest": "nodes", "run_results": "results", "sources": "results", "catalog": "nodes"}[kind]
    variants = {
        "no-metadata": (_with(kind, _delete(("metadata",))), MissingSchemaVersionError),  # dbt before 0.19
        "no-schema-version": (_with(kind, _delete(("metadata", "dbt_schema_version"))), MissingSchemaVersionError),
        "metadata-is-a-string": (_with(kind, _set(("metadata",), "v12")), InvalidArtifactError),
        "schema-v99": (_with(kind, lambda doc: doc["metadata"].update(
            dbt_schema_version=doc["metadata"]["dbt_schema_version"].rsplit("/v", 1)[0] + "/v99.json")),
            UnsupportedSchemaVersionError),
        "schema-of-another-kind": (_with(kind, _set(("metadata", "dbt_schema_version"),
                                                    f"https://schemas.getdbt.com/dbt/{other.replace('_', '-')}/v1.json")),
                                   InvalidArtifactError),
        "not-a-dbt-schema": (_with(kind, _set(("metadata", "dbt_schema_version"), "https://example.com/x.json")),
                             UnsupportedSchemaVersionError),
        f"{section}-missing": (_with(kind, _delete((section,))), InvalidArtifactError),
        f"{section}-wrong-type": (_with(kind, _set((section,), "oops" if section == "results" else ["a"])),
                                  InvalidArtifactError),
    }
    if section == "results":
        variants["row-is-a-number"] = (_with(kind, lambda doc: doc["results"].__setitem__(0, 5)), InvalidArtifactError)
        variants["row-without-unique-id"] = (_with(kind, lambda doc: doc["results"][0].pop("unique_id")),
                                             InvalidArtifactError)
        variants["unique-id-is-a-number"] = (_with(kind, _set(("results", 0, "unique_id"), 12)), InvalidArtifactError)
    else:
        variants["entry-is-a-number"] = (_with(kind, lambda doc: doc[section].__setitem__(next(iter(doc[section])), 5)),
                                         InvalidArtifactError)
    return variants


CASES = [
    (kind, name, mutate, error)
    for kind in TARGETS
    for name, (mutate, error) in {**BYTE_VARIANTS, **_structural(kind)}.items()
]


def test_there_are_at_least_50_variants():
    assert len(CASES) >= 50


def _link_run(src: Path, dest: Path) -> None:
    """A copy of a run folder made of symlinks (the fixtures stay read-only)."""
    for dirpath, _dirs, files in os.walk(src):
        rel = Path(dirpath).relative_to(src)
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            os.symlink(Path(dirpath) / name, dest / rel / name)


def _snapshot(client) -> dict[str, str]:
    out = {}
    for table in TABLES:
        rows = client.store.fetchall(f"SELECT * FROM {table} ORDER BY ALL")
        out[table] = f"{len(rows)}:{hashlib.sha256(repr(rows).encode()).hexdigest()}"
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("corrupt")
    schedule = root / "jaffle-daily"
    schedule.mkdir()
    shutil.copy(JAFFLE / "schedule.json", schedule / "schedule.json")
    _link_run(JAFFLE / GOOD_RUN, schedule / GOOD_RUN)
    return root


@pytest.mark.parametrize(("kind", "name", "mutate", "error"), CASES, ids=[f"{k}-{n}" for k, n, _m, _e in CASES])
def test_corrupt_artifact_raises_typed_error_and_changes_nothing(tmp_path, base, kind, name, mutate, error):
    root = tmp_path / "runs"
    shutil.copytree(base, root, symlinks=True)
    with Paradime.from_path(root) as client:
        assert client.metadata.load("jaffle-daily", progress=False).loaded == [int(GOOD_RUN)]
        before = _snapshot(client)

        bad = root / "jaffle-daily" / BAD_RUN
        _link_run(JAFFLE / BAD_RUN, bad)
        target = bad / TARGETS[kind]
        data = target.read_bytes()
        target.unlink()
        target.write_bytes(mutate(data))

        with pytest.raises(ArtifactError) as info:
            client.metadata.load("jaffle-daily", runs=5, progress=False)
        assert isinstance(info.value, error), f"{type(info.value).__name__}: {info.value}"
        assert TARGETS[kind].split("/", 1)[1] in str(info.value)  # names the file
        assert f"run {BAD_RUN}" in str(info.value)
        assert _snapshot(client) == before


def test_a_file_that_vanishes_between_listing_and_reading(tmp_path, base):
    root = tmp_path / "runs"
    shutil.copytree(base, root, symlinks=True)
    bad = root / "jaffle-daily" / BAD_RUN
    _link_run(JAFFLE / BAD_RUN, bad)
    with Paradime.from_path(root) as client:
        schedule = client.source.schedule("jaffle-daily")
        (data,) = list(client.source.fetch(schedule, client.source.runs(schedule, limit=1)))
        (bad / TARGETS["run_results"]).unlink()  # listed, then gone
        with pytest.raises(ArtifactNotFoundError, match=r"run 48004/command 5/target/run_results\.json"):
            prepare_run(data)
