"""Big results paged in the kernel: only one page of rows ever reaches the browser.

A ``ResultList`` longer than ``THRESHOLD`` (say the 23,000 test results of a 10,000-model
project) is drawn as an ipywidgets table: a search box, a sort column and direction,
previous / next. Each change renders the next page's rows from the pandas frame held in
the kernel, so the output, the widget messages and the DOM stay one page big whatever
the result's length. No JavaScript of ours, nothing to load. The output's ``text/html``
twin is the first page and the row count, for exported HTML and pages without a kernel.
"""

from __future__ import annotations

from typing import Any

from .style import FONT

PAGE = 25
THRESHOLD = 50  # up to this many rows, ResultList's own HTML table shows them all
_UNSORTED = "(as returned)"


def paged_table(result: Any, page_size: int = PAGE) -> Any:
    """``result`` (a ResultList) as a kernel-paged widget."""
    import ipywidgets as widgets

    frame = result.to_frame()
    columns = [str(c) for c in frame.columns]
    haystack = _haystack(frame)

    class PagedTable(widgets.VBox):
        """VBox whose mime bundle also carries the first page as static HTML."""

        def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
            data = super()._repr_mimebundle_(**kwargs) or {}
            data["text/html"] = self.static_html
            data["text/plain"] = f"{len(frame)} rows\n" + frame.head(page_size).to_string()
            return data

    search = widgets.Text(placeholder="search", layout=widgets.Layout(width="220px"))
    sort = widgets.Dropdown(options=[_UNSORTED, *columns], value=_UNSORTED, description="sort by",
                            layout=widgets.Layout(width="260px"))
    descending = widgets.ToggleButton(description="descending", layout=widgets.Layout(width="110px"))
    previous = widgets.Button(description="previous", icon="chevron-left", layout=widgets.Layout(width="100px"))
    following = widgets.Button(description="next", icon="chevron-right", layout=widgets.Layout(width="90px"))
    info = widgets.HTML()
    body = widgets.HTML()
    state = {"page": 0, "rows": frame}

    def select() -> None:
        rows = frame
        text = search.value.strip().lower()
        if text:
            rows = rows[haystack.str.contains(text, regex=False)]
        if sort.value != _UNSORTED:
            rows = rows.sort_values(sort.value, ascending=not descending.value, kind="stable", na_position="last",
                                    key=lambda s: s.astype(str) if s.dtype == object else s)
        state["rows"], state["page"] = rows, 0
        draw()

    def draw() -> None:
        rows = state["rows"]
        pages = max(1, -(-len(rows) // page_size))
        state["page"] = min(max(state["page"], 0), pages - 1)
        start = state["page"] * page_size
        body.value = rows_html(rows.iloc[start:start + page_size], columns)
        shown = f"{start + 1}-{min(start + page_size, len(rows))}" if len(rows) else "0"
        of = f" of {len(rows):,}" + (f" (of {len(frame):,})" if len(rows) != len(frame) else "")
        info.value = (f"<span class='paradime-paged-info' style='{FONT};font-size:13px;color:#424242'>"
                      f"rows {shown}{of}, page {state['page'] + 1} of {pages}</span>")
        previous.disabled = state["page"] == 0
        following.disabled = state["page"] >= pages - 1

    def turn(step: int) -> None:
        state["page"] += step
        draw()

    search.observe(lambda _: select(), names="value")
    sort.observe(lambda _: select(), names="value")
    descending.observe(lambda _: select(), names="value")
    previous.on_click(lambda _: turn(-1))
    following.on_click(lambda _: turn(1))
    draw()
    table = PagedTable([widgets.HBox([search, sort, descending, previous, following, info],
                                     layout=widgets.Layout(align_items="center", flex_flow="row wrap")), body])
    table.add_class("paradime-paged")
    table.static_html = (f"<div class='paradime-paged' style='{FONT}'>{rows_html(frame.head(page_size), columns)}"
                         f"<p style='font-size:13px;color:#616161'>the first {min(page_size, len(frame))} of "
                         f"{len(frame):,} rows (paged in a live kernel; <code>.to_frame()</code> has them all)</p></div>")
    table.frame = frame
    return table


def _haystack(frame: Any) -> Any:
    """One lowercase line per row (its cells joined), searched by substring."""
    import pandas as pd

    text = pd.Series("", index=frame.index, dtype=object)
    for column in frame.columns:
        text = text + " " + frame[column].astype(str).fillna("")
    return text.str.lower()


def rows_html(rows: Any, columns: list[str]) -> str:
    """One page of rows as an HTML table (pandas escapes; lists read as comma lists)."""
    page = rows.map(lambda v: ", ".join(str(x) for x in v) if isinstance(v, list) else v)
    return page.to_html(index=False, na_rep="", float_format=lambda x: f"{x:.3f}", border=0,
                        classes="paradime-paged-rows", columns=columns)
