"""``paradime-nb sql "SELECT ..."``: SQL on the store, read-only, for shell pipelines."""

from __future__ import annotations

import click

from .common import SourceOptions, console, days_or_runs, handle_errors, open_client, source_options
from .tables import TABLE_FORMATS, print_frame


@click.command("sql")
@click.argument("query", metavar="SQL")
@click.option("-s", "--schedule", "schedules", multiple=True, metavar="SCHEDULE",
              help="Load this schedule first (repeatable); $schedule_name binds to the first.")
@click.option("--runs", type=click.IntRange(min=1), help="With --schedule: how many runs to load (default 1).")
@click.option("--days", type=click.FloatRange(min=0, min_open=True), help="With --schedule: runs of the last D days.")
@click.option("--format", "fmt", type=click.Choice(TABLE_FORMATS), default="table", show_default=True)
@source_options
@handle_errors
def command(query: str, schedules: tuple[str, ...], runs: int | None, days: float | None, fmt: str, source: SourceOptions) -> None:
    """Run SQL on the store (tables and views: see the README) and print the rows.

    `--store FILE --offline` opens the file read-only, so no statement can change it; else
    the named schedules are loaded into the store first. Read-only either way: a statement
    that would change the store is refused (exit 2). One `client.metadata.query_sql`."""
    n_runs, n_days = days_or_runs(runs, days)
    read_only = bool(source.offline)
    with open_client(source, read_only=read_only) as client:
        for name in schedules:
            client.metadata.load(name, runs=n_runs, days=n_days, progress=False)
        frame = client.metadata.query_sql(query, schedules[0] if schedules else None)
    print_frame(console(), frame, fmt)

