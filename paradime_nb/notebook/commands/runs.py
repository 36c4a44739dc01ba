"""List a schedule's runs at the source, newest first, and whether each is loaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

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
    args = parse_argstring(command, line)
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    import pandas as pd

    from ...sources.model import days_ago

    client = session.client
    if client.source is None:
        raise UsageError("this client reads a store file only; it has no source to list runs from")
    schedule = client.source.schedule(session.schedule(args.schedule))
    session.last_schedule = schedule.slug
    since = days_ago(args.days) if args.days is not None else None
    listing = client.source.runs(schedule, limit=None if since else args.limit, since=since)
    stored = client.store.stored_runs(schedule.slug)
    return pd.DataFrame(
        [(r.run_id, r.state, r.started_at, r.ended_at, r.actor, r.git_branch, r.run_id in stored, r.description)
         for r in listing],
        columns=["run_id", "state", "started_at", "ended_at", "actor", "git_branch", "loaded", "description"],
    )
