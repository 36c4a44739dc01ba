"""``paradime-nb schedules``: what the source offers, with each schedule's latest run."""

from __future__ import annotations

import click

from .common import SourceOptions, console, handle_errors, open_client, source_options
from .tables import print_frame


@click.command("schedules")
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table", show_default=True)
@source_options
@handle_errors
def command(fmt: str, source: SourceOptions) -> None:
    """The schedules with their latest run (id, state, start). One listing call, then one
    `list_runs(schedule, limit=1)` per schedule; with --offline, what the store holds."""
    import pandas as pd  # noqa: PLC0415

    with open_client(source) as client:
        metadata = client.metadata
        if source.offline:
            frame = metadata.stored_runs_summary()
        else:
            rows = []
            for s in metadata.schedules():
                latest = metadata.list_runs(s.slug, limit=1)
                run = latest.iloc[0] if len(latest) else None
                rows.append({"schedule_name": s.slug, "display_name": s.name, "cron": s.cron,
                             "latest_run_id": None if run is None else int(run["run_id"]),
                             "latest_state": None if run is None else run["state"],
                             "latest_started_at": None if run is None else run["started_at"],
                             "suspended": s.suspended})
            frame = pd.DataFrame(rows, columns=["schedule_name", "display_name", "cron", "latest_run_id",
                                                "latest_state", "latest_started_at", "suspended"])
    print_frame(console(), frame, fmt, title="schedules")
