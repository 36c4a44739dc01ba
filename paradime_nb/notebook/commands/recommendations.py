"""Findings of the recommendation rules (missing tests, undocumented models, ...), worst first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime recommendations")
@argument("schedule", nargs="?", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
@argument("--rule", action="append", metavar="ID", help="only this rule (repeatable); ids in the README")
@argument("--threshold", action="append", metavar="ID=N", help="a rule's threshold, e.g. high_fan_out=5")
def command(session: Session, line: str) -> Any:
    """`client.metadata.get_recommendations`: rule id, severity, node, reason and fix per
    finding, and rules not applicable to the manifest's schema version."""
    args = parse_argstring(command, line)
    thresholds = {}
    for item in args.threshold or ():
        rule, _sep, value = item.partition("=")
        try:
            thresholds[rule] = float(value)
        except ValueError:
            raise UsageError(f"--threshold wants ID=NUMBER, not {item!r}") from None
    name = session.schedule(args.schedule)
    try:
        result = session.client.metadata.get_recommendations(name, rules=args.rule, thresholds=thresholds or None)
    except ValueError as exc:  # an unknown rule id, a rule without a threshold
        raise UsageError(str(exc)) from None
    session.after_data(name)
    return result
