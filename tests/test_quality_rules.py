"""Every recommendation rule on a small project where each fires (``tests/quality_project.py``),
rule by rule; old schema versions; the rule table's options and its documentation."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from paradime_nb import Paradime
from paradime_nb.errors import InvalidArgumentError
from paradime_nb.metadata.rules import RULES, StagingLayer
from tests.conftest import ROOT
from tests.quality_oracle import Project
from tests.quality_project import EXPECTED, NEEDS_V9, NEEDS_V10, build


def _client(folder, **kwargs) -> tuple[Paradime, str]:
    client = Paradime.from_path(folder, **kwargs)
    slug = client.metadata.schedules()[0].slug
    client.metadata.load(slug, progress=False)
    return client, slug


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = build(tmp_path_factory.mktemp("quality") / "target")
    client, slug = _client(folder, strict=True)  # strict: the files pass dbt's published schema
    yield client, slug, folder
    client.close()


def _by_rule(findings) -> dict[str, set[str]]:
    out = defaultdict(set)
    for f in findings:
        out[f.rule_id].add(f.unique_id)
    return dict(out)


def test_every_rule_fires_with_exactly_the_planted_findings(project):
    client, slug, folder = project
    rec = client.metadata.get_recommendations(slug)
    assert set(EXPECTED) == {r.rule_id for r in RULES}  # every rule is planted
    assert _by_rule(rec.findings) == EXPECTED
    assert all(r.applicable for r in rec.rules) and rec.not_applicable == []
    # the oracle agrees with the hand-written answer
    manifest = json.loads((folder / "manifest.json").read_text())
    catalog = json.loads((folder / "catalog.json").read_text())
    oracle = Project(manifest, catalog).findings(as_of=__import__("datetime").datetime(2026, 1, 1))
    assert oracle == {(rule, uid) for rule, ids in EXPECTED.items() for uid in ids}


def test_findings_say_why_and_how_to_fix(project):
    client, slug, _folder = project
    rec = client.metadata.get_recommendations(slug)
    by_key = {(f.rule_id, f.unique_id): f for f in rec.findings}
    dep = by_key[("deprecated_model_referenced", "model.shop.dim_customers.v1")]
    assert "2020-01-01" in dep.reason and "fct_orders" in dep.reason and dep.name == "dim_customers.v1"
    assert "raw.events" in by_key[("source_outside_staging", "model.shop.events_clean")].reason
    assert "stg_orders" in by_key[("rejoin", "model.shop.fct_orders")].reason
    fan = by_key[("high_fan_out", "model.shop.stg_orders")]
    assert fan.reason.startswith("many models read it directly: 5 models")
    cols = by_key[("undocumented_columns", "model.shop.stg_orders")]
    assert "1 of 3" in cols.reason and "loaded_at" in cols.reason
    assert by_key[("public_model_without_contract", "model.shop.fct_orders")].owner == "sales-data@example.com"
    assert all(f.fix for f in rec.findings)
    severities = [f.severity for f in rec.findings]
    assert severities == sorted(severities, key=("high", "medium", "low").index)
    frame = rec.to_frame()
    assert list(frame.columns)[:4] == ["rule_id", "severity", "unique_id", "name"] and len(frame) == len(rec.findings)


@pytest.mark.parametrize("version", [8, 9])
def test_older_manifest_schema_reports_rules_it_cannot_answer_as_not_applicable(tmp_path, version):
    client, slug = _client(build(tmp_path / "target", schema_version=version))
    with client:
        rec = client.metadata.get_recommendations(slug)
        missing = NEEDS_V9 | NEEDS_V10 if version < 9 else NEEDS_V10
        assert set(rec.not_applicable) == missing
        for outcome in rec.rules:
            if outcome.rule_id in missing:
                assert outcome.findings == 0 and f"v{version}" in outcome.note
        expected = {rule: ids for rule, ids in EXPECTED.items() if rule not in missing}
        assert _by_rule(rec.findings) == expected


def test_thresholds_rule_choice_and_layers_are_options(project):
    client, slug, _folder = project
    rec = client.metadata.get_recommendations(slug, thresholds={"high_fan_out": 6})
    assert "high_fan_out" not in _by_rule(rec.findings)
    assert next(r for r in rec.rules if r.rule_id == "high_fan_out").threshold == 6
    rec = client.metadata.get_recommendations(slug, thresholds={"undocumented_columns": 30})  # 1 of 3 documented
    assert _by_rule(rec.findings)["undocumented_columns"] == {
        "model.shop.int_orders", "model.shop.report_unused", "model.shop.events_clean"}
    only = client.metadata.get_recommendations(slug, rules=["rejoin", "unused_model"])
    assert [r.rule_id for r in only.rules] == ["rejoin", "unused_model"]
    assert _by_rule(only.findings) == {k: EXPECTED[k] for k in ("rejoin", "unused_model")}
    layered = client.metadata.get_recommendations(slug, staging=StagingLayer(folders=("intermediate",), prefixes=()))
    assert _by_rule(layered.findings)["source_outside_staging"] == {"model.shop.stg_orders"}
    with pytest.raises(InvalidArgumentError, match="unknown rule 'nope'"):
        client.metadata.get_recommendations(slug, rules=["nope"])
    with pytest.raises(InvalidArgumentError, match="has no threshold"):
        client.metadata.get_recommendations(slug, thresholds={"rejoin": 2})


def test_coverage_and_owners_on_the_small_project(project):
    client, slug, _folder = project
    cov = client.metadata.get_coverage(slug)
    o = cov.overall
    # 8 models: 4 tested (ephemeral_helper, events_clean, dim v1/v2 not); pk on stg, int, fct
    assert (o.models, o.models_tested, o.models_with_pk_test, o.models_documented) == (8, 4, 3, 7)
    # columns: stg 3 (1 from the catalog), events 1, int 2, fct 2, dim 1+1, report 1 = 11;
    # tested: stg.order_id, fct.order_id, report.total (a unique combination names no column)
    assert (o.columns, o.columns_tested, o.columns_documented) == (11, 3, 5)
    assert (o.sources, o.sources_with_freshness, o.sources_with_freshness_pct) == (2, 1, 50.0)
    by_owner = {r.group: r.models for r in client.metadata.get_coverage(slug, by="owner").groups}
    assert by_owner == {"team-a": 7, "sales-data@example.com": 1, "data-platform": 0}  # sources: data-platform
    with pytest.raises(InvalidArgumentError, match="by must be"):
        client.metadata.get_coverage(slug, by="colour")
    owners = {o.owner: o for o in client.metadata.get_health_by_owner(slug)}
    assert owners["sales-data@example.com"].nodes == 1  # fct_orders, through its group
    assert owners["sales@example.com"].nodes == 1  # the exposure's own owner


def test_every_rule_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for rule in RULES:
        assert f"`{rule.rule_id}`" in readme, rule.rule_id
