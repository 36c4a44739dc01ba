"""Project quality laid out: coverage bars and sortable tables (itables, offline) for
coverage, recommendations, health by owner, relation stats and schema changes.

Each view takes the typed result of a ``client.metadata`` call and only arranges it; the
functions return a mime bundle (HTML with the itables bundle, and plain text).
"""

from __future__ import annotations

from html import escape
from typing import Any

from ...vocabulary import CRITICAL, HEALTHY, UNKNOWN, WARNING
from .style import FONT, HEALTH_COLOURS, badge
from .table import COVERAGE_BAR, table_html, with_bundle

#: the overall figures drawn as bars above the coverage table: (label, part, whole, percent)
_HEADLINE = (
    ("models tested", "models_tested", "models", "models_tested_pct"),
    ("models with a primary-key test", "models_with_pk_test", "models", "models_with_pk_test_pct"),
    ("models documented", "models_documented", "models", "models_documented_pct"),
    ("columns tested", "columns_tested", "columns", "columns_tested_pct"),
    ("columns documented", "columns_documented", "columns", "columns_documented_pct"),
    ("sources with freshness", "sources_with_freshness", "sources", "sources_with_freshness_pct"),
)
_PCT_COLUMNS = [h[3] for h in _HEADLINE]
_MODEL_COLUMNS = ["name", "folder", "owner", "tests", "has_primary_key_test", "documented", "columns",
                  "columns_tested", "columns_documented"]
#: severity -> the palette's colour name for its badge
_SEVERITY_COLOUR = {"high": CRITICAL, "medium": WARNING, "low": UNKNOWN}


def _blank_missing(frame: Any) -> Any:
    """Empty cells, not "nan", where a text column has no value (no column, no owner)."""
    text = [c for c in frame.columns if frame[c].dtype == object]
    frame = frame.copy()
    frame[text] = frame[text].astype(object).where(frame[text].notna(), "")
    return frame


def _bar(label: str, part: int, whole: int, pct: float | None) -> str:
    width = 0 if pct is None else max(0.0, min(100.0, pct))
    shown = "n/a" if pct is None else f"{pct:.0f}%"
    return (f"<div class='paradime-coverage-bar' style='{FONT};font-size:13px;margin:2px 0;display:flex;"
            f"align-items:center;gap:8px'><span style='width:220px'>{escape(label)}</span>"
            f"<span style='display:inline-block;width:200px;height:12px;background:#eee;border-radius:3px'>"
            f"<span style='display:block;width:{width:.1f}%;height:12px;background:{COVERAGE_BAR};"
            f"border-radius:3px'></span></span><span>{shown} ({part} of {whole})</span></div>")


def _head(text: str) -> str:
    return f"<div style='{FONT};margin:4px 0'>{text}</div>"


def coverage_view(coverage: Any) -> dict[str, Any]:
    o = coverage.overall
    bars = "".join(_bar(label, getattr(o, part), getattr(o, whole), getattr(o, pct))
                   for label, part, whole, pct in _HEADLINE)
    html = _head(f"<b>{escape(coverage.schedule_name)}</b>: coverage of the latest manifest") + bars
    if coverage.by:
        groups = coverage.groups.to_frame()
        html += table_html(groups, percent=_PCT_COLUMNS, caption=f"by {coverage.by}")
    models = coverage.models.to_frame()
    if len(models):
        html += table_html(models[[c for c in _MODEL_COLUMNS if c in models.columns]], caption="per model",
                           page_length=10)
    text = "\n".join(f"{label}: {'n/a' if getattr(o, pct) is None else f'{getattr(o, pct):.1f}%'} "
                     f"({getattr(o, part)} of {getattr(o, whole)})" for label, part, whole, pct in _HEADLINE)
    return {"text/html": with_bundle(html), "text/plain": f"{coverage.schedule_name}\n{text}"}


def recommendations_view(rec: Any) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for f in rec.findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    pills = " ".join(badge(f"{n} {sev}", _SEVERITY_COLOUR.get(sev)) for sev, n in counts.items()) or badge(
        "no findings", HEALTHY)
    html = _head(f"<b>{escape(rec.schedule_name)}</b>: {len(rec.findings)} findings "
                 f"<span class='paradime-severities'>{pills}</span>")
    if rec.not_applicable:
        notes = "; ".join(f"{r.rule_id} ({r.note})" for r in rec.rules if not r.applicable)
        html += _head(f"<span class='paradime-not-applicable'>not applicable: {escape(notes)}</span>")
    frame = _blank_missing(rec.findings.to_frame())
    if len(frame):
        html += table_html(frame[["severity", "rule_id", "name", "resource_type", "reason", "fix", "owner"]],
                           caption="findings (sortable; worst first)")
    html += table_html(rec.rules.to_frame()[["rule_id", "severity", "title", "applicable", "findings", "threshold"]],
                       caption="rules", page_length=10)
    text = f"{rec.schedule_name}: {len(rec.findings)} findings\n" + (
        frame[["severity", "rule_id", "name", "reason"]].to_string(max_rows=20) if len(frame) else "")
    return {"text/html": with_bundle(html), "text/plain": text}


def owners_view(owners: Any) -> dict[str, Any]:
    rows = []
    for o in owners:
        rows.append({"owner": o.owner, "nodes": o.nodes, **o.by_health, "unhealthy": ", ".join(o.unhealthy)})
    import pandas as pd

    frame = pd.DataFrame(rows)
    legend = " ".join(badge(h, h) for h in HEALTH_COLOURS)
    html = _head(f"health by owner {legend}") + (table_html(frame, caption="") if len(frame) else "")
    return {"text/html": with_bundle(html), "text/plain": frame.to_string(max_rows=20)}


def relation_stats_view(stats: Any) -> dict[str, Any]:
    frame = stats.relations.to_frame()
    columns = ["name", "resource_type", "relation", "catalogs", "row_count", "row_count_change",
               "row_count_change_pct", "bytes", "bytes_change"]
    note = _head(escape(stats.note)) if stats.note else ""
    html = _head(f"<b>{escape(stats.schedule_name)}</b>: {len(frame)} relations over {len(stats.catalog_runs)} "
                 f"catalogs (last {stats.days:g} days)") + note
    if len(frame):
        html += table_html(frame[columns], bar=("bytes", "row_count"), change="row_count_change_pct")
    return {"text/html": with_bundle(html), "text/plain": (stats.note or "") + "\n" + frame.to_string(max_rows=20)}


def schema_changes_view(changes: Any) -> dict[str, Any]:
    frame = _blank_missing(changes.changes.to_frame())
    note = _head(escape(changes.note)) if changes.note else ""
    html = _head(f"<b>{escape(changes.schedule_name)}</b>: {len(frame)} schema changes over "
                 f"{len(changes.catalog_runs)} catalogs (last {changes.days:g} days)") + note
    if len(frame):
        html += table_html(frame[["run_id", "previous_run_id", "change", "relation", "column_name", "old_type",
                                  "new_type", "unique_id"]])
    return {"text/html": with_bundle(html), "text/plain": (changes.note or "") + "\n" + frame.to_string(max_rows=20)}
