"""Sortable performance tables: itables (DataTables) in offline mode, spark bars from pandas.

itables sorts, searches and pages any column in the browser; its JavaScript bundle comes
from the itables package itself (``connected=False``) and travels in every output that
holds tables (about 1 MB; the browser evaluates it once per page), so nothing is fetched
from a CDN and an output still works after the cells before it were cleared or re-run.
The spark bars are pandas ``Styler.bar`` (CSS gradients in the cells): no hand-written
JavaScript. itables' static twin of each table shows where scripts do not run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from ...vocabulary import CRITICAL, HEALTHY
from .style import FONT, HEALTH_COLOURS

BAR = "#90caf9"


@dataclass
class PerformanceTable:
    """A sortable table; ``html`` carries the itables bundle."""

    html: str
    frame: Any  # the pandas DataFrame shown

    def _repr_html_(self) -> str:
        return self.html


def performance_table(
    frame: Any,
    *,
    bar: Sequence[str] = ("execution_time",),
    change: str | None = None,
    caption: str = "",
    page_length: int = 25,
) -> PerformanceTable:
    """``frame`` (a result's ``.to_frame()``) as a sortable table with spark bars in the
    ``bar`` columns and, for ``change``, bars around zero (red slower, green faster)."""
    frame = frame.reset_index(drop=True)
    return PerformanceTable(with_bundle(table_html(frame, bar, change, caption, page_length)), frame)


def table_html(frame: Any, bar: Sequence[str] = (), change: str | None = None, caption: str = "",
               page_length: int = 25) -> str:
    """One table without the bundle (several tables may share one output and one bundle)."""
    import itables

    table = itables.to_html_datatable(
        _styled(frame.reset_index(drop=True), bar, change), connected=False, allow_html=True,
        pageLength=page_length, lengthMenu=[10, 25, 50, 100], order=[], classes="display compact cell-border",
    )
    head = f"<div style='{FONT};font-weight:600;margin:4px 0'>{escape(caption)}</div>" if caption else ""
    return f"<div class='paradime-perf-table'>{head}{table}</div>"


def with_bundle(html: str) -> str:
    """``html`` preceded by itables' offline JavaScript and CSS (a no-op when already loaded)."""
    from itables import javascript, options

    return javascript.generate_init_offline_itables_html(options.dt_bundle) + html


def _styled(frame: Any, bar: Sequence[str], change: str | None) -> Any:
    """Two decimals, no index, spark bars in ``bar`` and around zero in ``change``."""
    numeric = [c for c in frame.columns if frame[c].dtype.kind == "f"]
    styler = frame.style.format(precision=2, na_rep="", subset=numeric).hide(axis="index")
    for column in bar:
        if column in frame.columns and frame[column].notna().any():
            styler = styler.bar(subset=[column], color=BAR, vmin=0, height=70, width=100)
    if change and change in frame.columns and frame[change].notna().any():
        styler = styler.bar(subset=[change], align="zero", height=70, width=100,
                            color=[HEALTH_COLOURS[HEALTHY], HEALTH_COLOURS[CRITICAL]])
    return styler
