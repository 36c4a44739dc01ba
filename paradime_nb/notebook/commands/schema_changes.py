"""Schema drift between consecutive catalogs, or (--sizes) row counts and bytes per relation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime schema-changes")
@argument("schedule", nargs="?", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
@argument("--days", type=float, default=30, metavar="D", help="catalogs of the last D days (default 30)")
@argument("--sizes", action="store_true", help="row counts and bytes per relation instead (get_relation_stats)")
def command(session: Session, line: str) -> Any:
    """`client.metadata.get_schema_changes`: relations added or gone, columns added, removed,
    retyped; with --sizes `client.metadata.get_relation_stats`. Load the runs first
    (`%paradime load SCHEDULE --days D`)."""
    args = parse_argstring(command, line)
    if args.days <= 0:
        raise UsageError("--days must be positive")
    name = session.schedule(args.schedule)
    metadata = session.client.metadata
    result = metadata.get_relation_stats(name, days=args.days) if args.sizes else metadata.get_schema_changes(
        name, days=args.days)
    session.after_data(name)
    return result
