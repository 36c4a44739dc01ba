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

RUN_STATE_AND_VERSIONS = """
SELECT state, manifest_id, catalog_id, catalog_columns_id FROM runs WHERE schedule_name = ? AND run_id = ?"""
VERSION_EXISTS = "SELECT 1 FROM content_versions WHERE version_id = ?"
INSERT_VERSION = "INSERT INTO content_versions VALUES (?, ?, ?, ?, ?)"

# "Latest" per schedule: by the run's start (NULL first), run id, then within the run the
# last command and result (views.sql said the same when it ranked the whole history).
RESULT_ORDER = "run_started_at DESC NULLS LAST, run_id DESC, command_index DESC, result_index DESC"
FRESHNESS_ORDER = "run_started_at DESC NULLS LAST, run_id DESC, command_index DESC"
RESULTS_WITH_RUN = """
SELECT r.*, ru.started_at AS run_started_at, ru.state AS run_state
FROM node_results r JOIN runs ru USING (schedule_name, run_id)"""
FRESHNESS_WITH_RUN = """
SELECT f.*, ru.started_at AS run_started_at
FROM freshness_results f JOIN runs ru USING (schedule_name, run_id)"""

#: After a new run of a schedule: its rows against the current latest ones of the same
#: nodes, the newer of each pair stays. (statement, how many of [schedule_name, run_id] it binds)
LATEST_AFTER_RUN: tuple[tuple[str, int], ...] = tuple(
    step
    for table, rows, order, alias in (
        ("node_results_latest", RESULTS_WITH_RUN, RESULT_ORDER, "r"),
        ("freshness_results_latest", FRESHNESS_WITH_RUN, FRESHNESS_ORDER, "f"),
    )
    for step in (
        (f"""CREATE OR REPLACE TEMP TABLE _paradime_latest AS
SELECT * FROM (
    SELECT * FROM {table} WHERE schedule_name = $1 AND unique_id IN (
        SELECT unique_id FROM {table.removesuffix('_latest')} WHERE schedule_name = $1 AND run_id = $2)
    UNION ALL BY NAME
    {rows} WHERE {alias}.schedule_name = $1 AND {alias}.run_id = $2
) QUALIFY row_number() OVER (PARTITION BY unique_id ORDER BY {order}) = 1""", 2),
        (f"DELETE FROM {table} WHERE schedule_name = $1 AND unique_id IN (SELECT unique_id FROM _paradime_latest)", 1),
        (f"INSERT INTO {table} BY NAME SELECT * FROM _paradime_latest", 0),
        ("DROP TABLE _paradime_latest", 0),
    )
)

SCHEDULES_WITH_RESULTS = """
SELECT schedule_name FROM runs UNION SELECT schedule_name FROM node_results_latest
UNION SELECT schedule_name FROM freshness_results_latest"""

#: A schedule's latest rows from its whole history (parameter: schedule_name).
LATEST_OF_SCHEDULE = (
    "DELETE FROM node_results_latest WHERE schedule_name = $1",
    f"""INSERT INTO node_results_latest BY NAME
SELECT * FROM ({RESULTS_WITH_RUN} WHERE r.schedule_name = $1)
QUALIFY row_number() OVER (PARTITION BY unique_id ORDER BY {RESULT_ORDER}) = 1""",
    "DELETE FROM freshness_results_latest WHERE schedule_name = $1",
    f"""INSERT INTO freshness_results_latest BY NAME
SELECT * FROM ({FRESHNESS_WITH_RUN} WHERE f.schedule_name = $1)
QUALIFY row_number() OVER (PARTITION BY unique_id ORDER BY {FRESHNESS_ORDER}) = 1""",
)

STORED_RUNS = "SELECT run_id, state FROM runs WHERE schedule_name = ? ORDER BY started_at DESC NULLS LAST, run_id DESC"

_RUN_KEYED = {"runs", "commands", "artifacts", "node_results", "freshness_results", "column_lineage_runs"}


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
