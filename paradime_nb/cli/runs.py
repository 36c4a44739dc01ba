"""``paradime-nb runs SCHEDULE``: the schedule's runs as the source lists them."""

from __future__ import annotations

import click

from .common import SourceOptions, console, handle_errors, open_client, source_options
from .tables import print_frame


@click.command("runs")
@click.argument("schedule")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most N runs, newest first.")
@click.option("--days", type=click.FloatRange(min=0, min_open=True), help="Runs started in the last D days instead.")
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table", show_default=True)
@source_options
@handle_errors
def command(schedule: str, limit: int, days: float | None, fmt: str, source: SourceOptions) -> None:
    """SCHEDULE's runs, newest first, with `loaded` telling which are in the store
    (`client.metadata.list_runs`; nothing is downloaded). With --offline, the stored runs."""
    with open_client(source) as client:
        if source.offline:
            history = client.metadata.get_run_history(schedule, None if days else limit)
            frame = history.to_frame()
        else:
            frame = client.metadata.list_runs(schedule, limit=limit, days=days)
    print_frame(console(), frame, fmt, title=f"runs of {schedule}")
