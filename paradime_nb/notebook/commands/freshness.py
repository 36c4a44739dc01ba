"""Source freshness: each source's latest check, its age and its warn/error thresholds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import argument, magic_arguments

from ._args import parse

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime freshness")
@argument("schedule", nargs="?", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
def command(session: Session, line: str) -> Any:
    """`client.metadata.get_source_freshness`."""
    args = parse(command, line)
    name = session.schedule(args.schedule)
    result = session.client.metadata.get_source_freshness(name)
    session.after_data(name)
    return result
