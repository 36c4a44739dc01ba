"""Column lineage: where a column comes from (or goes with --down), drawn column by column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime columns")
@argument("column", metavar="NODE.COLUMN", help="e.g. stg_payments.amount (a name or unique id, then the column)")
@argument("-s", "--schedule", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
@argument("--down", action="store_true", help="downstream: what the column feeds (default: upstream)")
@argument("--depth", type=int, metavar="N", help="levels to walk (default: all)")
def command(session: Session, line: str) -> Any:
    """One call into `client.metadata.get_column_lineage`; the result draws as a graph of
    columns grouped in their nodes and coloured by health (`.stopped` says where the SQL
    could not be read)."""
    args = parse_argstring(command, line)
    if args.depth is not None and args.depth < 0:
        raise UsageError("--depth must be 0 or more")
    name = session.schedule(args.schedule)
    result = session.client.metadata.get_column_lineage(args.column, name, direction="down" if args.down else "up",
                                                        depth=args.depth)
    session.after_data(name)
    return result
