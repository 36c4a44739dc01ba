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
_QUALITY = "paradime_nb.metadata.quality_results"
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
    return {"text/html": graph._repr_html_() + f"<p style='font-size:13px'>{escape(str(result.summary))}</p>",
            "text/plain": repr(list(result))[:200]}


def _columns(result: Any, include: Any = None, exclude: Any = None) -> dict[str, Any]:
    from .columns import column_graph

    graph = column_graph(result)
    return {"text/html": graph.html + f"<p style='font-size:13px'>{escape(str(result.summary))}</p>",
            "text/plain": repr(list(result))[:200]}


def _result_list(result: Any, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
    """Lists drawn by their record type (slowest models, owners); any list too long for one
    table, paged in the kernel; any other list keeps its own HTML table."""
    record = getattr(result, "record_type", None)
    if record is not None and record.__name__ == "OwnerHealth":
        from .quality import owners_view

        return owners_view(result)
    if record is not None and record.__name__ == "SlowModel":
        return _slowest(result)
    from .paged import THRESHOLD, paged_table

    return paged_table(result)._repr_mimebundle_() if len(result) > THRESHOLD else None


def _slowest(result: Any) -> dict[str, Any]:
    from .table import performance_table

    frame = result.to_frame()
    frame = frame[[c for c in SLOWEST_COLUMNS if c in frame.columns]]
    run = f" of run {frame['run_id'].iloc[0]}" if len(frame) and frame["run_id"].nunique() == 1 else ""
    table = performance_table(frame, bar=("execution_time",), caption=f"{len(frame)} slowest models{run} (seconds)")
    return {"text/html": table._repr_html_(), "text/plain": frame.to_string(max_rows=20)}


def _performance(metrics: Any, include: Any = None, exclude: Any = None) -> dict[str, Any]:
    from .perf import performance_view

    return performance_view(metrics)


def _quality(view: str):
    """A formatter calling ``widgets.quality.<view>`` (imported when first drawn)."""
    def draw(result: Any, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        from . import quality

        return getattr(quality, view)(result)

    return draw


def _timeline(timeline: Any, include: Any = None, exclude: Any = None) -> dict[str, Any]:
    from .gantt import gantt_chart

    chart = gantt_chart(timeline, title=f"timeline of run {timeline.run_id} ({timeline.schedule_name})")
    return {"text/html": chart.html, "text/plain": str(timeline)}


def _critical_path(path: Any, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
    """Drawn over the run's timeline when it is attached (``%paradime critical-path`` does)."""
    timeline = getattr(path, "timeline", None)
    if timeline is None:
        return None
    from .gantt import gantt_chart

    chart = gantt_chart(timeline, highlight={(n.command_index, n.unique_id) for n in path.nodes},
                        title=f"critical path of run {path.run_id} ({path.schedule_name})")
    return {"text/html": chart.html + path._repr_html_(), "text/plain": str(path)}


def _run_diff(diff: Any, include: Any = None, exclude: Any = None) -> dict[str, Any]:
    from .run_diff import run_diff_view

    return {"text/html": run_diff_view(diff), "text/plain": str(diff)}


_FORENSICS = "paradime_nb.metadata.forensics.results"

#: (module, class name) -> formatter
FORMATTED = {
    (_FORENSICS, "RunTimeline"): _timeline,
    (_FORENSICS, "CriticalPath"): _critical_path,
    (_FORENSICS, "RunComparison"): _run_diff,
    (_M + "health_results", "HealthDashboard"): _health,
    (_M + "health_results", "HealthReport"): _health,
    (_M + "lineage_results", "LineageResult"): _lineage,
    (_M + "result_list", "ResultList"): _result_list,
    (_M + "history_results", "PerformanceMetrics"): _performance,
    (_QUALITY, "Coverage"): _quality("coverage_view"),
    (_QUALITY, "Recommendations"): _quality("recommendations_view"),
    (_QUALITY, "RelationStats"): _quality("relation_stats_view"),
    (_QUALITY, "SchemaChanges"): _quality("schema_changes_view"),
    ("paradime_nb.metadata.column_results", "ColumnLineageResult"): _columns,
}


PLAIN_ROWS = 20


def _plain_list(result: Any, printer: Any, cycle: bool) -> None:
    """A result list's text/plain: its first rows and the count. IPython's own printer for
    lists would put up to 1,000 record reprs (0.6 MB for 10,000 test results) in every
    output, whatever the HTML view shows."""
    rows = [repr(r) for r in result[:PLAIN_ROWS]]
    more = f"\n... {len(result) - PLAIN_ROWS} more (.to_frame() has them all)" if len(result) > PLAIN_ROWS else ""
    schedule = getattr(result, "schedule_name", None)
    count = f"{len(result)} {'row' if len(result) == 1 else 'rows'}"
    printer.text((f"{schedule}: {count}" if schedule else count) + "\n" + "\n".join(rows) + more)


def register_formatters(shell: Any) -> None:
    formatter = shell.display_formatter.mimebundle_formatter
    for (module, name), func in FORMATTED.items():
        formatter.for_type_by_name(module, name, func)
    shell.display_formatter.formatters["text/plain"].for_type_by_name(_M + "result_list", "ResultList", _plain_list)


def unregister_formatters(shell: Any) -> None:
    formatter = shell.display_formatter.mimebundle_formatter
    plain = shell.display_formatter.formatters["text/plain"]
    for (module, name), target in [*((key, formatter) for key in FORMATTED), ((_M + "result_list", "ResultList"), plain)]:
        target.deferred_printers.pop((module, name), None)
        for cls in list(target.type_printers):
            if cls.__module__ == module and cls.__name__ == name:
                target.type_printers.pop(cls)

