"""Coverage, recommendations and owners against an independent reading of the raw JSON
(``tests/quality_oracle.py``): jaffle-daily, every manifest under fixtures/public, big-2000."""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from paradime_nb import Paradime
from paradime_nb.metadata.quality import COVERAGE_GROUPS
from paradime_nb.vocabulary import HEALTH_PROBLEMS
from tests.conftest import BIG, JAFFLE, PUBLIC, RUNS, SCHEMA_VERSIONS
from tests.quality_oracle import Project, latest_artifacts
from tests.test_metadata_oracle import History, read_runs

PUBLIC_FOLDERS = sorted({p.parent for p in PUBLIC.rglob("manifest.json")})


def _same(got: dict, expected: dict) -> bool:
    for key, value in expected.items():
        g = got[key]
        if value is None or g is None:
            if value is not g and not (isinstance(g, float) and math.isnan(g)):
                return False
        elif isinstance(value, float):
            if not math.isclose(g, value):
                return False
        elif g != value:
            return False
    return True


def check_project(client: Paradime, slug: str, project: Project, as_of) -> None:
    """Every coverage figure, overall and per grouping, and every finding, as the oracle has them."""
    for by in (None, *COVERAGE_GROUPS):
        cov = client.metadata.get_coverage(slug, by=by)
        expected = project.coverage(by)
        got = {None: dataclasses.asdict(cov.overall)} if by is None else {
            r.group: dataclasses.asdict(r) for r in cov.groups}
        assert set(got) == set(expected), by
        for group, row in expected.items():
            assert _same(got[group], row), (by, group, got[group], row)
    rec = client.metadata.get_recommendations(slug)
    expected = project.findings(as_of)
    assert {(f.rule_id, f.unique_id) for f in rec.findings} == expected
    assert rec.manifest_schema_version == project.version
    counts = Counter(rule for rule, _uid in expected)
    for outcome in rec.rules:
        assert outcome.findings == counts.get(outcome.rule_id, 0)
    not_applicable = set(rec.not_applicable)
    assert ("public_model_without_contract" in not_applicable) == (project.version < 9)
    assert ("past_deprecation_date" in not_applicable) == (project.version < 10)


def _as_of(client: Paradime, slug: str):
    return client.metadata.query_sql(
        "SELECT max(started_at) AS t FROM runs WHERE schedule_name = $schedule_name AND node_count > 0",
        schedule_name=slug)["t"][0].to_pydatetime()


def test_jaffle_daily_quality_matches_the_raw_json(jaffle_client):
    manifest, catalog, started = latest_artifacts(JAFFLE)
    project = Project(manifest, catalog)
    check_project(jaffle_client, "jaffle-daily", project, started)
    cov = jaffle_client.metadata.get_coverage("jaffle-daily")
    # what the fixture is known to hold: ephemeral int_order_payments has no tests, fx_rates no freshness
    untested = [m.name for m in cov.models if not m.tests]
    assert untested == ["int_order_payments"]
    assert [s.name for s in cov.sources if not s.has_freshness] == ["fx_rates"]


@pytest.mark.parametrize("folder", PUBLIC_FOLDERS, ids=lambda p: str(p.relative_to(PUBLIC)))
def test_public_manifests_quality_matches_the_raw_json(folder: Path):
    manifest = json.loads((folder / "manifest.json").read_text())
    catalog_path = folder / "catalog.json"
    catalog = json.loads(catalog_path.read_text()) if catalog_path.exists() else None
    with Paradime.from_path(folder) as client:
        slug = client.metadata.schedules()[0].slug
        client.metadata.load(slug, progress=False)
        check_project(client, slug, Project(manifest, catalog), _as_of(client, slug))


@pytest.fixture(scope="module")
def big():
    folder = BIG / "big-2000"
    with Paradime.from_path(folder) as c:
        slug = c.metadata.schedules()[0].slug
        c.metadata.load(slug, runs=10, progress=False)
        yield c, slug, folder, latest_artifacts(folder)


def test_big_project_quality_matches_the_raw_json(big):
    client, slug, _folder, (manifest, catalog, started) = big
    project = Project(manifest, catalog)
    check_project(client, slug, project, started)
    rules = {r.rule_id: r.findings for r in client.metadata.get_recommendations(slug).rules}
    assert rules["missing_tests"] and rules["unused_model"] and rules["high_fan_out"]


def _owner_oracle(project: Project) -> dict:
    """owner -> node ids, for the nodes that have a health (no tests, hooks, unit tests)."""
    out = defaultdict(set)
    for uid, node in project.nodes.items():
        if node["resource_type"] in ("test", "unit_test", "operation"):
            continue
        owner = project.owner(node)
        if owner is None and node["resource_type"] == "exposure":
            owner = (node.get("owner") or {}).get("email") or (node.get("owner") or {}).get("name")
        out[owner].add(uid)
    return out


@pytest.mark.parametrize("where", ["jaffle", "big"])
def test_health_by_owner_groups_every_node_once_with_its_health(where, jaffle_client, big):
    """Owners from the raw JSON; each node's health from the node_health view (checked
    against the independent health oracle elsewhere, and here for jaffle-daily's models)."""
    if where == "jaffle":
        client, slug = jaffle_client, "jaffle-daily"
        expected_models = History(read_runs(JAFFLE)).model_health()
        assert {m.unique_id: m.health_status for m in client.metadata.get_model_health(slug)} == expected_models
        manifest = latest_artifacts(JAFFLE)[0]
    else:
        client, slug, _folder, (manifest, _catalog, _started) = big
    expected = _owner_oracle(Project(manifest))
    health = dict(client.metadata.query_sql(
        "SELECT unique_id, health_status FROM node_health WHERE schedule_name = $schedule_name",
        schedule_name=slug).itertuples(index=False))
    owners = {o.owner: o for o in client.metadata.get_health_by_owner(slug)}
    assert set(owners) == set(expected)
    for owner, ids in expected.items():
        o = owners[owner]
        assert o.nodes == len(ids)
        assert {h: n for h, n in o.by_health.items() if n} == dict(Counter(health[u] for u in ids))
        assert set(o.unhealthy_ids) == {u for u in ids if health[u] in HEALTH_PROBLEMS}
    assert any(o.unhealthy for o in owners.values())


def test_schema_versions_of_the_rule_fields_match_dbts_published_schemas():
    """FIELD_SINCE (which manifest versions have access, groups, contracts, deprecation
    dates) read against dbt's JSON schemas for manifest v1-v12."""
    from paradime_nb.metadata.rules import FIELD_SINCE

    for version in range(1, 13):
        schema = (SCHEMA_VERSIONS / "json_schemas" / "manifest" / f"manifest_v{version}.json").read_text()
        for field, since in FIELD_SINCE.items():
            assert (f'"{field}"' in schema) == (version >= since), (field, version)
