"""``paradime-nb report SCHEDULE -o report.html``: one self-contained, offline HTML file."""

from __future__ import annotations

import click

from .common import EXIT_CODES_HELP, SourceOptions, handle_errors, open_client, source_options, write_text

DEFAULT_DAYS = 30.0


@click.command("report", epilog=EXIT_CODES_HELP)
@click.argument("schedule")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="FILE.html",
              help="Where to write the page (its folder is created).")
@click.option("--days", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_DAYS, show_default=True,
              help="The window for performance and test history, back from the latest run; the runs started "
                   "in these last days are loaded first.")
@click.option("--runs", type=click.IntRange(min=1), help="Load the latest N finished runs instead of the last D days'.")
@source_options
@handle_errors
def command(schedule: str, output: str, days: float, runs: int | None, source: SourceOptions) -> None:
    """Write SCHEDULE's health report: the health card, failing and warning tests with
    messages, stale sources, the lineage of every unhealthy node, the slowest models,
    performance over the window and test history with flaky tests. Every script and
    style is inlined: the file opens in a browser with no server and no network.

    The notebook widgets' renderers over client.metadata's answers."""
    from ..notebook.widgets.report import health_report_html  # noqa: PLC0415

    with open_client(source) as client:
        if not source.offline:
            if runs is not None:
                client.metadata.load(schedule, runs=runs, progress=False)
            else:
                client.metadata.load(schedule, runs=None, days=days, progress=False)
        page = health_report_html(client.metadata, schedule, days)
    write_text(output, page)
    click.echo(f"wrote {output} ({len(page.encode()) / 1e6:.1f} MB)")

