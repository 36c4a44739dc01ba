"""Health card: a schedule's health at a glance, as HTML (no widget model, no script).

The figures, then one ``<details>`` per list (failing models, failing tests, tests that
warned, stale sources, slowest models), the first open when it has rows. The sections
open and close in the browser with no kernel, so the card reads the same live, in a
saved notebook reopened the next day (an ipywidgets accordion said "Error displaying
widget: model not found" there, its model gone with the kernel), in exported HTML and
on GitHub.

The card only lays out what the API returned: ``client.metadata.get_health_report``
(the dashboard's figures and its lists; the terminal summary shows the same report).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from ...metadata.results import HealthDashboard, HealthReport  # noqa: F401  (HealthReport: importable from here too)
from ...vocabulary import CRITICAL, HEALTHY, WARNING
from .style import FONT, HEALTH_ORDER, STATUS_HEALTH, badge, colour, fmt_seconds

_LIST_ROWS = 25


@dataclass(repr=False)
class HealthCard:
    """The drawn card: ``static_html`` (the whole card), ``plain_text`` (its figures)."""

    static_html: str
    plain_text: str
    dashboard: HealthDashboard

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": self.static_html, "text/plain": self.plain_text}

    def _repr_html_(self) -> str:
        return self.static_html


def health_card(dashboard: HealthDashboard) -> HealthCard:
    """The card for a dashboard (a ``HealthReport`` also lists the failures)."""
    return HealthCard(static_html(dashboard), plain_text(dashboard), dashboard)


def static_html(dashboard: HealthDashboard) -> str:
    """The whole card as HTML: figures, then each list in a ``<details>``."""
    details = "".join(
        f"<details{' open' if i == 0 and not _is_empty(title) else ''} style='margin:6px 0'>"
        f"<summary style='cursor:pointer;font-weight:600'>{escape(title)}</summary>{body}</details>"
        for i, (title, body) in enumerate(_sections(dashboard))
    )
    return (f"<div class='paradime-health-card' style='{FONT};border:1px solid #e0e0e0;border-radius:6px;"
            f"padding:10px 14px;max-width:960px'>{_figures(dashboard)}{details}</div>")


def _is_empty(title: str) -> bool:
    """Section titles end in their count: ``Failing tests (0)``."""
    return title.endswith("(0)")


def plain_text(dashboard: HealthDashboard) -> str:
    models = ", ".join(f"{dashboard.models_by_health.get(h, 0)} {h}" for h in HEALTH_ORDER)
    rate = "-" if dashboard.test_success_rate is None else f"{dashboard.test_success_rate:.1f}%"
    run = dashboard.run
    head = f"{dashboard.schedule_name}" + (f", run {run.run_id} ({run.state}, {run.started_at})" if run else "")
    return (f"{head}\nmodels: {dashboard.models_total} ({models})\ntests: {dashboard.tests_total}, "
            f"success rate {rate}\nsources: {dashboard.sources_checked} checked, {dashboard.sources_warn} warn, "
            f"{dashboard.sources_error} error")


# --- pieces -----------------------------------------------------------------------------


def _figures(d: HealthDashboard) -> str:
    run = d.run
    when = ""
    if run is not None:
        when = (f"run <b>{run.run_id}</b> {badge(run.state or 'unknown', _run_health(run.state))} "
                f"started {escape(str(run.started_at or '-'))} UTC, took {fmt_seconds(run.duration_seconds)}")
    counts = "".join(
        f"<span class='paradime-count' data-health='{h}' style='margin-right:10px'>"
        f"{badge(f'{d.models_by_health.get(h, 0)} {h}', h)}</span>"
        for h in HEALTH_ORDER
    )
    bar = _bar(d.models_by_health, d.models_total)
    rate = "-" if d.test_success_rate is None else f"{d.test_success_rate:.1f}%"
    tests = ", ".join(f"{v} {escape(k)}" for k, v in sorted(d.tests_by_status.items()))
    return (
        f"<div style='font-size:16px;font-weight:600'>{escape(d.schedule_name)}</div>"
        f"<div style='color:#616161;margin:2px 0 8px'>{when}</div>"
        f"<div><span class='paradime-models-total'>{d.models_total}</span> models: {counts}</div>{bar}"
        f"<div style='margin-top:6px'><span class='paradime-tests-total'>{d.tests_total}</span> tests "
        f"({tests or 'none run'}), success rate <b class='paradime-test-rate'>{rate}</b></div>"
        f"<div>sources: <span class='paradime-sources-checked'>{d.sources_checked}</span> of {d.sources_total} "
        f"checked, <span class='paradime-sources-warn'>{d.sources_warn}</span> warn, "
        f"<span class='paradime-sources-error'>{d.sources_error}</span> error</div>"
    )


def _bar(by_health: dict[str, int], total: int) -> str:
    if not total:
        return ""
    parts = "".join(
        f"<div title='{by_health.get(h, 0)} {h}' style='width:{100 * by_health.get(h, 0) / total:.2f}%;"
        f"background:{colour(h)}'></div>"
        for h in HEALTH_ORDER if by_health.get(h, 0)
    )
    return f"<div style='display:flex;height:8px;border-radius:4px;overflow:hidden;margin:6px 0;max-width:600px'>{parts}</div>"


def _sections(d: HealthDashboard) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if isinstance(d, HealthReport):
        out.append((f"Models not healthy ({len(d.unhealthy_models)})", _table(
            d.unhealthy_models, [("model", "name"), ("health", "health_status"), ("status", "status"),
                                 ("run", "run_id"), ("why", "reasons"), ("message", "message")])))
        out.append((f"Failing tests ({len(d.failing_tests)})", _table(
            d.failing_tests, [("test", "name"), ("on", "tested_node_name"), ("column", "column_name"),
                              ("status", "status"), ("failures", "failures"), ("message", "message")])))
        out.append((f"Tests that warned ({len(d.warning_tests)})", _table(
            d.warning_tests, [("test", "name"), ("on", "tested_node_name"), ("column", "column_name"),
                              ("status", "status"), ("failures", "failures"), ("message", "message")])))
        out.append((f"Stale sources ({len(d.stale_source_checks)})", _table(
            d.stale_source_checks, [("source", "source_name"), ("table", "table_name"), ("status", "status"),
                              ("age", "age_seconds"), ("warn after", "warn_after_seconds"),
                              ("error after", "error_after_seconds"), ("error", "error")])))
    out.append(("Slowest models", _table(
        d.slowest_models, [("model", "name"), ("materialized", "materialized"), ("status", "status"),
                           ("execution time", "execution_time")])))
    return out


def _table(records: list[Any], columns: list[tuple[str, str]]) -> str:
    if not records:
        return "<p style='color:#757575;margin:4px 0'>none</p>"
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{escape(t)}</th>" for t, _ in columns)
    rows = []
    for r in records[:_LIST_ROWS]:
        cells = []
        for _, attr in columns:
            value = getattr(r, attr, None)
            if attr in ("health_status", "status") and value:
                text = badge(str(value), value if attr == "health_status" else STATUS_HEALTH.get(value))
            elif attr.endswith("seconds") or attr == "execution_time":
                text = escape(fmt_seconds(value))
            elif isinstance(value, list):
                text = escape(", ".join(str(v) for v in value))
            else:
                text = escape("" if value is None else str(value))
            cells.append(f"<td style='padding:2px 8px;vertical-align:top'>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p style='color:#757575'>{len(records) - _LIST_ROWS} more</p>" if len(records) > _LIST_ROWS else ""
    return (f"<table class='paradime-list' style='border-collapse:collapse;font-size:13px'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}")


def _run_health(state: str | None) -> str:
    return {"SUCCESS": HEALTHY, "FAILED": CRITICAL, "ERROR": CRITICAL}.get((state or "").upper(), WARNING)
