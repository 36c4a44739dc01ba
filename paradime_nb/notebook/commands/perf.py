"""Execution times over the stored runs of the last D days: trends and regressions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import argument, magic_arguments

from ._args import parse

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime perf")
@argument("schedule", nargs="?", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
@argument("--days", type=float, default=7, metavar="D", help="runs started in the last D days (default 7)")
def command(session: Session, line: str) -> Any:
    """`client.metadata.get_performance_metrics`: per model runs, mean, p50, p95, max, last,
    change against the earlier median and a regression flag. Load the runs first
    (`%paradime load SCHEDULE --days D`)."""
    args = parse(command, line)
    name = session.schedule(args.schedule)
    result = session.client.metadata.get_performance_metrics(name, days=args.days)
    session.after_data(name)
    return result
