"""List the schedules the connected source offers (slug, name, cron, commands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from IPython.core.magic_arguments import magic_arguments

from ._args import parse

if TYPE_CHECKING:
    import pandas as pd

    from ..session import Session


@magic_arguments("paradime schedules")
def command(session: Session, line: str) -> pd.DataFrame:
    """The schedules of the workspace or folder this notebook is connected to."""
    parse(command, line)
    import pandas as pd

    schedules = session.client.metadata.schedules()
    return pd.DataFrame(
        [(s.slug, s.name, s.cron, s.owner, " && ".join(s.commands), s.suspended) for s in schedules],
        columns=["schedule_name", "display_name", "cron", "owner", "commands", "suspended"],
    )
