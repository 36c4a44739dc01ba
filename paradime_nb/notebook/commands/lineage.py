"""Upstream and downstream of a model (or a dbt selector), drawn as a graph coloured by health."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments

from ._args import parse

if TYPE_CHECKING:
    from ..session import Session

_SELECTOR = re.compile(r"[+:@*,]")


@magic_arguments("paradime lineage")
@argument("target", nargs="+", metavar="MODEL_OR_SELECTOR",
          help="a model name / unique id, or a dbt selector (+orders, orders+2, tag:finance, exposure:x); "
               "several words are a union, as in dbt (\"orders customers\")")
@argument("-s", "--schedule", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
@argument("--up", type=int, metavar="N", help="upstream levels (default: all; 0: none)")
@argument("--down", type=int, metavar="N", help="downstream levels (default: all; 0: none)")
def command(session: Session, line: str) -> Any:
    """A model with --up/--down is dbt's `N+model+M`; both go to `client.metadata.select_nodes`
    with dbt's meaning, so the graph is exactly what `dbt ls -s` would select. The
    result (a LineageResult, with `.summary`) carries `.edges` for the drawing."""
    args = parse(command, line)
    args.target = " ".join(args.target)
    if _SELECTOR.search(args.target) or " " in args.target:
        if args.up is not None or args.down is not None:
            raise UsageError("--up/--down apply to a model name; a selector carries its own depth (2+orders+1)")
        selector = args.target
    else:
        if (args.up is not None and args.up < 0) or (args.down is not None and args.down < 0):
            raise UsageError("--up and --down must be 0 or more")
        selector = _around(args.target, args.up, args.down)
    metadata = session.client.metadata
    name = session.schedule(args.schedule)
    result = metadata.select_nodes(name, selector, with_edges=True)
    if not result:
        raise UsageError(f"nothing in the latest manifest of {name!r} matches {args.target!r} "
                         "(a model name, a unique id or a dbt selector)")
    session.after_data(name)
    return result


def _around(model: str, up: int | None, down: int | None) -> str:
    """``model`` with ``up`` levels of parents and ``down`` of children, in dbt's syntax."""
    before = "+" if up is None else (f"{up}+" if up > 0 else "")
    after = "+" if down is None else (f"+{down}" if down > 0 else "")
    return f"{before}{model}{after}"
