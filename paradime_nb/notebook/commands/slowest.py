"""The slowest models of a schedule's latest run, as a sortable table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import argument, magic_arguments

from ._args import parse

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime slowest")
@argument("schedule", nargs="?", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
@argument("--limit", type=int, default=10, metavar="N", help="how many models (default 10)")
def command(session: Session, line: str) -> Any:
    """`client.metadata.get_slowest_models`."""
    args = parse(command, line)
    name = session.schedule(args.schedule)
    result = session.client.metadata.get_slowest_models(name, limit=args.limit)
    session.after_data(name)
    return result
