"""What this notebook is connected to and which runs the store holds, per schedule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from IPython.core.magic_arguments import magic_arguments

from ._args import parse

if TYPE_CHECKING:
    import pandas as pd

    from ..session import Session


@dataclass
class Status:
    """The connection, the store, and the runs it holds (``.runs``: one row per schedule)."""

    connected_to: str
    database: str
    runs: pd.DataFrame | None
    sql_alias: str | None

    def _lines(self) -> list[str]:
        if not self.connected_to:
            return ["not connected (`%paradime connect --demo`, `--path DIR`, or API credentials)"]
        lines = [f"connected to {self.connected_to}; store: {self.database}"]
        if self.runs is None or self.runs.empty:
            lines.append("no runs loaded yet (`%paradime load SCHEDULE`)")
        else:
            for row in self.runs.itertuples():
                lines.append(f"{row.schedule_name}: {row.runs_loaded} run(s) loaded, latest {row.latest_run_id} "
                             f"({row.latest_run_state}, started {row.last_run_started})")
        lines.append(f"%%sql connection: {self.sql_alias!r}" if self.sql_alias else "%%sql: available after a load")
        return lines

    def __repr__(self) -> str:
        return "\n".join(self._lines())

    def _repr_html_(self) -> str:
        from html import escape

        return "<div class='paradime-status'>" + "<br>".join(escape(x) for x in self._lines()) + "</div>"


@magic_arguments("paradime status")
def command(session: Session, line: str) -> Status:
    """Never connects or loads anything by itself."""
    parse(command, line)
    if not session.connected:
        return Status("", "", None, None)
    client = session.client
    runs = client.metadata.stored_runs_summary()
    from ..sqlbridge import ALIAS

    return Status(session.described_as, client.store.database, runs, ALIAS if session.sql.store is not None else None)
