"""One module per ``%paradime`` subcommand, each a parser and one call into ``client.metadata``.

A module defines ``command(session, line, cell=None)`` declared with IPython's
``magic_arguments``, so its help is real argparse help (``%paradime health -h``).
Modules import nothing heavy at import time: the magic imports them all to build
``%paradime?``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: Subcommands in the order ``%paradime?`` lists them.
NAMES = (
    "connect", "disconnect", "schedules", "runs", "load", "status", "health", "tests", "freshness",
    "lineage", "columns", "slowest", "perf", "history", "query", "timeline", "critical-path", "diff", "assets",
    "coverage", "recommendations", "owners", "schema-changes",
)


def module(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name.replace('-', '_')}")


def summary() -> str:
    """Usage line and purpose of every subcommand, for the magic's help."""
    lines = []
    for name in NAMES:
        mod = module(name)
        usage = " ".join(mod.command.parser.format_usage().removeprefix("::").split())
        purpose = (mod.__doc__ or "").strip().splitlines()[0]
        lines.append(f"  {usage}\n      {purpose}")
    return "\n".join(lines)
