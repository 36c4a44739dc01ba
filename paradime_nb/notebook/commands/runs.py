"""List a schedule's runs at the source, newest first, and whether each is loaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments

from ._args import parse

if TYPE_CHECKING:
    import pandas as pd

    from ..session import Session


@magic_arguments("paradime runs")
@argument("schedule", nargs="?", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
@argument("--limit", type=int, default=20, metavar="N", help="at most N runs (default 20)")
@argument("--days", type=float, metavar="D", help="the runs started in the last D days instead")
def command(session: Session, line: str) -> pd.DataFrame:
    """Runs as the source lists them (the API, a folder, the demo), with `loaded` telling
    which are in the store. Listing fetches no artifacts."""
    args = parse(command, line)
    client = session.client
    if client.source is None:
        raise UsageError("this client reads a store file only; it has no source to list runs from")
    runs = client.metadata.list_runs(session.schedule(args.schedule), limit=args.limit, days=args.days)
    if not runs.empty:
        session.last_schedule = runs["schedule_name"].iloc[0]
    return runs.drop(columns="schedule_name")
