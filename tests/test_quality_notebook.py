"""The quality analyses in the notebook: %paradime coverage / recommendations / owners /
schema-changes are the API's typed results, drawn as coverage bars and sortable tables
that work offline (checked in headless Chromium, screenshots in tests/output/)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from paradime_nb import Paradime
from paradime_nb.metadata.quality_results import Coverage, Recommendations, RelationStats, SchemaChanges
from paradime_nb.notebook.widgets.quality import coverage_view, recommendations_view, schema_changes_view

from . import notebook_support as ns
from .conftest import RUNS
from .test_notebook_magic import fetches_anything, shell, usage_error, value  # noqa: F401  (fixture)

S = "jaffle-daily"


@pytest.fixture(scope="module")
def api():
    with Paradime.from_path(RUNS) as client:
        client.metadata.load(S, runs=12, progress=False)
        yield client.metadata


def _drawn(ip, obj) -> str:
    data, _meta = ip.display_formatter.format(obj)
    return data["text/html"]


def test_quality_subcommands_return_the_apis_results_and_draw_them(shell, api, capsys):  # noqa: F811
    value(shell, f"%paradime connect --path {RUNS}")
    value(shell, f"%paradime load {S} --runs 12")
    cov = value(shell, "%paradime coverage --by tag")
    assert isinstance(cov, Coverage) and cov == api.get_coverage(S, by="tag")
    html = _drawn(shell, cov)
    assert html.count("paradime-coverage-bar") == 6 and "new ITable" in html and not fetches_anything(html)

    rec = value(shell, "%paradime recommendations --rule high_fan_out --threshold high_fan_out=2")
    assert isinstance(rec, Recommendations)
    assert rec == api.get_recommendations(S, rules=["high_fan_out"], thresholds={"high_fan_out": 2})
    assert len(rec.findings) > 2 and "paradime-severities" in _drawn(shell, rec)
    assert "unknown rule 'nope'" in usage_error(shell, "%paradime recommendations --rule nope", capsys)
    assert "ID=NUMBER" in usage_error(shell, "%paradime recommendations --threshold high_fan_out", capsys)

    owners = value(shell, "%paradime owners")
    assert list(owners) == list(api.get_health_by_owner(S))
    html = _drawn(shell, owners)
    assert "health by owner" in html and "analytics-engineering" in html

    changes = value(shell, "%paradime schema-changes --days 30")
    assert isinstance(changes, SchemaChanges) and changes == api.get_schema_changes(S, days=30)
    assert "customer_segments" in _drawn(shell, changes)
    sizes = value(shell, "%paradime schema-changes --sizes")
    assert isinstance(sizes, RelationStats) and sizes == api.get_relation_stats(S)
    assert "reports no row counts" in _drawn(shell, sizes)
    assert "--days must be positive" in usage_error(shell, "%paradime schema-changes --days 0", capsys)
    assert "by must be None or one of folder, tag, owner, package" in usage_error(
        shell, "%paradime coverage --by colour", capsys)


def test_coverage_bars_and_sorting_in_a_browser(api, output_dir):
    cov = api.get_coverage(S, by="folder")
    rec = api.get_recommendations(S)
    page = output_dir / "quality_widgets.html"
    body = "".join(view(x)["text/html"] for view, x in ((coverage_view, cov), (recommendations_view, rec),
                                                          (schema_changes_view, api.get_schema_changes(S))))
    page.write_text(f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>")
    with ns.browser() as browser:
        tab = browser.new_page()
        tab.goto(page.as_uri())
        tab.locator("table.dataTable").first.wait_for(state="visible", timeout=15000)
        bars = tab.locator(".paradime-coverage-bar")
        assert bars.count() == 6
        first = bars.nth(0).inner_text()
        assert f"{cov.overall.models_tested_pct:.0f}% ({cov.overall.models_tested} of {cov.overall.models})" in first
        # the folder table sorts by a click on its "models" header
        table = tab.locator("table.dataTable").first
        order = table.locator("thead th", has_text=re.compile(r"^models$")).locator(".dt-column-order")
        column = table.locator("tbody tr td:nth-child(2)")
        order.click()
        tab.wait_for_timeout(200)
        assert [int(t) for t in column.all_inner_texts()] == sorted(r.models for r in cov.groups)
        order.click()  # descending
        tab.wait_for_timeout(200)
        assert [int(t) for t in column.all_inner_texts()] == sorted((r.models for r in cov.groups), reverse=True)
        tab.screenshot(path=str(output_dir / "quality_widgets.png"), full_page=True)
    assert (output_dir / "quality_widgets.png").stat().st_size > 10_000


def test_results_convert_to_frames(api):
    cov = api.get_coverage(S)
    assert list(cov.to_frame().columns) == [f.name for f in dataclasses.fields(type(cov.overall))]
    assert len(api.get_coverage(S, by="package").to_frame()) == 2
    assert len(api.get_schema_changes(S).to_frame()) == len(api.get_schema_changes(S).changes)


def test_quality_notebook_runs_in_a_kernel():
    """notebooks/quality.ipynb executed by a real kernel over the demo: each output is the
    API's answer over the same 12 demo runs."""
    nb = ns.execute("quality.ipynb")
    assert ns.errors(nb) == []
    with Paradime.demo() as client:
        client.metadata.load(S, runs=12, progress=False)
        cov = client.metadata.get_coverage(S, by="folder")
        rec = client.metadata.get_recommendations(S)
        changes = client.metadata.get_schema_changes(S, days=30)
    coverage = ns.data(nb, "coverage")
    assert coverage.count("paradime-coverage-bar") == 6
    assert f"({cov.overall.columns_documented} of {cov.overall.columns})" in coverage
    assert f"{len(rec.findings)} findings" in ns.data(nb, "recommendations")
    by_rule = ns.data(nb, "findings-by-rule", "text/plain")
    for outcome in rec.rules:
        if outcome.findings:
            assert re.search(rf"{outcome.rule_id}\s+{outcome.findings}\b", by_rule), outcome.rule_id
    drift = ns.data(nb, "schema-changes")
    assert f"{len(changes.changes)} schema changes" in drift and "customer_segments" in drift
    assert "health by owner" in ns.data(nb, "owners")
    assert "model.jaffle_shop." in ns.data(nb, "sql-columns")
