"""A run's timeline: every node on its thread, drawn as a Gantt chart (one lane per thread)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime timeline")
@argument("run", nargs="?", type=int, metavar="RUN", help="run id (default: the latest stored run)")
@argument("-s", "--schedule", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
def command(session: Session, line: str) -> Any:
    """`client.metadata.get_run_timeline`; the result (a RunTimeline) draws as a Gantt chart."""
    args = parse_argstring(command, line)
    name = session.schedule(args.schedule)
    result = session.client.metadata.get_run_timeline(name, args.run)
    session.after_data(name)
    return result
