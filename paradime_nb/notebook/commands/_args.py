"""Splitting a subcommand's line the way a shell does: quotes group words and are removed
(``%paradime load "Jaffle daily"``), an unbalanced quote is a one-line ``UsageError``.

IPython's ``parse_argstring`` keeps the quotes (it splits non-POSIX), so every subcommand
parses through ``parse`` instead.
"""

from __future__ import annotations

import shlex
from typing import Any

from IPython.core.error import UsageError


def split(line: str) -> list[str]:
    try:
        return shlex.split(line or "")
    except ValueError as exc:  # "No closing quotation"
        raise UsageError(f"cannot split the arguments: {str(exc).lower()} (quote a name with spaces: \"Jaffle daily\")") from None


def parse(command: Any, line: str) -> Any:
    """``command``'s arguments (declared with ``magic_arguments``) from ``line``."""
    try:
        return command.parser.parse_args(split(line))
    except UsageError as exc:
        said = str(exc)
        extra = said.split(":", 1)[1].split() if said.startswith("unrecognized arguments:") else []
        if extra and not any(word.startswith("-") for word in extra):  # `load Jaffle daily`: a name in pieces
            raise UsageError(f"{said} (a name with spaces needs quotes: \"Jaffle daily\")") from None
        raise
