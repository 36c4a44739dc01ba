"""A schedule's health report as one self-contained HTML page (``paradime-nb report``).

Built from the notebook widgets' own renderers: the health card's static HTML, the
lineage graph (pyvis with vis-network inlined in a ``srcdoc`` iframe), and the itables
performance/test tables (their offline bundle inlined once). Every script and style is
in the file: it opens from disk with no server and no network.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import TYPE_CHECKING, Any

from ...metadata.check import TEST_TYPES, WARNING
from .health import HealthReport, static_html
from .lineage import lineage_graph
from .perf import performance_view
from .style import FONT
from .assets import LIBRARIES
from .table import table_html

if TYPE_CHECKING:
    from ...metadata import MetadataClient

TEST_COLUMNS = ["health_status", "name", "tested_node_name", "status", "failures", "message", "severity", "run_id"]
HISTORY_COLUMNS = ["name", "flaky", "runs", "passes", "warnings", "failures", "fail_rate", "flips", "last_status",
                   "tested_node"]
SLOWEST = 20
_PAGE_STYLE = (f"body{{{FONT};margin:24px auto;max-width:1200px;padding:0 16px;color:#212121}}"
               "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e0e0e0;"
               "padding-bottom:4px}.paradime-meta{color:#616161;font-size:13px}")


def health_report_html(metadata: MetadataClient, schedule_name: str, days: float = 30) -> str:
    """The whole page: card, failing and warning tests, lineage of every unhealthy node,
    slowest models and performance over ``days``, test history with flaky tests."""
    card = HealthReport.fetch(metadata, schedule_name)
    slug = card.schedule_name
    check = metadata.get_health_check(slug)
    unhealthy = check.at_or_above(WARNING)
    sections = [
        ("Health", static_html(card)),
        ("Failing and warning tests", _tests(unhealthy)),
        ("Lineage of the unhealthy nodes", _lineage(metadata, slug, unhealthy)),
        ("Slowest models", _slowest(metadata, slug)),
        (f"Performance over {days:g} days", performance_view(metadata.get_performance_metrics(slug, days))["text/html"]),
        (f"Test history over {days:g} days", _test_history(metadata, slug, days)),
    ]
    run = check.run
    meta = f"latest run {run.run_id} ({escape(run.state or '?')}, started {run.started_at} UTC)" if run else "no run"
    body = "".join(f"<section class='paradime-section' data-section='{i}'><h2>{escape(title)}</h2>{html}</section>"
                   for i, (title, html) in enumerate(sections))
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(slug)}: dbt health report</title><style>{_PAGE_STYLE}</style></head><body>"
        f"<h1>{escape(slug)}: dbt health report</h1>"
        f"<div class='paradime-meta'>{meta}; generated {generated} by paradime-nb</div>"
        f"{LIBRARIES['datatables']()}{body}</body></html>"
    )


def _tests(unhealthy: list[Any]) -> str:
    tests = [n for n in unhealthy if n.resource_type in TEST_TYPES]
    if not tests:
        return "<p class='paradime-none'>No test failed or warned.</p>"
    import pandas as pd  # noqa: PLC0415

    frame = pd.DataFrame([{c: getattr(n, c) for c in TEST_COLUMNS} for n in tests], columns=TEST_COLUMNS)
    return table_html(frame, caption=f"{len(tests)} tests failing or warning (latest execution)")


def _lineage(metadata: MetadataClient, slug: str, unhealthy: list[Any]) -> str:
    roots = [n for n in unhealthy if n.resource_type not in TEST_TYPES]
    if not roots:
        return "<p class='paradime-none'>Every model, source and exposure is healthy.</p>"
    nodes: dict[str, Any] = {}
    for root in roots:
        for walk in (metadata.get_upstream_model_health(root.unique_id, slug),
                     metadata.get_downstream_impact(root.unique_id, slug)):
            for n in walk:
                nodes.setdefault(n.unique_id, n)
    edges = metadata.get_lineage_edges(slug, list(nodes))
    names = ", ".join(n.name for n in roots[:8]) + (" ..." if len(roots) > 8 else "")
    graph = lineage_graph(list(nodes.values()), edges, focus={n.unique_id for n in roots},
                          title=f"upstream and downstream of {names}")
    listed = "".join(f"<li><b>{escape(n.name)}</b> ({escape(n.kind)}, {escape(n.health_status)}): "
                     f"{escape('; '.join(n.reasons))}</li>" for n in roots)
    return f"{graph.page()}<ul class='paradime-unhealthy'>{listed}</ul>"


def _slowest(metadata: MetadataClient, slug: str) -> str:
    slow = metadata.get_slowest_models(slug, SLOWEST)
    if not slow:
        return "<p class='paradime-none'>No model executed.</p>"
    frame = slow.to_frame()[["name", "materialized", "status", "execution_time", "run_id"]]
    return table_html(frame, bar=("execution_time",), caption=f"{len(frame)} slowest models of the latest run (seconds)")


def _test_history(metadata: MetadataClient, slug: str, days: float) -> str:
    history = metadata.get_test_history(slug, days)
    if not history:
        return "<p class='paradime-none'>No test ran in the window.</p>"
    frame = history.to_frame()
    frame = frame.sort_values(["flaky", "failures", "name"], ascending=[False, False, True])
    frame = frame[[c for c in HISTORY_COLUMNS if c in frame.columns]]
    flaky = int(frame["flaky"].sum())
    return table_html(frame, caption=f"{len(frame)} tests, {flaky} flaky (flipped between pass and fail/warn more than once)")


__all__ = ["health_report_html"]
