"""Sortable performance tables: itables (DataTables) in offline mode, spark bars from pandas.

itables sorts, searches and pages any column in the browser; its JavaScript bundle comes
from the itables package itself (``connected=False``, nothing fetched from a CDN) and is
sent once per kernel session (``assets.require``): the first table output carries
it, later ones only their data and itables' few lines that wait for it. The spark bars
are pandas ``Styler.bar`` (CSS gradients in the cells): no hand-written JavaScript.
itables' static twin of each table shows where scripts do not run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from ...vocabulary import CRITICAL, HEALTHY
from .style import FONT, HEALTH_COLOURS

BAR = "#90caf9"
COVERAGE_BAR = "#a5d6a7"


@dataclass
class PerformanceTable:
    """A sortable table. ``html`` is the table alone; in a notebook ``_repr_html_`` adds
    the DataTables bundle when this output is the session's first to need it, and
    ``page()`` always adds it (a standalone page)."""

    html: str
    frame: Any  # the pandas DataFrame shown

    def _repr_html_(self) -> str:
        return with_bundle(self.html)

    def page(self) -> str:
        from .assets import LIBRARIES

        return LIBRARIES["datatables"]() + self.html


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
    return PerformanceTable(table_html(frame, bar, change, caption, page_length), frame)


def table_html(frame: Any, bar: Sequence[str] = (), change: str | None = None, caption: str = "",
               page_length: int = 25, percent: Sequence[str] = ()) -> str:
    """One table without the bundle (several tables may share one output and one bundle);
    ``percent`` columns (0-100) get coverage bars on a fixed 0-100 scale."""
    import itables

    table = itables.to_html_datatable(
        _styled(frame.reset_index(drop=True), bar, change, percent), connected=False, allow_html=True,
        pageLength=page_length, lengthMenu=[10, 25, 50, 100], order=[], classes="display compact cell-border",
    )
    head = f"<div style='{FONT};font-weight:600;margin:4px 0'>{escape(caption)}</div>" if caption else ""
    return f"<div class='paradime-perf-table'>{head}{table}</div>"


def with_bundle(html: str) -> str:
    """``html`` preceded by itables' offline JavaScript and CSS if this output is the
    kernel session's first to need them (``assets.require``)."""
    from .assets import require

    return require("datatables") + html


def _styled(frame: Any, bar: Sequence[str], change: str | None, percent: Sequence[str] = ()) -> Any:
    """Two decimals, no index, spark bars in ``bar``, around zero in ``change``, 0-100 in ``percent``."""
    numeric = [c for c in frame.columns if frame[c].dtype.kind == "f"]
    styler = frame.style.format(precision=2, na_rep="", subset=numeric).hide(axis="index")
    for column in bar:
        if column in frame.columns and frame[column].notna().any():
            styler = styler.bar(subset=[column], color=BAR, vmin=0, height=70, width=100)
    for column in percent:
        if column in frame.columns and frame[column].notna().any():
            styler = styler.bar(subset=[column], color=COVERAGE_BAR, vmin=0, vmax=100, height=70, width=100)
    if change and change in frame.columns and frame[change].notna().any():
        styler = styler.bar(subset=[change], align="zero", height=70, width=100,
                            color=[HEALTH_COLOURS[HEALTHY], HEALTH_COLOURS[CRITICAL]])
    return styler
