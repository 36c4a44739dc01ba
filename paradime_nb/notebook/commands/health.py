"""Health of a schedule's models in its latest run: counts, pass rate, stale sources, failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import argument, magic_arguments

from ._args import parse

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime health")
@argument("schedule", nargs="?", metavar="SCHEDULE", help="slug or display name (default: the last one used)")
def command(session: Session, line: str) -> Any:
    """`client.metadata.get_health_dashboard` (every field, unchanged) with the card's lists
    from `get_model_health`, `get_test_results(failed_only=True)` and `get_source_freshness`
    attached, drawn as a health card. The latest run is loaded first if none is stored."""
    args = parse(command, line)
    name = session.schedule(args.schedule)
    result = session.client.metadata.get_health_report(name)
    session.after_data(name)
    return result
