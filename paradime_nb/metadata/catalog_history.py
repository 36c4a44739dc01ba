"""The warehouse side over history: relation sizes and schema drift between the catalogs
(`dbt docs generate`) the stored runs wrote."""

from __future__ import annotations

from itertools import groupby

from ..store import Store
from . import arguments
from .queries import rows
from .quality_results import RelationStat, RelationStats, ResultList, SchemaChange, SchemaChanges

RELATION_ADDED = "relation added"
RELATION_REMOVED = "relation removed"
COLUMN_ADDED = "column added"
COLUMN_REMOVED = "column removed"
TYPE_CHANGED = "type changed"
#: the kinds of schema change, in the order they are listed within a run
CHANGE_KINDS = (RELATION_ADDED, RELATION_REMOVED, COLUMN_ADDED, COLUMN_REMOVED, TYPE_CHANGED)


def _window(store: Store, schedule_name: str, days: float) -> tuple:
    days = arguments.days(days)
    (window,) = rows(store, "window_runs", schedule_name=schedule_name, days=days)
    return window["since"], window["until"]


def _catalog_runs(store: Store, schedule_name: str) -> list[dict]:
    return rows(store, "catalog_runs", schedule_name=schedule_name)


def _in_window(run: dict, since) -> bool:
    return since is None or (run["started_at"] is not None and run["started_at"] >= since)


def _none_note(days: float) -> str:
    return f"no catalog was written in the last {days:g} days (a catalog comes from `dbt docs generate`)"


def relation_stats(store: Store, schedule_name: str, days: float = 30) -> RelationStats:
    since, until = _window(store, schedule_name, days)
    runs = [r["run_id"] for r in _catalog_runs(store, schedule_name) if _in_window(r, since)]
    relations: list[RelationStat] = []
    if runs:
        found = rows(store, "relation_stats", schedule_name=schedule_name, run_ids=runs)
        for uid, group in groupby(found, key=lambda r: r["unique_id"]):
            relations.append(_stat(uid, list(group)))
    note = None
    if not runs:
        note = _none_note(days)
    elif all(r.row_count is None and r.bytes is None for r in relations):
        note = "the adapter reports no row counts or sizes in its catalog (dbt-duckdb and dbt-postgres do not)"
    relations.sort(key=lambda r: (-(r.bytes or 0), -(r.row_count or 0), r.unique_id))
    return RelationStats(schedule_name, float(days), since, until, runs, ResultList(relations, RelationStat), note)


def _stat(uid: str, history: list[dict]) -> RelationStat:
    first, last = history[0], history[-1]
    rows_now, rows_then = last["row_count"], first["row_count"]
    row_change = rows_now - rows_then if rows_now is not None and rows_then is not None else None
    pct = 100.0 * row_change / rows_then if row_change is not None and rows_then else None
    bytes_now, bytes_then = last["bytes"], first["bytes"]
    return RelationStat(
        unique_id=uid, name=last["name"], resource_type=last["resource_type"], relation=last["relation"] or None,
        catalogs=len(history), first_run_id=first["run_id"], last_run_id=last["run_id"],
        row_count=rows_now, row_count_first=rows_then, row_count_change=row_change, row_count_change_pct=pct,
        bytes=bytes_now, bytes_first=bytes_then,
        bytes_change=bytes_now - bytes_then if bytes_now is not None and bytes_then is not None else None,
        row_counts=[h["row_count"] for h in history], run_ids=[h["run_id"] for h in history],
    )


def schema_changes(store: Store, schedule_name: str, days: float = 30) -> SchemaChanges:
    """Each catalog of the window against the catalog before it (which may be older than
    the window: the first change inside it is still found)."""
    since, _until = _window(store, schedule_name, days)
    catalogs = _catalog_runs(store, schedule_name)
    pairs = [[cur["run_id"], prev["run_id"]] for prev, cur in zip(catalogs, catalogs[1:]) if _in_window(cur, since)]
    in_window = [c["run_id"] for c in catalogs if _in_window(c, since)]
    changes: list[SchemaChange] = []
    if pairs:
        started = {c["run_id"]: c["started_at"] for c in catalogs}
        found = rows(store, "schema_changes", schedule_name=schedule_name, pairs=pairs,
                     relation_added=RELATION_ADDED, relation_removed=RELATION_REMOVED, column_added=COLUMN_ADDED,
                     column_removed=COLUMN_REMOVED, type_changed=TYPE_CHANGED)
        order = {run: i for i, run in enumerate(started)}
        found.sort(key=lambda r: (order[r["run_id"]], CHANGE_KINDS.index(r["change"]), r["unique_id"],
                                  r["column_index"] if r["column_index"] is not None else -1, r["column_name"] or ""))
        for r in found:
            r.pop("column_index")
            changes.append(SchemaChange(**r, run_started_at=started[r["run_id"]]))
    note = None
    if not in_window:
        note = _none_note(days)
    elif not pairs:
        note = "one catalog only: nothing to compare it with"
    return SchemaChanges(schedule_name, float(days), in_window, ResultList(changes, SchemaChange), note)
