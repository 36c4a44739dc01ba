"""One model's status and timings run by run, with its tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import argument, magic_arguments

from ._args import parse

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime history")
@argument("model", metavar="MODEL", help="model name or unique id")
@argument("-s", "--schedule", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
@argument("--last", type=int, default=20, metavar="N", help="the last N runs that executed it (default 20)")
def command(session: Session, line: str) -> Any:
    """`client.metadata.get_model_history`."""
    args = parse(command, line)
    name = session.schedule(args.schedule)
    result = session.client.metadata.get_model_history(args.model, name, last=args.last)
    session.after_data(name)
    return result
