"""Close this notebook's connection: its store (a file is unlocked) and its source."""

from __future__ import annotations

from typing import TYPE_CHECKING

from IPython.core.magic_arguments import magic_arguments

from ._args import parse

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime disconnect")
def command(session: Session, line: str) -> None:
    """A client adopted with `connect --client` is left open (it is the notebook's)."""
    parse(command, line)
    print("disconnected" if session.disconnect() else "not connected")
