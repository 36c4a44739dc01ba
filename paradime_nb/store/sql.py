"""The store's own SQL. Identifiers come from the schema (never from users); values are
always bound parameters."""

from __future__ import annotations

from collections.abc import Iterable

# Artifact timestamps are ISO 8601 with a zone ("...Z", "+00:00") or without one (taken
# as UTC, like a date alone); anything else becomes NULL rather than failing the load: text
# that is not ISO 8601 (DuckDB would read 'epoch' and 'infinity') and moments outside years
# 1-9999 (which Python and pandas cannot hold). A zone needs a time before it, so the "-01"
# of a date alone is not read as an offset (it would be, in the session's time zone).
MACROS = r"""
CREATE OR REPLACE MACRO paradime_iso_utc(x) AS
    CASE WHEN NOT regexp_matches(x, '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ]|$)') THEN NULL
         WHEN regexp_matches(x, '[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]*)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$')
         -- DuckDB reads a zone only after seconds: "10:00Z" is "10:00:00Z"
         THEN TRY_CAST(regexp_replace(x, '([T ][0-9]{2}:[0-9]{2})([Z+-])', '\1:00\2') AS TIMESTAMPTZ) AT TIME ZONE 'UTC'
         ELSE TRY_CAST(x AS TIMESTAMP) END;
CREATE OR REPLACE MACRO paradime_utc(x) AS
    list_filter([paradime_iso_utc(x)], lambda t: t BETWEEN TIMESTAMP '0001-01-01' AND TIMESTAMP '9999-12-31 23:59:59.999999')[1];
"""

TABLE_COLUMNS = """
SELECT table_name, column_name, data_type
FROM information_schema.columns
WHERE table_schema = 'main' AND table_catalog = current_database()
ORDER BY table_name, ordinal_position
"""

STORED_RUNS = "SELECT run_id, state FROM runs WHERE schedule_name = ? ORDER BY started_at DESC NULLS LAST, run_id DESC"

_RUN_KEYED = {"runs", "commands", "artifacts", "node_results", "freshness_results", "manifest_nodes",
              "node_edges", "test_metadata", "catalog_nodes", "catalog_columns",
              "manifest_columns", "column_lineage_runs"}


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
