"""Run the cell's SQL on the store with $schedule_name bound (a cell magic: %%paradime query)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments

from ._args import parse

if TYPE_CHECKING:
    import pandas as pd

    from ..session import Session


@magic_arguments("%paradime query")
@argument("schedule", nargs="?", metavar="SCHEDULE", help="bound to $schedule_name, loaded first if needed")
def command(session: Session, line: str, cell: str | None = None) -> pd.DataFrame:
    """The cell is one SQL query, run with `client.metadata.query_sql` (parameters bound,
    never formatted in); the result is a pandas DataFrame."""
    args = parse(command, line)
    if not cell or not cell.strip():
        raise UsageError("put the SQL in the cell: %%paradime query SCHEDULE, then the query below")
    name = session.schedule(args.schedule) if (args.schedule or "$schedule_name" in cell) else None
    result = session.client.metadata.query_sql(cell, schedule_name=name)
    session.after_data(name)
    return result


command.takes_cell = True  # type: ignore[attr-defined]
