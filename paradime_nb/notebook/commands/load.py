"""Load a schedule's latest runs (or those of the last D days) into the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments

from ._args import parse

if TYPE_CHECKING:
    from ...loading import LoadReport
    from ..session import Session


@magic_arguments("paradime load")
@argument("schedule", nargs="?", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
@argument("--runs", type=int, metavar="N", help="the latest N runs (default 1)")
@argument("--days", type=float, metavar="D",
          help="every run started in the D days before the newest run the source lists")
@argument("--refresh", action="store_true",
          help="fetch the runs again even if stored: download their files anew (not from the download cache) "
               "and replace the stored runs with them")
@argument("--include-running", action="store_true", help="also load runs still in progress")
def command(session: Session, line: str) -> LoadReport:
    """Runs already stored are skipped; each run is stored in one transaction. Afterwards
    %%sql cells query the store (jupysql connection `paradime`)."""
    args = parse(command, line)
    if args.runs is not None and args.days is not None:
        raise UsageError("give --runs or --days, not both")
    name = session.schedule(args.schedule)
    runs = args.runs if args.runs is not None else (None if args.days is not None else 1)
    client = session.client
    report = client.metadata.load(
        name, runs=runs, days=args.days, include_running=args.include_running, refresh=args.refresh,
        progress=_progress(client),
    )
    session.after_data(report.schedule_name)
    return report


def _progress(client: object) -> bool | None:
    """A progress bar for the API (downloads take time); none for local folders and the
    demo, which load in a blink and would leave a stale bar in saved notebooks."""
    return None if getattr(getattr(client, "source", None), "slow", False) else False
