"""Reading artifacts of every published schema version; expectations from the raw JSON."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from paradime_nb.artifacts import ParsedManifest, normalize_status, read_artifact, read_artifact_file
from paradime_nb.errors import ArtifactValidationError, ParadimeNbError, UnsupportedSchemaVersionError
from tests import raw
from tests.conftest import GENERATED, JAFFLE, PUBLIC, SCHEMA_VERSIONS

KIND_OF = {"manifest": "manifest", "run_results": "run_results", "sources": "sources", "catalog": "catalog"}


def _kind(path: Path) -> str:
    stem = path.name.split(".")[0]
    return KIND_OF[re.sub(r"_\d.*$", "", stem)]


ALL_FILES = sorted(
    p for p in list(SCHEMA_VERSIONS.rglob("*.json")) + list(PUBLIC.rglob("*.json"))
    if "json_schemas" not in p.parts and re.sub(r"_\d.*$", "", p.name.split(".")[0]) in KIND_OF
)


def test_fixture_inventory_covers_every_schema_version():
    versions = Counter()
    for p in ALL_FILES:
        url = json.loads(p.read_bytes())["metadata"]["dbt_schema_version"]
        kind, v = re.search(r"/dbt/([a-z-]+)/v(\d+)\.json", url).groups()
        versions[(kind, int(v))] += 1
    for v in range(1, 13):
        assert ("manifest", v) in versions
    for v in range(1, 7):
        assert ("run-results", v) in versions
    assert ("sources", 3) in versions and ("catalog", 1) in versions


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(p.parents[3])))
def test_every_fixture_file_reads_with_the_raw_counts(path):
    doc = json.loads(path.read_bytes())
    parsed = read_artifact_file(path, _kind(path))
    kind = _kind(path)
    if kind == "manifest":
        nodes = raw.manifest_graph_nodes(doc)
        assert parsed.node_count == len(nodes)
        assert set(parsed.nodes["unique_id"]) == set(nodes)
        edges = sum(len((n.get("depends_on") or {}).get("nodes") or []) for n in nodes.values())
        assert len(parsed.edges["parent_id"]) == edges
    elif kind in ("run_results", "sources"):
        assert parsed.results["unique_id"] == [r["unique_id"] for r in doc["results"]]
        assert parsed.results["status"] == [r["status"] for r in doc["results"]]  # dbt-core statuses unchanged
    else:
        assert len(parsed.nodes["unique_id"]) == len(doc["nodes"]) + len(doc["sources"])


def test_gzip_is_read_like_plain(tmp_path):
    src = JAFFLE / "48004" / "5_test" / "target" / "run_results.json"
    gz = tmp_path / "run_results.json.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    assert read_artifact_file(gz).results == read_artifact_file(src).results


def test_names_come_from_the_manifest_not_the_unique_id():
    path = PUBLIC / "datacoves__balboa" / "2026-03-20_manifest-v12_dbt1.10.18" / "manifest.json"
    doc = json.loads(path.read_bytes())
    parsed = read_artifact_file(path)
    by_id = {uid: i for i, uid in enumerate(parsed.nodes["unique_id"])}
    versioned = {k: v for k, v in doc["nodes"].items() if v.get("version") is not None}
    assert versioned
    for uid, node in versioned.items():
        i = by_id[uid]
        assert parsed.nodes["name"][i] == node["name"]
        assert parsed.nodes["version"][i] == str(node["version"])
        assert parsed.nodes["latest_version"][i] == str(node["latest_version"])
        assert parsed.nodes["is_latest_version"][i] == (str(node["version"]) == str(node["latest_version"]))
    for uid, node in doc["sources"].items():
        i = by_id[uid]
        assert (parsed.nodes["source_name"][i], parsed.nodes["name"][i]) == (node["source_name"], node["name"])


def test_generic_test_names_and_targets():
    path = JAFFLE / "48010" / "7_docs_generate" / "target" / "manifest.json"
    doc = json.loads(path.read_bytes())
    parsed = read_artifact_file(path)
    tests = dict(zip(parsed.tests["unique_id"], zip(parsed.tests["test_type"], parsed.tests["tested_node"],
                                                     parsed.tests["column_name"], parsed.tests["severity"])))
    names = dict(zip(parsed.nodes["unique_id"], parsed.nodes["name"]))
    for uid, node in doc["nodes"].items():
        if node["resource_type"] != "test":
            continue
        assert names[uid] == node["name"]  # not the hash suffix of the unique id
        test_type, tested, column, severity = tests[uid]
        assert test_type == ("generic" if node.get("test_metadata") else "singular")
        parents = node["depends_on"]["nodes"]
        if node.get("attached_node"):
            expected = node["attached_node"]
        elif node.get("test_metadata"):
            src = re.search(r"source\('([^']+)', '([^']+)'\)", node["test_metadata"]["kwargs"]["model"])
            expected = next(k for k, v in doc["sources"].items() if (v["source_name"], v["name"]) == src.groups())
        else:
            expected = parents[0] if len(parents) == 1 else None
        assert tested == expected
        assert column == node.get("column_name")
        assert severity == node["config"]["severity"].lower()
    for uid, node in doc["unit_tests"].items():
        assert tests[uid][0] == "unit"
        assert tests[uid][1] == node["depends_on"]["nodes"][0]


def test_old_manifests_find_the_tested_node_from_refs():
    path = SCHEMA_VERSIONS / "manifest" / "v4" / "jaffle_shop" / "manifest.json"
    doc = json.loads(path.read_bytes())
    parsed = read_artifact_file(path)
    tested = dict(zip(parsed.tests["unique_id"], parsed.tests["tested_node"]))
    checked = 0
    for uid, node in doc["nodes"].items():
        if node["resource_type"] == "test" and node.get("test_metadata"):
            model_ref = node["test_metadata"]["kwargs"]["model"]
            ref_name = re.search(r"ref\('([^']+)'\)", model_ref).group(1)
            enabled = [k for k, n in doc["nodes"].items() if n["name"] == ref_name and n["resource_type"] == "model"]
            if not enabled:  # the model is disabled (in doc["disabled"]): nothing to attach to
                assert tested[uid] is None
                continue
            assert doc["nodes"][tested[uid]]["name"] == ref_name
            checked += 1
    assert checked > 10


def test_freshness_criteria_keep_their_period():
    path = GENERATED / "dbt-1.11.16" / "4_source_freshness" / "sources.json"
    doc = json.loads(path.read_bytes())
    parsed = read_artifact_file(path)
    seconds = {"minute": 60, "hour": 3600, "day": 86400}
    for i, r in enumerate(doc["results"]):
        for which in ("warn_after", "error_after"):
            rule = r["criteria"][which]
            assert parsed.results[f"{which}_count"][i] == rule["count"]
            assert parsed.results[f"{which}_period"][i] == rule["period"]
            assert parsed.results[f"{which}_seconds"][i] == rule["count"] * seconds[rule["period"]]


def test_one_day_is_86400_seconds(tmp_path):
    doc = json.loads((GENERATED / "dbt-1.11.16" / "4_source_freshness" / "sources.json").read_bytes())
    doc["results"][0]["criteria"] = {"warn_after": {"count": 1, "period": "day"}, "error_after": {"count": None, "period": None}}
    parsed = read_artifact(json.dumps(doc).encode(), "sources.json")
    assert parsed.results["warn_after_seconds"][0] == 86400
    assert parsed.results["error_after_seconds"][0] is None


@pytest.mark.parametrize(("fusion", "core"), [
    ("Pass", "pass"), ("Warn", "warn"), ("Error", "error"), ("RuntimeError", "runtime error"),
    ("Success", "success"), ("Fail", "fail"), ("Skipped", "skipped"), ("PartialSuccess", "partial success"),
    ("NoOp", "no-op"),
])
def test_fusion_statuses_are_normalised(fusion, core):
    assert normalize_status(fusion) == core


@pytest.mark.parametrize("odd", ["partial success", "no-op", "reused", "quarantined", "Some Future Status"])
def test_other_statuses_are_kept_verbatim_and_never_fail_a_file(odd):
    doc = json.loads((JAFFLE / "48004" / "5_test" / "target" / "run_results.json").read_bytes())
    doc["results"][0]["status"] = odd
    doc["results"][1]["status"] = "Pass"
    parsed = read_artifact(json.dumps(doc).encode(), "run_results.json")
    assert parsed.results["status"][0] == odd
    assert parsed.results["status"][1] == "pass"


def test_unknown_schema_version_is_refused_with_the_file_name():
    doc = json.loads((JAFFLE / "48004" / "5_test" / "target" / "run_results.json").read_bytes())
    doc["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/run-results/v99.json"
    with pytest.raises(UnsupportedSchemaVersionError, match=r"x/run_results\.json.*v99"):
        read_artifact(json.dumps(doc).encode(), "x/run_results.json")


def test_strict_validation_passes_real_files_and_wraps_errors():
    path = GENERATED / "dbt-1.11.16" / "2_run" / "run_results.json"
    assert read_artifact_file(path, strict=True).results["unique_id"]
    doc = json.loads(path.read_bytes())
    doc["results"][0]["timing"] = "not a list"
    with pytest.raises(ArtifactValidationError, match=r"bad/run_results\.json") as info:
        read_artifact(json.dumps(doc).encode(), "bad/run_results.json", strict=True)
    assert isinstance(info.value, ParadimeNbError)


def test_manifest_parse_is_columnar():
    parsed = read_artifact_file(JAFFLE / "48012" / "4_docs_generate" / "target" / "manifest.json")
    assert isinstance(parsed, ParsedManifest)
    lengths = {len(v) for v in parsed.nodes.values()}
    assert lengths == {parsed.node_count}
