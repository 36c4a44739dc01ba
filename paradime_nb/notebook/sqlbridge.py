"""jupysql on the store's DuckDB database, registered quietly under the alias ``paradime``.

jupysql's ``%sqlcmd`` (tables, columns, profile) needs a SQLAlchemy connection, so the
store is wrapped with duckdb-engine over a cursor of the store's own connection: one
database for ``%%sql``, ``%sqlplot``, ``%sqlcmd`` and ``client.metadata``. SQLAlchemy
would open a transaction on the first SELECT and jupysql never commits one after a
SELECT, which freezes every later query at that snapshot (runs loaded afterwards would be
invisible); the wrapper's ``begin`` is a no-op, so each statement commits on its own.
"""

from __future__ import annotations

from typing import Any

from ..errors import QueryError

ALIAS = "paradime"


class SqlRefused(QueryError):
    """A ``%%sql`` statement that would change the store: a ``QueryError`` that IPython
    shows as one line, as it shows a ``UsageError`` (jupysql re-raises errors it does not
    know, which would print a traceback through jupysql and SQLAlchemy)."""

    def _render_traceback_(self) -> list[str]:  # IPython's hook for what to print instead of a traceback
        return [f"QueryError: {self}"]


class SqlBridge:
    """jupysql's ``paradime`` connection, owned by one notebook session: ``attach`` a
    client's store (idempotent), ``detach`` it. It knows nothing of the session."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.store: Any = None  # the store the connection reads

    def attach(self, client: Any) -> None:
        """Make ``client.store`` jupysql's current connection, loading jupysql first."""
        from sql.connection import ConnectionManager

        store = client.store
        current = ConnectionManager.connections.get(ALIAS)
        if self.store is store and current is not None:
            if ConnectionManager.current is None:
                ConnectionManager.current = current
            return
        magic = _load_jupysql(self.shell)
        self.detach()
        ConnectionManager.set(_engine(store.connection, client.metadata), displaycon=False, alias=ALIAS, config=magic)
        self.store = store

    def detach(self) -> None:
        """Close jupysql's wrapper of the store (the store itself stays open)."""
        if self.store is None:
            return
        from sql.connection import ConnectionManager

        conn = ConnectionManager.connections.pop(ALIAS, None)
        if conn is not None:
            if ConnectionManager.current is conn:
                ConnectionManager.current = None
            conn.close()
        self.store = None


def _load_jupysql(shell: Any) -> Any:
    """``%load_ext sql`` without its chatter (config tips, "Running query in ...")."""
    if shell.find_cell_magic("sql") is None:
        from IPython.utils.capture import capture_output

        with capture_output(stdout=True, stderr=True, display=True):
            shell.extension_manager.load_extension("sql")
    magic = shell.find_cell_magic("sql").__self__
    magic.displaycon = False
    return magic


def _engine(connection: Any, metadata: Any) -> Any:
    """A SQLAlchemy engine whose one connection is a cursor of ``connection``. Statements
    that would change the store are refused unless ``metadata.sql_writes`` (the same rule
    as ``query_sql``); after an allowed write the cached answers are dropped."""
    import sqlalchemy
    from duckdb_engine import ConnectionWrapper, CursorWrapper
    from sqlalchemy.pool import StaticPool

    from ..metadata import user_sql
    from ..metadata.health_cache import clear_caches

    class _GuardedCursor(CursorWrapper):
        def execute(self, statement: str, parameters: Any = None, context: Any = None) -> None:
            parsed = user_sql.statements(cursor, statement) if statement.lower() != "commit" else []
            changes = bool(user_sql.writes(parsed))
            if changes and not metadata.sql_writes:
                try:
                    user_sql.refuse_writes(parsed)
                except QueryError as exc:  # one line in the cell, as the magic's errors are
                    raise SqlRefused(str(exc)) from None
            try:
                return super().execute(statement, parameters, context)
            finally:
                if changes:
                    metadata.store.changed()
                    clear_caches(metadata.store)

    class _AutocommitWrapper(ConnectionWrapper):
        def begin(self) -> None:  # each statement is its own transaction (see module doc)
            return None

        def cursor(self) -> CursorWrapper:
            return _GuardedCursor(cursor, self)

    cursor = connection.cursor()
    return sqlalchemy.create_engine(
        "duckdb:///:memory:", creator=lambda: _AutocommitWrapper(cursor), poolclass=StaticPool
    )
