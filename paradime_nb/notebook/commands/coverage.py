"""Test and documentation coverage of the latest manifest, overall or by folder, tag, owner, package."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime coverage")
@argument("schedule", nargs="?", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
@argument("--by", default=None, metavar="GROUP", help="group the figures by folder, tag, owner or package")
def command(session: Session, line: str) -> Any:
    """`client.metadata.get_coverage`: models tested, with a primary-key test, documented;
    columns tested and documented; sources with freshness (counts and percents)."""
    args = parse_argstring(command, line)
    name = session.schedule(args.schedule)
    try:
        result = session.client.metadata.get_coverage(name, by=args.by)
    except ValueError as exc:  # the API names the groupings it knows
        raise UsageError(str(exc)) from None
    session.after_data(name)
    return result
