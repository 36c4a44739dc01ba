"""``get_performance_metrics`` laid out: regressions first, then per-model and per-run tables."""

from __future__ import annotations

from html import escape
from typing import Any

from ...vocabulary import CRITICAL, HEALTHY, UNKNOWN
from .style import FONT, badge
from .table import table_html, with_bundle

MODEL_COLUMNS = ["name", "runs", "last", "p50", "p95", "max", "mean", "baseline_median", "change_pct", "regression"]
RUN_COLUMNS = ["run_id", "state", "started_at", "wall_seconds", "node_seconds", "nodes", "models"]


def performance_view(metrics: Any) -> dict[str, Any]:
    """Mime bundle: a heading naming the window and the regressions, two sortable tables."""
    models = metrics.models.to_frame()
    runs = metrics.runs.to_frame()
    models = models[[c for c in MODEL_COLUMNS if c in models.columns]]
    runs = runs[[c for c in RUN_COLUMNS if c in runs.columns]]
    regressions = [m.name for m in metrics.regressions]
    note = getattr(metrics, "note", None)
    flagged = (" ".join(badge(name, CRITICAL) for name in regressions) if regressions
               else badge(note, UNKNOWN) if note else badge("no regression", HEALTHY))
    head = (f"<div style='{FONT};margin:4px 0'><b>{escape(metrics.schedule_name)}</b>: {len(runs)} runs "
            f"from {escape(str(metrics.since))} to {escape(str(metrics.until))} (last {metrics.days:g} days). "
            f"Regressions: <span class='paradime-regressions'>{flagged}</span></div>")
    tables = (table_html(models, bar=("last", "p50"), change="change_pct",
                         caption="per model: execution time in seconds, change of the last run against the "
                         "median of the earlier ones (%)")
              + table_html(runs, bar=("wall_seconds", "node_seconds"), caption="per run (seconds)"))
    text = (f"{metrics.schedule_name}: {len(runs)} runs, regressions: {', '.join(regressions) or note or 'none'}\n"
            + models.to_string(max_rows=20))
    return {"text/html": with_bundle(head + tables), "text/plain": text}
