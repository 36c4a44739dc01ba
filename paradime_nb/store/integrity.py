"""Is every stored run whole? ``check_integrity(store)`` lists what is not.

A run is stored in one transaction, so after any crash each run should be either complete
or absent. The store records what a complete run holds (``runs.node_count``,
``commands.result_count`` and ``freshness_count``), so completeness can be checked from the
store alone: after a crash, before trusting a store file a colleague sent, or in a test.
"""

from __future__ import annotations

import duckdb

from .store import DERIVED_RUN_TABLES, RUN_TABLES, Store
from .versions import GROUPS

# (what is wrong, query returning (schedule_name, run_id, detail) rows)
_CHECKS: tuple[tuple[str, str], ...] = (
    ("rows without their run", """
        SELECT t.schedule_name, t.run_id, count(*)::VARCHAR || ' rows' FROM {table} t
        ANTI JOIN runs r USING (schedule_name, run_id) GROUP BY ALL"""),
    ("run without its schedule", """
        SELECT r.schedule_name, r.run_id, '' FROM runs r ANTI JOIN schedules s USING (schedule_name)"""),
    ("node count differs from the stored manifest nodes", """
        SELECT r.schedule_name, r.run_id, coalesce(r.node_count, 0)::VARCHAR || ' expected, '
               || count(m.unique_id)::VARCHAR || ' stored'
        FROM runs r LEFT JOIN manifest_nodes m USING (schedule_name, run_id)
        GROUP BY r.schedule_name, r.run_id, r.node_count
        HAVING count(m.unique_id) <> coalesce(r.node_count, 0)"""),
    ("test metadata differs from the stored test nodes", """
        WITH t AS (SELECT schedule_name, run_id, count(*) AS n FROM test_metadata GROUP BY ALL),
             m AS (SELECT schedule_name, run_id, count(*) AS n FROM manifest_nodes
                   WHERE resource_type IN ('test', 'unit_test') GROUP BY ALL)
        SELECT schedule_name, run_id, coalesce(m.n, 0)::VARCHAR || ' test nodes, '
               || coalesce(t.n, 0)::VARCHAR || ' test rows'
        FROM t FULL JOIN m USING (schedule_name, run_id) WHERE coalesce(t.n, 0) <> coalesce(m.n, 0)"""),
    ("result count differs from the command's", """
        WITH stored AS (SELECT schedule_name, run_id, command_index, count(*) AS n
                        FROM node_results GROUP BY ALL)
        SELECT schedule_name, run_id, 'command ' || command_index::VARCHAR || ': '
               || coalesce(c.result_count, 0)::VARCHAR || ' expected, ' || coalesce(s.n, 0)::VARCHAR || ' stored'
        FROM commands c FULL JOIN stored s USING (schedule_name, run_id, command_index)
        WHERE coalesce(c.result_count, 0) <> coalesce(s.n, 0)"""),
    ("freshness count differs from the command's", """
        WITH stored AS (SELECT schedule_name, run_id, command_index, count(*) AS n
                        FROM freshness_results GROUP BY ALL)
        SELECT schedule_name, run_id, 'command ' || command_index::VARCHAR || ': '
               || coalesce(c.freshness_count, 0)::VARCHAR || ' expected, ' || coalesce(s.n, 0)::VARCHAR || ' stored'
        FROM commands c FULL JOIN stored s USING (schedule_name, run_id, command_index)
        WHERE coalesce(c.freshness_count, 0) <> coalesce(s.n, 0)"""),
    ("artifact of a command that is not stored", """
        SELECT a.schedule_name, a.run_id, 'command ' || a.command_index::VARCHAR || ' ' || coalesce(a.path, '')
        FROM artifacts a ANTI JOIN commands c USING (schedule_name, run_id, command_index)"""),
    ("manifest command missing", """
        SELECT r.schedule_name, r.run_id, 'command ' || r.manifest_command_index::VARCHAR
        FROM runs r WHERE r.manifest_command_index IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM commands c WHERE c.schedule_name = r.schedule_name AND c.run_id = r.run_id
              AND c.command_index = r.manifest_command_index)"""),
    *(("run points at a missing " + g.kind + " version", f"""
        SELECT r.schedule_name, r.run_id, r.{g.run_column} FROM runs r
        WHERE r.{g.run_column} IS NOT NULL AND r.{g.run_column} NOT IN (SELECT version_id FROM content_versions)""")
      for g in GROUPS),
    ("command stored twice", """
        SELECT schedule_name, run_id, 'command ' || command_index::VARCHAR || ' x' || count(*)::VARCHAR
        FROM commands GROUP BY schedule_name, run_id, command_index HAVING count(*) > 1"""),
)


def check_integrity(store: Store) -> list[str]:
    """Problems found in the store, one readable line each; an empty list means every
    stored run is whole and every table reads to the end."""
    problems: list[str] = []
    for table in ("schedules", "runs", *RUN_TABLES, *DERIVED_RUN_TABLES, "content_versions"):
        try:
            store.fetchall(f'SELECT count(*) FROM "{table}"')  # noqa: S608  (names from the schema)
        except duckdb.Error as exc:
            problems.append(f"table {table} cannot be read: {exc}")
    if problems:
        return problems
    for what, query in _CHECKS:
        tables = (*RUN_TABLES, *DERIVED_RUN_TABLES) if "{table}" in query else ("",)
        for table in tables:
            for schedule, run_id, detail in store.fetchall(query.format(table=table)):
                where = f" in {table}" if table else ""
                problems.append(f"{schedule} run {run_id}: {what}{where}" + (f" ({detail})" if detail else ""))
    for group in GROUPS:
        for _, physical in group.tables:
            for (vid,) in store.fetchall(_ORPHANS.format(table=physical, column=group.run_column)):
                problems.append(f"{group.kind} version {vid}: rows in {physical} but no version record")
    return problems


_ORPHANS = "SELECT DISTINCT {column} FROM {table} WHERE {column} NOT IN (SELECT version_id FROM content_versions)"
