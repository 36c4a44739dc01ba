"""``paradime-nb sync``: load new runs into a persistent store, for cron.

Idempotent (runs already stored are not fetched: a sync with nothing new is one listing
request per schedule) and safe under cron overlap (a second sync on the same store waits
``--lock-wait`` seconds for the first, then exits 2 naming the file; the first finishes
whole, one transaction per run). A progress bar on a terminal, one line per schedule
otherwise.

Extending: a new target (``--dataset`` ...) is an option plus a step in ``after_sync``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from .common import (
    EXIT_CODES_HELP,
    SourceOptions,
    days_or_runs,
    handle_errors,
    is_terminal,
    open_client,
    source_options,
)

DEFAULT_RUNS = 10


@click.command("sync", epilog=EXIT_CODES_HELP)
@click.argument("schedules", nargs=-1, metavar="SCHEDULE...")
@click.option("--all", "all_schedules", is_flag=True, help="Every schedule the source offers.")
@click.option("--runs", type=click.IntRange(min=1), help=f"The latest N finished runs (default {DEFAULT_RUNS}).")
@click.option("--days", type=click.FloatRange(min=0, min_open=True), help="Every run started in the last D days.")
@click.option("--include-running", is_flag=True, help="Also store runs still in progress (replaced when they end).")
@click.option("--progress/--no-progress", default=None, help="A progress bar (default: on a terminal only).")
@click.option("--dataset", metavar="DIR_OR_URL",
              help="Then append the store's runs to this shared Parquet dataset (a folder, s3://, gs://, abfs://), "
                   "each batch committed atomically; a second sync of it waits --lock-wait seconds.")
@source_options
@handle_errors
def command(schedules: tuple[str, ...], all_schedules: bool, runs: int | None, days: float | None,
            include_running: bool, progress: bool | None, dataset: str | None, source: SourceOptions) -> None:
    """Load SCHEDULE's new runs (or --all schedules') into --store FILE.duckdb.

    One `client.metadata.load` per schedule; with --dataset, then the store's runs the
    dataset does not hold are written to it (Paradime.from_dataset reads it)."""
    if not source.store:
        raise click.UsageError("sync needs --store FILE.duckdb (an in-memory store is gone when the command ends)")
    if source.offline:
        raise click.UsageError("sync fetches runs; it takes no --offline")
    if bool(schedules) == all_schedules:
        raise click.UsageError("name SCHEDULE... or give --all (not both)")
    n_runs, n_days = days_or_runs(runs, days, DEFAULT_RUNS)
    bar = is_terminal() if progress is None else progress
    with open_client(source) as client:
        names = [s.slug for s in client.metadata.schedules()] if all_schedules else list(schedules)
        reports = sync_schedules(client, names, runs=n_runs, days=n_days, include_running=include_running,
                                 progress=bar, echo=click.echo)
        after_sync(client, reports, dataset=dataset, lock_wait=source.lock_wait)


def sync_schedules(client: Any, names: Sequence[str], *, runs: int | None, days: float | None,
                   include_running: bool = False, progress: bool = False,
                   echo: Callable[[str], None] = click.echo) -> list[Any]:
    """Load each schedule; one line per schedule saying what was new."""
    reports = []
    for name in names:
        report = client.metadata.load(name, runs=runs, days=days, include_running=include_running, progress=progress)
        reports.append(report)
        echo(_line(report))
    total = sum(len(r.loaded) for r in reports)
    echo(f"synced {len(reports)} schedule(s): {total} new run(s)" if total
         else f"synced {len(reports)} schedule(s): nothing new")
    return reports


def after_sync(client: Any, reports: list[Any], *, dataset: str | None = None, lock_wait: float = 0.0,
               echo: Callable[[str], None] = click.echo) -> None:
    """Steps after the runs are stored: appending them to a shared dataset."""
    if dataset:
        echo(str(client.write_dataset(dataset, lock_timeout=lock_wait)))


def _line(report: Any) -> str:
    if not report.loaded:
        text = f"{report.schedule_name}: nothing new"
        if report.already_stored:
            text += f" ({len(report.already_stored)} run(s) already stored)"
    else:
        text = f"{report.schedule_name}: loaded run(s) {', '.join(map(str, report.loaded))}"
    if report.skipped_running:
        text += f"; still running, skipped: {', '.join(map(str, report.skipped_running))}"
    return text + f" in {report.seconds:.2f}s"
