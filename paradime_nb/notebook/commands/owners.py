"""Health counts and unhealthy nodes per owner (meta.owner, else the group's owner)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime owners")
@argument("schedule", nargs="?", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
def command(session: Session, line: str) -> Any:
    """`client.metadata.get_health_by_owner`: whom to tell about what."""
    args = parse_argstring(command, line)
    name = session.schedule(args.schedule)
    result = session.client.metadata.get_health_by_owner(name)
    session.after_data(name)
    return result
