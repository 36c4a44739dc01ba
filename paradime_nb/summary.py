"""The text health summary printed by ``paradime-nb demo``: the same answers a
notebook gets from ``client.metadata``, laid out for a terminal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .vocabulary import HEALTH_DISPLAY_ORDER, HEALTHY

if TYPE_CHECKING:
    from .metadata import MetadataClient

WIDTH = 100


def health_summary(metadata: MetadataClient, schedule_name: str) -> str:
    """Models by health, failing tests and the models they test, stale sources, the
    slowest models, and one line per loaded run."""
    dash = metadata.get_health_report(schedule_name)  # the card's report: one definition of each list
    lines: list[str] = []
    run = dash.run
    if run is not None:
        lines.append(f"\n{schedule_name}: latest run {run.run_id} {run.state or '?'} started {run.started_at:%Y-%m-%d %H:%M} UTC"
                     f" ({_seconds(run.duration_seconds)})")
    health = dash.models_by_health
    lines.append(f"\nModels ({dash.models_total}): " + ", ".join(f"{health.get(k, 0)} {k}" for k in HEALTH_DISPLAY_ORDER))
    for m in dash.unhealthy_models:
        if m.health_status != HEALTHY:
            lines.append(f"  {m.health_status:<9}{m.name}: {'; '.join(m.reasons) or 'see its upstream'}")

    rate = "n/a" if dash.test_success_rate is None else f"{dash.test_success_rate:.1f}%"
    counts = ", ".join(f"{v} {k}" for k, v in dash.tests_by_status.items())
    lines.append(f"\nTests ({dash.tests_total}): {counts}; success rate {rate}")
    problems = list(dash.failing_tests) + list(dash.warning_tests)  # failing (fail, error), then warned
    if not problems:
        lines.append("  no failing tests")
    for t in problems:
        on = t.tested_node_name or "?"
        lines.append(f"  {t.status:<9}{t.name}  on {on}  (run {t.run_id}{_failures(t.failures)})")

    stale = dash.stale_source_checks
    lines.append(f"\nSources ({dash.sources_total}): {dash.sources_checked} checked, {dash.sources_warn} warn, "
                 f"{dash.sources_error} error")
    if not stale:
        lines.append("  no stale sources")
    for s in stale:
        age = f"{s.age_seconds / 3600:.1f} h old" if s.age_seconds is not None else (s.error or "")
        lines.append(f"  {s.status:<9}{s.source_name}.{s.table_name}: {age} (warn after {_after(s.warn_after_count, s.warn_after_period)}, "
                     f"error after {_after(s.error_after_count, s.error_after_period)})")

    slow = metadata.get_slowest_models(schedule_name, 5)
    lines.append(f"\nSlowest models (run {slow[0].run_id}):" if slow else "\nSlowest models: none executed")
    for s in slow:
        lines.append(f"  {_seconds(s.execution_time):>8}  {s.name} ({s.materialized or '?'})")

    history = metadata.get_run_history(schedule_name, None)
    lines.append(f"\nRuns ({len(history)}), newest first:")
    for r in history:
        lines.append(_clip(f"  {r.run_id} {r.started_at:%m-%d} {r.state or '?':<8}{_seconds(r.duration_seconds):>7}  "
                           + "; ".join(_run_facts(r))))
    return "\n".join(lines)


def _run_facts(r) -> Iterable[str]:
    if r.nodes_ok or r.nodes_error or r.nodes_skipped:
        text = f"{r.nodes_ok} built"
        if r.nodes_error:
            text += f", {r.nodes_error} errored ({', '.join(r.errored_nodes)})"
        if r.nodes_skipped:
            text += f", {r.nodes_skipped} skipped"
        if r.recovered_nodes:
            text += f", retried ok: {', '.join(r.recovered_nodes)}"
        yield text
    if r.tests_pass or r.tests_warn or r.tests_fail:
        text = "tests " + _nonzero((r.tests_pass, "pass"), (r.tests_warn, "warn"), (r.tests_fail, "fail"))
        if r.failed_tests:
            text += f" ({', '.join(r.failed_tests)})"
        yield text
    if r.sources_pass or r.sources_warn or r.sources_error:
        text = "sources " + _nonzero((r.sources_pass, "pass"), (r.sources_warn, "warn"), (r.sources_error, "error"))
        if r.stale_sources:
            text += f" ({', '.join(r.stale_sources)})"
        yield text
    if r.failed_commands:
        yield f"failed: {', '.join(r.failed_commands)}"
    if not (r.nodes_ok or r.nodes_error or r.tests_pass or r.tests_fail or r.sources_pass or r.sources_warn or r.sources_error):
        yield "no node results"


def _nonzero(*counts: tuple[int, str]) -> str:
    return ", ".join(f"{n} {label}" for n, label in counts if n)


def _seconds(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:.2f} s" if value < 10 else f"{value:.0f} s"


def _after(count: int | None, period: str | None) -> str:
    return f"{count} {period}" if count is not None and period else "-"


def _failures(n: int | None) -> str:
    return f", {n} failing rows" if n else ""


def _clip(text: str) -> str:
    return text if len(text) <= WIDTH * 2 else text[: WIDTH * 2 - 3] + "..."
