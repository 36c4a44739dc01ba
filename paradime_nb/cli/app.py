"""The ``paradime-nb`` group and its commands (one module each)."""

from __future__ import annotations

import click

from .._version import __version__
from . import check, demo, report, runs, schedules, sql, sync, views
from .common import EXIT_CODES_HELP, SOURCE_HELP

COMMANDS = (schedules, runs, sync, check, report, sql, views, demo)


@click.group(help=f"dbt run metadata on the command line: health checks, reports, sync, SQL.\n\n{SOURCE_HELP}\n\n"
             f"{EXIT_CODES_HELP}", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="paradime-nb")
def cli() -> None:
    pass


for module in COMMANDS:
    cli.add_command(module.command)
