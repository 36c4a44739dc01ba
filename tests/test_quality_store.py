"""What the store keeps for the quality analyses (contracts, deprecation dates, group
owners, declared columns, catalog relation names), from every fixture; and a store file
written before those fields existed still opens and answers."""

from __future__ import annotations

import json

import duckdb
import pytest

from paradime_nb import Paradime
from paradime_nb.artifacts import read_artifact
from tests.conftest import JAFFLE, PUBLIC, RUNS, SCHEMA_VERSIONS

MANIFESTS = sorted(p for p in SCHEMA_VERSIONS.rglob("manifest.json") if "json_schemas" not in p.parts) + sorted(PUBLIC.rglob("manifest.json"))


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: "/".join(p.parts[-3:-1]))
def test_every_manifest_gives_the_new_fields_as_the_raw_json_has_them(path):
    data = path.read_bytes()
    doc = json.loads(data)
    whole = read_artifact(data, str(path), "manifest", stream=False)
    streamed = read_artifact(data, str(path), "manifest", stream=True)
    assert whole.columns == streamed.columns and whole.groups == streamed.groups
    for name in ("contract_enforced", "deprecation_date", "group_owner"):
        assert whole.nodes[name] == streamed.nodes[name], name
    nodes = {}
    for section in ("nodes", "sources", "exposures"):
        nodes.update(doc.get(section) or {})
    groups = {g["name"]: g["owner"].get("email") or g["owner"].get("name") for g in (doc.get("groups") or {}).values()}
    got = dict(zip(whole.nodes["unique_id"], zip(whole.nodes["contract_enforced"], whole.nodes["deprecation_date"],
                                                 whole.nodes["group_owner"])))
    for uid, node in nodes.items():
        contract = (node.get("config") or {}).get("contract") or node.get("contract") or {}
        group = node.get("group") or (node.get("config") or {}).get("group")
        assert got[uid] == (contract.get("enforced"), node.get("deprecation_date"), groups.get(group)), uid
    declared = sum(len(n.get("columns") or {}) for n in nodes.values())
    assert len(whole.columns["unique_id"]) == declared


def test_a_store_file_from_before_the_quality_fields_opens_and_answers(tmp_path):
    db = tmp_path / "old.duckdb"
    with Paradime.from_path(RUNS, database=db) as client:
        client.metadata.load("jaffle-daily", runs=2, progress=False)
    from tests.test_store_versions import _downgrade_to_v2  # noqa: PLC0415

    _downgrade_to_v2(db)  # the per-run tables of schema v2, which these fields were added to
    con = duckdb.connect(str(db))  # make it look like a store written before them
    for column in ("contract_enforced", "deprecation_date", "group_owner"):
        con.execute(f"ALTER TABLE manifest_nodes DROP COLUMN {column}")
    con.execute("DROP VIEW latest_manifest_columns")
    con.execute("DROP TABLE manifest_columns")
    con.close()
    with Paradime.from_path(RUNS, database=db) as client:
        rec = client.metadata.get_recommendations("jaffle-daily")
        assert "public_model_without_contract" in rec.not_applicable
        note = next(r.note for r in rec.rules if r.rule_id == "public_model_without_contract")
        assert "stored before" in note
        cov = client.metadata.get_coverage("jaffle-daily")
        assert cov.overall.models == 14 and cov.overall.columns_documented == 0
        client.metadata.load("jaffle-daily", runs=3, progress=False)  # a newer run is read in full
        assert client.metadata.query_sql("SELECT count(*) AS n FROM manifest_columns")["n"][0] > 0


def test_catalog_relation_names_are_stored(jaffle_client):
    doc = json.loads((JAFFLE / "48012" / "4_docs_generate" / "target" / "catalog.json").read_text())
    got = jaffle_client.metadata.query_sql(
        "SELECT unique_id, database_name, schema_name, table_name FROM catalog_nodes WHERE run_id = 48012")
    stored = {r.unique_id: (r.database_name, r.schema_name, r.table_name) for r in got.itertuples()}
    entries = {**doc["nodes"], **doc["sources"]}
    assert stored == {u: (e["metadata"]["database"], e["metadata"]["schema"], e["metadata"]["name"])
                      for u, e in entries.items()}
