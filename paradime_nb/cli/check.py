"""``paradime-nb check``: the health of the latest finished run, as an exit code and a report."""

from __future__ import annotations

import click

from ..metadata.check import THRESHOLDS
from .common import (
    EXIT_CODES_HELP,
    EXIT_FOUND,
    EXIT_OK,
    SourceOptions,
    console,
    handle_errors,
    open_client,
    source_options,
    write_text,
)
from .formats import FORMATS, print_text, render

#: ``--fail-on`` words -> the health they mean (lower case on the command line whatever
#: the API's spelling).
FAIL_ON = {health.lower(): health for health in THRESHOLDS}


@click.command("check", epilog=EXIT_CODES_HELP)
@click.argument("schedules", nargs=-1, required=True, metavar="SCHEDULE...")
@click.option("--fail-on", type=click.Choice(tuple(FAIL_ON), case_sensitive=False), default=next(iter(FAIL_ON)),
              show_default=True, help="Exit 1 when a node is this unhealthy or worse.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text (terminal), json (one document), junit (JUnit XML), github (workflow annotations).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write the output to FILE (its folder is created) instead of stdout.")
@source_options
@handle_errors
def command(schedules: tuple[str, ...], fail_on: str, fmt: str, output: str | None, source: SourceOptions) -> None:
    """Check SCHEDULE's health: every model, seed, snapshot, source, exposure and test of the
    latest manifest, with the latest finished run loaded first (unless --offline). Each
    node is healthy, warning, critical or unknown (never run; never fails a check).

    One call per schedule into client.metadata.get_health_check."""
    fail_on = FAIL_ON[fail_on.lower()]
    with open_client(source) as client:
        checks = []
        for name in schedules:
            if not source.offline:
                client.metadata.load(name, runs=1, progress=False)
            checks.append(client.metadata.get_health_check(name))
    failed = any(c.failed(fail_on) for c in checks)
    if output is not None:
        write_text(output, render(fmt, checks, fail_on) + "\n")
    elif fmt == "text":
        print_text(console(), checks, fail_on)
    else:
        click.echo(render(fmt, checks, fail_on))
    raise SystemExit(EXIT_FOUND if failed else EXIT_OK)
