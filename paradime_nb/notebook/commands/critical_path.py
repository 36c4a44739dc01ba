"""The chain of nodes that bounded a run's wall time, each with its share, and per-node slack."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime critical-path")
@argument("run", nargs="?", type=int, metavar="RUN", help="run id (default: the latest stored run)")
@argument("-s", "--schedule", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
def command(session: Session, line: str) -> Any:
    """`client.metadata.get_critical_path`; the result (a CriticalPath) draws as a Gantt
    chart with the path highlighted."""
    args = parse_argstring(command, line)
    name = session.schedule(args.schedule)
    metadata = session.client.metadata
    result = metadata.get_critical_path(name, args.run)
    result.timeline = metadata.get_run_timeline(name, result.run_id)
    session.after_data(name)
    return result
