"""The DuckDB store: schema, one transaction per run, reads through fresh cursors.

In memory by default; a file path persists history across kernels. Writers serialise on
a lock; readers use their own cursor, so analyses called from other threads while a run
loads see the last committed state, never half a run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from ..errors import StoreError, StoreLockedError
from ..vocabulary import RUNNING_STATES, render_sql
from . import sql
from .loader import PreparedRun
from .migrate import migrate_schema, migrate_v1
from .versions import GROUPS, VERSION_TABLES, VERSIONED, delete_unreferenced

# v1 stored the SDK's names as tables; v2 stored them under our names and served the SDK's
# names as views; v3 stores manifest and catalog rows once per content (versions.py).
SCHEMA_VERSION = "3"
#: Tables holding rows of one run (keyed by schedule_name, run_id).
RUN_ROW_TABLES = ("commands", "artifacts", "node_results", "freshness_results")
#: Every relation keyed by (schedule_name, run_id): the run tables and the per-run views
#: over the content versions (tables until schema v2).
RUN_TABLES = (*RUN_ROW_TABLES, *VERSIONED)
#: Per-schedule tables the load keeps (each node's latest result): recomputed with the runs.
LATEST_TABLES = ("node_results_latest", "freshness_results_latest")
#: Every table a run's load writes to: its own rows, the content versions it may add, the
#: latest results.
STORED_TABLES = (*RUN_ROW_TABLES, "content_versions", *VERSION_TABLES, *LATEST_TABLES)
# Run-keyed rows the package derives after a load (not loaded data): they go with their run.
DERIVED_RUN_TABLES = ("column_lineage_runs",)
# A run stored in one of these states is replaced when loaded again: it was still going.
UNFINISHED_STATES = RUNNING_STATES


def _sql_file(name: str) -> str:
    return render_sql((resources.files("paradime_nb.store") / name).read_text(encoding="utf-8"))


class Store:
    """``attach`` (used by ``paradime_nb.dataset``) replaces the empty tables with other
    relations (views over Parquet) before the views are created: such a store is read-only."""

    def __init__(self, database: str | Path = ":memory:", *, read_only: bool = False,
                 attach: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
                 description: str | None = None) -> None:
        self.database = description or str(database)
        self._attached = attach is not None
        try:
            self._con = duckdb.connect(str(database), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"{self.database} is open in another process (DuckDB allows one writer); "
                    "close it there or use another file"
                ) from None
            raise StoreError(f"cannot open {self.database}: {exc}") from None
        except duckdb.Error as exc:
            raise StoreError(f"cannot open {self.database}: {exc}") from None
        self.read_only = read_only or self._attached
        self._write_lock = threading.RLock()
        #: serialises rebuilds of the answers cached beside this store (health, lineage)
        self.cache_lock = threading.Lock()
        #: Bumped after every committed change, so caches of derived answers know they are stale.
        self.generation = 0
        self._columns: dict[str, dict[str, str]] = {}
        if not read_only:
            self._init_schema(attach)
        else:
            self._check_version(read_only=True)
        self._load_columns()

    # --- set-up ---------------------------------------------------------------------

    def _init_schema(self, attach: Callable[[duckdb.DuckDBPyConnection], None] | None = None) -> None:
        con = self._con
        try:
            found = self._check_version(read_only=False)
            if found == "1":
                migrate_v1(con, self.database)
                found = "2"
            con.execute(_sql_file("schema.sql"))
            if found is None:
                con.execute("INSERT INTO store_info VALUES ('schema_version', ?)", [SCHEMA_VERSION])
            elif found != SCHEMA_VERSION:
                migrate_schema(con, found, SCHEMA_VERSION, self.database)
            if attach is not None:
                attach(con)
            con.execute(sql.MACROS)
            con.execute(_sql_file("versions.sql"))
            con.execute(_sql_file("views.sql"))
            con.execute(_sql_file("sdk_views.sql"))
        except duckdb.Error as exc:
            raise StoreError(f"cannot prepare the schema in {self.database}: {exc}") from None

    def _check_version(self, *, read_only: bool) -> str | None:
        """The file's schema version (None: a new store). A newer schema, or one this
        version cannot migrate, is refused before anything is read or written."""
        try:
            row = self._con.execute("SELECT value FROM store_info WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            if read_only:
                raise StoreError(f"{self.database} is not a paradime_nb store (no store_info table)") from None
            return None
        found = None if row is None else row[0]
        if found == SCHEMA_VERSION or (found is None and not read_only):
            return found
        if found not in ("1", "2"):
            raise StoreError(
                f"{self.database} was written by another paradime_nb schema (v{found or 'none'}, this is "
                f"v{SCHEMA_VERSION}); open it with the paradime_nb that wrote it, or load into a new file"
            )
        if read_only:
            raise StoreError(
                f"{self.database} has store schema v{found} (this is v{SCHEMA_VERSION}); open it once "
                "read-write (Store(path) or Paradime.from_source(None, database=path)) to migrate it in place"
            )
        return found

    def _load_columns(self) -> None:
        for table, column, dtype in self._con.execute(sql.TABLE_COLUMNS).fetchall():
            self._columns.setdefault(table, {})[column] = dtype

    # --- reading --------------------------------------------------------------------

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection itself (jupysql registers it for %%sql cells)."""
        return self._con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    def query(self, query: str, parameters: Sequence[Any] | Mapping[str, Any] | None = None):
        """Run ``query`` with bound parameters and return a pandas DataFrame."""
        cur = self.cursor()
        try:
            return cur.execute(query, parameters).df() if parameters is not None else cur.execute(query).df()
        finally:
            cur.close()

    def fetchall(self, query: str, parameters: Sequence[Any] | Mapping[str, Any] | None = None) -> list[tuple]:
        cur = self.cursor()
        try:
            return cur.execute(query, parameters if parameters is not None else []).fetchall()
        finally:
            cur.close()

    def stored_runs(self, schedule_name: str) -> dict[int, str | None]:
        """run id -> state of every stored run of a schedule."""
        return dict(self.fetchall(sql.STORED_RUNS, [schedule_name]))

    def stored_schedule(self, name: str) -> dict[str, Any] | None:
        """The stored schedule by slug or display name (no request), with ``has_runs``."""
        cur = self.cursor()
        try:
            cur.execute(_sql_file("stored_schedule.sql"), {"schedule": name})
            row = cur.fetchone()
            return dict(zip([d[0] for d in cur.description], row)) if row else None
        finally:
            cur.close()

    def schedules(self) -> list[str]:
        return [r[0] for r in self.fetchall("SELECT schedule_name FROM schedules ORDER BY schedule_name")]

    # --- writing --------------------------------------------------------------------

    def write_run(self, prepared: PreparedRun, *, replace: bool = False) -> bool:
        """Store one run in one transaction. False when it was already stored (and finished);
        ``replace=True`` swaps a stored run for this one in the same transaction. Manifest
        and catalog rows are written only when their content version is new; the latest
        results of the schedule are brought up to date in the same transaction."""
        if self.read_only and not self._attached:
            raise self.read_only_error(f"run {prepared.run_id} cannot be stored")
        key = [prepared.schedule_name, prepared.run_id]
        self._require_writable()
        with self._write_lock, self._one_thread(), self._transaction() as cur:
            row = cur.execute(sql.RUN_STATE_AND_VERSIONS, key).fetchone()
            old_versions: set[str] = set()
            replaced = row is not None
            if replaced:
                if not replace and (row[0] or "").upper() not in UNFINISHED_STATES:
                    return False
                old_versions = {v for v in row[1:] if v}
                for table in ("runs", *RUN_ROW_TABLES, *DERIVED_RUN_TABLES):
                    cur.execute(sql.delete_run(table), key)
            self._upsert_schedule(cur, prepared.schedule_row)
            run = prepared.run_row
            new_versions = self._register_versions(cur, prepared)
            cur.execute(sql.insert_row("runs", list(run)), list(run.values()))
            for table, columns in prepared.tables.items():
                if table not in VERSIONED:
                    self._insert(cur, table, columns, constants={"schedule_name": key[0], "run_id": key[1]})
                    continue
                group, physical = VERSIONED[table]
                if run.get(group.run_column) in new_versions:
                    self._insert(cur, physical, columns, constants={group.run_column: run[group.run_column]})
            delete_unreferenced(cur, old_versions - {run.get(g.run_column) for g in GROUPS})
            if replaced:
                _recompute_latest(cur, key[0])
            else:
                for statement, bound in sql.LATEST_AFTER_RUN:
                    cur.execute(statement, key[:bound])
        self.generation += 1
        return True

    def _register_versions(self, cur: duckdb.DuckDBPyConnection, prepared: PreparedRun) -> set[str]:
        """Record the run's content versions not yet stored; their ids (rows to insert)."""
        new: set[str] = set()
        run = prepared.run_row
        for group in GROUPS:
            vid = run.get(group.run_column)
            if vid is None or vid in new or cur.execute(sql.VERSION_EXISTS, [vid]).fetchone():
                continue
            rows = sum(prepared.row_count(logical) for logical, _ in group.tables)
            cur.execute(sql.INSERT_VERSION, [vid, group.kind, rows, prepared.schedule_name, prepared.run_id])
            new.add(vid)
        return new

    def _upsert_schedule(self, cur: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> None:
        """Written only when new or changed: most loads add runs of a known schedule."""
        names = list(row)
        stored = cur.execute(sql.select_schedule(names), [row["schedule_name"]]).fetchone()
        if stored is None or list(stored) != list(row.values()):
            cur.execute(sql.insert_row("schedules", names, upsert=True), list(row.values()))

    @contextmanager
    def _one_thread(self) -> Iterator[None]:
        """Run a write on one DuckDB thread, then restore the setting. DuckDB spreads every
        statement over its threads, and for the ~12 INSERTs of a run that costs more than it
        gains (measured: a jaffle run 49 -> 25 ms CPU, the 10k-model run 0.7 -> 0.3 s).
        The setting is global: an analysis running meanwhile in another thread gets one
        thread too, which is still correct."""
        cur = self._con.cursor()
        try:
            threads = cur.execute("SELECT current_setting('threads')").fetchone()[0]
            if threads == 1:
                yield
                return
            cur.execute("SET threads = 1")
            try:
                yield
            finally:
                cur.execute(f"SET threads = {int(threads)}")
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor in one transaction: committed when the block ends, rolled back (and a
        DuckDB error turned into ``StoreError``) when it raises. Every writer uses it."""
        with self._transaction() as cur:
            yield cur

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except BaseException as exc:
            try:
                cur.execute("ROLLBACK")
            except duckdb.Error:
                pass
            cur.close()
            if isinstance(exc, duckdb.Error):
                raise StoreError(f"writing to {self.database} failed, nothing was stored: {exc}") from None
            raise
        else:
            try:
                cur.execute("COMMIT")
            except duckdb.Error as exc:
                raise StoreError(f"committing to {self.database} failed, nothing was stored: {exc}") from None
            finally:
                cur.close()

    def _insert(self, cur: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list],
                constants: Mapping[str, Any] | None = None) -> None:
        """One INSERT from an Arrow stage. DuckDB costs milliseconds per statement whatever
        its size, so the stage holds everything (run key, timestamps already parsed where
        Arrow can) and is found by DuckDB's replacement scan: no register/unregister and no
        bound parameters (a prepared statement is planned twice)."""
        import pyarrow as pa  # noqa: PLC0415  (import cost: only when loading)

        known = self._columns[table]
        arrays = {name: _arrow_column(values, known[name]) for name, values in columns.items() if name in known}
        if constants:
            n = len(next(iter(arrays.values()))) if arrays else 0
            arrays = {
                **{name: pa.repeat(pa.scalar(value, pa.int64() if name == "run_id" else pa.string()), n)
                   for name, value in constants.items()},
                **arrays,
            }
        text = {name for name, a in arrays.items() if known.get(name) == "TIMESTAMP" and pa.types.is_string(a.type)}
        statement = sql.insert_from_stage(table, list(arrays), text)
        _paradime_stage = pa.table(arrays)  # noqa: F841  (read by name: DuckDB's replacement scan)
        try:
            cur.execute(statement)
        except duckdb.CatalogException as exc:
            if "_paradime_stage" not in str(exc):
                raise
            # replacement scans turned off on this connection (python_enable_replacements)
            cur.register("_paradime_stage", _paradime_stage)
            try:
                cur.execute(statement)
            finally:
                cur.unregister("_paradime_stage")

    def read_only_error(self, what: str) -> StoreError:
        return StoreError(f"{self.database} is open read-only (read_only=True, --read-only): {what}; "
                          "open it without read_only to load runs")

    def write_derived(self, statements: Sequence[tuple[str, Sequence[Any]]],
                      tables: Mapping[str, dict[str, list]]) -> None:
        """Store rows the package derived from stored ones (column lineage): ``statements``
        (deletes of what they replace), then ``tables``, in one transaction; caches follow
        the generation like after a load."""
        if self.read_only:
            if self._attached:
                raise StoreError(f"{self.database} is read-only: derived rows (column lineage) are synced from "
                                 "the store that wrote it; derive them there (load with column_lineage=True)")
            raise StoreError(f"{self.database} is open read-only: derived rows (column lineage) cannot be stored; "
                             "open it writable once, or load with column_lineage=True")
        with self._write_lock, self._one_thread(), self._transaction() as cur:
            for statement, parameters in statements:
                cur.execute(statement, list(parameters))
            for table, columns in tables.items():
                if columns and len(next(iter(columns.values()))):
                    self._insert(cur, table, columns)
        self.generation += 1

    def delete_runs(self, schedule_name: str, run_ids: Sequence[int] | None = None) -> int:
        """Forget stored runs (all of a schedule's when ``run_ids`` is None)."""
        self._require_writable()
        with self._write_lock, self._transaction() as cur:
            ids = [r[0] for r in cur.execute(sql.STORED_RUNS, [schedule_name]).fetchall()]
            chosen = ids if run_ids is None else [i for i in ids if i in set(run_ids)]
            versions: set[str] = set()
            for run_id in chosen:
                row = cur.execute(sql.RUN_STATE_AND_VERSIONS, [schedule_name, run_id]).fetchone()
                versions.update(v for v in row[1:] if v)
                for table in ("runs", *RUN_ROW_TABLES, *DERIVED_RUN_TABLES):
                    cur.execute(sql.delete_run(table), [schedule_name, run_id])
            delete_unreferenced(cur, versions)
            if chosen:
                _recompute_latest(cur, schedule_name)
            if run_ids is None:
                cur.execute("DELETE FROM schedules WHERE schedule_name = ?", [schedule_name])
        self.generation += 1
        return len(chosen)

    def _require_writable(self) -> None:
        if self._attached:
            raise StoreError(f"{self.database} is read-only: load runs into a store, then sync them "
                             "into the dataset (paradime-nb sync ... --dataset DIR)")

    def changed(self) -> None:
        """Something outside the loader wrote (user SQL with writes allowed): answers cached
        from the previous state are stale, and the latest results are recomputed from the
        history (they are kept by the loader, which did not see these writes)."""
        if not self.read_only:
            with self._write_lock, self._transaction() as cur:
                for (schedule,) in cur.execute(sql.SCHEDULES_WITH_RESULTS).fetchall():
                    _recompute_latest(cur, schedule)
        self.generation += 1

    def close(self) -> None:
        self._con.close()


def _recompute_latest(cur: duckdb.DuckDBPyConnection, schedule_name: str) -> None:
    """A schedule's latest results from its whole history (after runs left or changed)."""
    for statement in sql.LATEST_OF_SCHEDULE:
        cur.execute(statement, [schedule_name])


def _arrow_column(values: list, duck_type: str | None):
    import pyarrow as pa  # noqa: PLC0415

    if duck_type == "VARCHAR[]":
        return pa.array(values, type=pa.list_(pa.string()))
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        # mixed types in one column: keep the values as text rather than failing the run
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())
    if duck_type == "TIMESTAMP" and pa.types.is_string(array.type):
        return _utc_timestamps(array)
    return array


# What ``paradime_utc`` reads as ISO 8601 with a zone, or without one; anything else stays
# text for the macro, so both paths give the same value for every input.
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ISO_TIME = r"[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?"
_ZONED = _ISO_DATE + r"[T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,6})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$"  # DuckDB: seconds
_NAIVE = _ISO_DATE + "(" + _ISO_TIME + ")?$"


def _utc_timestamps(array):
    """ISO 8601 text -> naive UTC timestamps, in Arrow (no per-statement SQL macro) when
    every value has a zone, or none has, and all land in years 1-9999. Anything else stays
    text for ``paradime_utc`` in SQL, which turns bad values into NULL."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    values = array.drop_null()
    for pattern, parsed_as in ((_ZONED, pa.timestamp("us", tz="UTC")), (_NAIVE, pa.timestamp("us"))):
        if not pc.all(pc.match_substring_regex(values, pattern)).as_py():
            continue
        try:
            out = array.cast(parsed_as).cast(pa.timestamp("us"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return array
        low, high = pc.min_max(out).values()
        if low.is_valid and (low.value < _YEAR_1 or high.value > _YEAR_9999_END):
            return array
        return out
    return array


_YEAR_1 = -62135596800 * 10**6  # 0001-01-01 in microseconds since the epoch
_YEAR_9999_END = 253402300799999999  # 9999-12-31 23:59:59.999999
