"""What changed between two runs: manifest, statuses, test failures, freshness, durations, wall time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime diff")
@argument("runs", nargs="*", type=int, metavar="RUN", help="A B (default: the latest two finished runs); "
          "one run is compared with the latest finished run")
@argument("-s", "--schedule", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
def command(session: Session, line: str) -> Any:
    """`client.metadata.compare_runs`; the result (a RunComparison) draws as a diff view."""
    args = parse_argstring(command, line)
    if len(args.runs) > 2:
        raise UsageError("give at most two run ids: A B")
    name = session.schedule(args.schedule)
    result = session.client.metadata.compare_runs(name, *args.runs)
    session.after_data(name)
    return result
