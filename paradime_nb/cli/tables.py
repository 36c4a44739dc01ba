"""DataFrames on the terminal (rich tables), or as CSV / JSON lines for pipelines."""

from __future__ import annotations

import sys
from typing import Any

TABLE_FORMATS = ("table", "csv", "json")


def print_frame(console: Any, frame: Any, fmt: str, title: str = "") -> None:
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", date_format="iso", indent=None) + "\n")
    else:
        console.print(rich_table(frame, title))


def rich_table(frame: Any, title: str = "") -> Any:
    from rich.markup import escape  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    table = Table(title=title or None, title_justify="left", show_edge=False)
    for column in frame.columns:
        numeric = frame[column].dtype.kind in "iuf"
        table.add_column(str(column), justify="right" if numeric else "left", overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(escape(_cell(v)) for v in row))
    table.caption = f"{len(frame)} row{'s' if len(frame) != 1 else ''}"
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    try:
        import pandas as pd  # noqa: PLC0415

        if not isinstance(value, (list, tuple, dict)) and pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)
