"""What a notebook is connected to: one client, the schedule last used, the jupysql link.

One ``Session`` per IPython shell, held by the magic. Commands ask it for the client
(``session.client``) and for a schedule name (``session.schedule(args.schedule)``), so a
notebook can name its schedule once, in ``load``, and leave it out afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from .sqlbridge import SqlBridge

if TYPE_CHECKING:
    from ..client import Paradime

NOT_CONNECTED = (
    "not connected: run `%paradime connect --demo` (bundled demo), `%paradime connect --path DIR` "
    "(saved runs or a dbt target/ folder), or set PARADIME_API_ENDPOINT, PARADIME_API_KEY and "
    "PARADIME_API_SECRET (or ~/.paradime/credentials) and run `%paradime connect`"
)
NO_SCHEDULE = "name a schedule (e.g. `%paradime load jaffle-daily`); `%paradime schedules` lists them"


class Session:
    """The connection state of one shell."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self._client: Paradime | None = None
        self._owned = False  # the session opened the client (not --client): it closes it
        self.described_as = ""
        self.last_schedule: str | None = None
        self.sql = SqlBridge(shell)  # jupysql's `paradime` connection

    # --- the client -------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._client is not None

    @property
    def client(self) -> Paradime:
        """The client; with none yet, connect to the API if credentials resolve, else a
        ``UsageError`` telling how to connect."""
        if self._client is None:
            from ..config import resolve_credentials
            from ..errors import ConfigurationError

            try:
                resolve_credentials()
            except ConfigurationError:
                raise UsageError(NOT_CONNECTED) from None
            from ..client import Paradime

            self.use(Paradime(), "the Paradime API")
        assert self._client is not None
        return self._client

    def use(self, client: Paradime, described_as: str, *, owned: bool = True) -> None:
        """Switch to ``client``, closing the previous one if this session opened it (its
        store file is unlocked); jupysql follows at the next query."""
        if self._client is not None and self._client is not client:
            self.disconnect()
        self._client = client
        self._owned = owned
        self.described_as = described_as
        self.last_schedule = None

    def disconnect(self) -> bool:
        """Drop jupysql's link and close the client this session opened. False: none."""
        if self._client is None:
            return False
        self.sql.detach()
        if self._owned:
            self._client.close()
        self._client, self._owned, self.described_as, self.last_schedule = None, False, "", None
        return True

    # --- schedules --------------------------------------------------------------------

    def schedule(self, name: str | None) -> str:
        """``name``, else the schedule last used successfully in this notebook."""
        if name:
            return name
        if self.last_schedule:
            return self.last_schedule
        loaded = self.client.metadata.loaded_schedules()
        if len(loaded) == 1:
            return loaded[0]
        raise UsageError(NO_SCHEDULE)

    def after_data(self, schedule: str | None = None) -> None:
        """After a command answered: remember its schedule, and once the store holds a run
        make it jupysql's current connection (quietly)."""
        if schedule:
            self.last_schedule = schedule
        self.sql.attach(self.client)
