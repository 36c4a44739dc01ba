"""Display formatters: the analyses' result types drawn as widgets once the extension is loaded.

Registered by type *name* (``for_type_by_name``), so nothing is imported until a result
is displayed. The magic returns the typed result and this is what draws it: ``%paradime
health`` shows a card while ``x = %paradime health`` keeps the object, and ``x`` (or the
same result got from Python) shows the same card. A formatter that returns None leaves
the result to its own ``_repr_html_``.
"""

from __future__ import annotations

from html import escape
from typing import Any

_M = "paradime_nb.metadata."
SLOWEST_COLUMNS = ["name", "materialized", "status", "execution_time", "run_id"]


def _health(dashboard: Any, include: Any = None, exclude: Any = None) -> dict[str, Any]:
    from .health import health_card

    return health_card(dashboard)._repr_mimebundle_()


def _lineage(result: Any, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
    """Drawn when the edges are known (``%paradime lineage`` attaches them)."""
    edges = getattr(result, "edges", None)
    if edges is None:
        return None
    from .lineage import lineage_graph

    roots = ", ".join(result.root)
    title = f"{result.direction} of {roots}" if result.direction in ("upstream", "downstream") else f"lineage: {roots}"
    focus = {*result.root, *(n.unique_id for n in result if n.level == 0)}
    graph = lineage_graph(result, edges, focus=focus, title=title)
    return {"text/html": graph.html + f"<p style='font-size:13px'>{escape(str(result.summary))}</p>",
            "text/plain": repr(list(result))[:200]}


def _slowest(result: Any, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
    record = getattr(result, "record_type", None)
    if record is None or record.__name__ != "SlowModel":
        return None
    from .table import performance_table

    frame = result.to_frame()
    frame = frame[[c for c in SLOWEST_COLUMNS if c in frame.columns]]
    run = f" of run {frame['run_id'].iloc[0]}" if len(frame) and frame["run_id"].nunique() == 1 else ""
    table = performance_table(frame, bar=("execution_time",), caption=f"{len(frame)} slowest models{run} (seconds)")
    return {"text/html": table.html, "text/plain": frame.to_string(max_rows=20)}


def _performance(metrics: Any, include: Any = None, exclude: Any = None) -> dict[str, Any]:
    from .perf import performance_view

    return performance_view(metrics)


#: (module, class name) -> formatter
FORMATTED = {
    (_M + "health_results", "HealthDashboard"): _health,
    (_M + "health_results", "HealthReport"): _health,
    (_M + "lineage_results", "LineageResult"): _lineage,
    (_M + "result_list", "ResultList"): _slowest,
    (_M + "history_results", "PerformanceMetrics"): _performance,
}


def register_formatters(shell: Any) -> None:
    formatter = shell.display_formatter.mimebundle_formatter
    for (module, name), func in FORMATTED.items():
        formatter.for_type_by_name(module, name, func)


def unregister_formatters(shell: Any) -> None:
    formatter = shell.display_formatter.mimebundle_formatter
    for module, name in FORMATTED:
        formatter.deferred_printers.pop((module, name), None)
        for cls in list(formatter.type_printers):
            if cls.__module__ == module and cls.__name__ == name:
                formatter.type_printers.pop(cls)

