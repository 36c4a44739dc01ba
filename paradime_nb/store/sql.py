"""The store's own SQL. Identifiers come from the schema (never from users); values are
always bound parameters."""

from __future__ import annotations

from collections.abc import Iterable

# Artifact timestamps are ISO 8601 with a zone ("...Z", "+00:00") or without one (taken
# as UTC); anything unparseable becomes NULL rather than failing the load.
MACROS = r"""
CREATE OR REPLACE MACRO paradime_utc(x) AS
    CASE WHEN regexp_matches(x, '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$')
         THEN TRY_CAST(x AS TIMESTAMPTZ) AT TIME ZONE 'UTC'
         ELSE TRY_CAST(x AS TIMESTAMP) END;
"""

TABLE_COLUMNS = """
SELECT table_name, column_name, data_type
FROM information_schema.columns
WHERE table_schema = 'main' AND table_catalog = current_database()
ORDER BY table_name, ordinal_position
"""

STORED_RUNS = "SELECT run_id, state FROM runs WHERE schedule_name = ? ORDER BY started_at DESC NULLS LAST, run_id DESC"

_RUN_KEYED = {"runs", "commands", "artifacts", "dbt_run_results", "dbt_source_freshness_results", "model_metadata",
              "node_edges", "test_metadata", "catalog_nodes", "catalog_columns"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def delete_run(table: str) -> str:
    if table not in _RUN_KEYED:
        raise ValueError(table)
    return f"DELETE FROM {_quote(table)} WHERE schedule_name = ? AND run_id = ?"


def insert_from_stage(table: str, staged: Iterable[str], text_timestamps: set[str]) -> str:
    """INSERT ... BY NAME from the Arrow stage; timestamps still staged as text are parsed here."""
    exprs = [f"paradime_utc({_quote(n)}) AS {_quote(n)}" if n in text_timestamps else _quote(n) for n in staged]
    return f"INSERT INTO {_quote(table)} BY NAME SELECT {', '.join(exprs)} FROM _paradime_stage"


def insert_row(table: str, names: list[str], *, upsert: bool = False) -> str:
    """One row with bound values (the runs and schedules rows: cheaper than an Arrow stage)."""
    verb = "INSERT OR REPLACE INTO" if upsert else "INSERT INTO"
    cols = ", ".join(_quote(n) for n in names)
    return f"{verb} {_quote(table)} ({cols}) VALUES ({', '.join('?' for _ in names)})"


def select_schedule(names: list[str]) -> str:
    return f"SELECT {', '.join(_quote(n) for n in names)} FROM schedules WHERE schedule_name = ?"
