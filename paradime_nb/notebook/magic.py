"""``%paradime`` / ``%%paradime``: dispatch a subcommand to its module (``commands/``).

The magic only splits the line, finds the subcommand and turns paradime_nb's own errors
into ``UsageError`` (one short line, no traceback). Results are returned, so
``x = %paradime health`` holds the typed result; the display formatters registered in
``widgets.formatters`` draw it as a card, a graph or a table.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, kwds, magic_arguments

from . import commands
from .session import Session

_HELP_FLAGS = ("-h", "--help")


@magics_class
class ParadimeMagics(Magics):
    """Holds the notebook's ``Session`` (client, last schedule, jupysql link)."""

    def __init__(self, shell: Any) -> None:
        super().__init__(shell)
        self.session = Session(shell)

    @line_cell_magic
    @magic_arguments()
    @kwds(
        description="dbt run metadata from Paradime Bolt schedules, in DuckDB: health, tests, "
        "freshness, lineage and performance. SCHEDULE may be left out after the first `load`.",
        epilog="subcommands:\n" + commands.summary() + "\n\n`%paradime SUBCOMMAND -h` shows one "
        "subcommand's options. `%%paradime query [SCHEDULE]` runs the cell's SQL on the store "
        "($schedule_name is bound). After the first load, `%%sql` cells query the same DuckDB "
        "(jupysql connection `paradime`).",
    )
    @argument("subcommand", choices=commands.NAMES, metavar="SUBCOMMAND", help="one of: " + ", ".join(commands.NAMES))
    @argument("arguments", nargs=argparse.REMAINDER, help="the subcommand's own arguments")
    def paradime(self, line: str, cell: str | None = None) -> Any:
        name, _, rest = line.strip().partition(" ")
        if not name or name in _HELP_FLAGS:
            print(textwrap.dedent((self.paradime.__doc__ or "").removeprefix("::")).strip("\n"))
            return None
        if name not in commands.NAMES:
            raise UsageError(f"unknown subcommand {name!r}; one of: {', '.join(commands.NAMES)}")
        command = commands.module(name).command
        if any(flag in rest.split() for flag in _HELP_FLAGS):
            print(command.parser.format_help())
            return None
        if cell is not None and not getattr(command, "takes_cell", False):
            raise UsageError(f"`%%paradime {name}` takes no cell body; use `%paradime {name}` on one line")
        from ..errors import ParadimeNbError

        try:
            return command(self.session, rest, cell) if cell is not None else command(self.session, rest)
        except ParadimeNbError as exc:
            raise UsageError(str(exc)) from None


def load_ipython_extension(ipython: Any) -> None:
    """Register the magic and the result formatters (lazily, by type name)."""
    magics = ParadimeMagics(ipython)
    ipython.register_magics(magics)
    ipython._paradime_magics = magics
    from .widgets.formatters import register_formatters

    register_formatters(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    magics = getattr(ipython, "_paradime_magics", None)
    if magics is not None:
        magics.session.disconnect()  # closes the store this notebook opened (unlocks its file)
        for kind in ("line", "cell"):
            ipython.magics_manager.magics[kind].pop("paradime", None)
        del ipython._paradime_magics
    from .widgets.formatters import unregister_formatters

    unregister_formatters(ipython)
