"""The list every analysis returns: dataclass records with ``.to_frame()`` (pandas,
imported on use) and an HTML table for notebooks, labelled with its schedule."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")

_HTML_ROWS = 50


class ResultList(list, Generic[T]):
    """A list of result records with ``.to_frame()`` and a notebook table."""

    #: the record type, so an empty list still knows its columns
    record_type: type | None = None
    #: the schedule the answer describes (set by the analyses)
    schedule_name: str | None = None

    def __init__(self, items: Iterable[T] = (), record_type: type | None = None) -> None:
        super().__init__(items)
        if record_type is not None:
            self.record_type = record_type
        elif self:
            self.record_type = type(self[0])

    def columns(self) -> list[str]:
        kind = self.record_type or (type(self[0]) if self else None)
        return [f.name for f in dataclasses.fields(kind)] if kind and dataclasses.is_dataclass(kind) else []

    def to_records(self) -> list[dict[str, Any]]:
        return [dataclasses.asdict(item) if dataclasses.is_dataclass(item) else dict(item) for item in self]

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd  # noqa: PLC0415

        return pd.DataFrame(self.to_records(), columns=self.columns() or None)

    def _repr_html_(self) -> str:
        head = f"<p>{escape(self.schedule_name)}</p>" if self.schedule_name else ""
        return head + _html_table(self.columns(), self.to_records(), len(self))

    def of(self, schedule_name: str) -> ResultList[T]:
        """This list, labelled with the schedule it describes."""
        self.schedule_name = schedule_name
        return self


def count_values(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list):
        return escape(", ".join(str(v) for v in value))
    return escape(str(value))


def _html_table(columns: list[str], records: list[dict[str, Any]], total: int) -> str:
    if not columns:
        return "<p>(no rows)</p>"
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in records[:_HTML_ROWS]
    )
    more = f"<p>{total - _HTML_ROWS} more rows; .to_frame() has them all</p>" if total > _HTML_ROWS else ""
    rows = "row" if total == 1 else "rows"
    return f"<table class='paradime-result'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{total} {rows}</p>{more}"
