"""``paradime-nb demo``: every bundled demo run loaded, the health summary and the check;
``--report FILE`` also writes the HTML report."""

from __future__ import annotations

import click

from ..metadata.check import WARNING
from .common import console, handle_errors

DEMO_SCHEDULE = "jaffle-daily"
DEMO_RUNS = 100


@click.command("demo")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), metavar="FILE.html",
              help="Also write the HTML report of the demo schedule.")
@handle_errors
def command(report_path: str | None) -> None:
    """Load the bundled demo runs (12 daily runs of jaffle-daily), print the health summary
    and `check` of the latest run; exits 0 (the demo shows, it does not alert)."""
    from ..client import Paradime  # noqa: PLC0415
    from ..summary import health_summary  # noqa: PLC0415
    from .formats import print_text  # noqa: PLC0415

    with Paradime.demo() as client:
        click.echo(str(client.metadata.load(DEMO_SCHEDULE, runs=DEMO_RUNS, progress=False)))
        click.echo(health_summary(client.metadata, DEMO_SCHEDULE))
        click.echo("\n$ paradime-nb check --demo jaffle-daily --fail-on warning")
        print_text(console(), [client.metadata.get_health_check(DEMO_SCHEDULE)], WARNING)
        if report_path:
            from ..notebook.widgets.report import health_report_html  # noqa: PLC0415
            from .common import write_text  # noqa: PLC0415
            from .report import DEFAULT_DAYS  # noqa: PLC0415

            write_text(report_path, health_report_html(client.metadata, DEMO_SCHEDULE, DEFAULT_DAYS))
            click.echo(f"wrote {report_path}")
