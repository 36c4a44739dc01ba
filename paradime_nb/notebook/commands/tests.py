"""Test results of a schedule (each test once, latest execution), or their history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments

from ._args import parse

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime tests")
@argument("schedule", nargs="?", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
@argument("--failed", action="store_true", help="only tests that failed or errored")
@argument("--history", action="store_true", help="per test over the stored runs: fail rate, flaky flag")
@argument("--days", type=float, default=30, metavar="D", help="with --history: runs of the last D days (30)")
def command(session: Session, line: str) -> Any:
    """`client.metadata.get_test_results` (name, tested node, column, severity, status,
    failures, message), or with --history `client.metadata.get_test_history`."""
    args = parse(command, line)
    name = session.schedule(args.schedule)
    if args.history:
        if args.failed:
            raise UsageError("--failed and --history do not combine")
        result = session.client.metadata.get_test_history(name, days=args.days)
    else:
        result = session.client.metadata.get_test_results(name, failed_only=args.failed)
    session.after_data(name)
    return result
