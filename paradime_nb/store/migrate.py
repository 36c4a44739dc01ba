"""Store files of older schema versions, brought up to date in place on open.

A migration runs in one transaction: it completes, or the file stays as it was (and is
refused with what went wrong), never half-migrated and never read with the wrong schema.
"""

from __future__ import annotations

from importlib import resources

import duckdb

from ..errors import StoreError

# from version -> the SQL file taking it to the next one (after schema.sql created new tables)
_STEPS = {"2": ("3", "migrate_v2.sql")}
# v1 stored the SDK's names as tables; v2 stores them under these names and serves the SDK's
# names as views with its columns.
_V1_RENAMES = {"dbt_run_results": "node_results", "dbt_source_freshness_results": "freshness_results",
               "model_metadata": "manifest_nodes"}
_V2_NODE_COLUMNS = {"raw_code": "VARCHAR", "compiled_code": "VARCHAR"}


def migrate_v1(con: duckdb.DuckDBPyConnection, where: str) -> None:
    """v1 -> v2, before schema.sql runs: views dropped (recreated after), tables renamed,
    the v2 node columns added, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        views = con.execute("SELECT view_name FROM duckdb_views() WHERE database_name = current_database() "
                            "AND schema_name = 'main' AND NOT internal").fetchall()
        for (view,) in views:
            con.execute(f'DROP VIEW IF EXISTS "{view}"')
        for old, new in _V1_RENAMES.items():
            con.execute(f"ALTER TABLE {old} RENAME TO {new}")
        for column, dtype in _V2_NODE_COLUMNS.items():
            con.execute(f'ALTER TABLE manifest_nodes ADD COLUMN "{column}" {dtype}')
        con.execute("UPDATE store_info SET value = '2' WHERE key = 'schema_version'")
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise StoreError(f"{where}: migrating the store from schema v1 to v2 failed, the file is unchanged: {exc}") from None


def migrate_schema(con: duckdb.DuckDBPyConnection, found: str, target: str, where: str) -> None:
    version = found
    while version != target:
        if version not in _STEPS:
            raise StoreError(f"{where} has store schema v{found}; this paradime_nb (v{target}) cannot migrate it")
        nxt, name = _STEPS[version]
        script = (resources.files("paradime_nb.store") / name).read_text(encoding="utf-8")
        con.execute("BEGIN TRANSACTION")
        try:
            if version == "2":
                _v2_tables(con)
            con.execute(script)
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise StoreError(
                f"{where}: migrating the store from schema v{version} to v{nxt} failed, the file is unchanged: {exc}"
            ) from None
        version = nxt


def _v2_tables(con: duckdb.DuckDBPyConnection) -> None:
    """A v2 file written before the manifest's declared columns were kept has no
    manifest_columns table: an empty one, so the migration reads every v2 file alike."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'"
    ).fetchall()}
    if "manifest_columns" not in tables:
        con.execute("CREATE TABLE manifest_columns (schedule_name VARCHAR, run_id BIGINT, unique_id VARCHAR, "
                    "column_name VARCHAR, column_index INTEGER, description VARCHAR, data_type VARCHAR)")
