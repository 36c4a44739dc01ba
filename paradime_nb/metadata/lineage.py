"""Lineage at any depth: one recursive query per direction over a cached integer graph.

The latest manifest's graph (tests left out: they are leaves) is cached as adjacency
lists in an attached in-memory database, ``paradime_cache``, keyed by the manifest's run
and load time, so it is rebuilt when a newer manifest is loaded and never written into
the user's store file (read-only stores work too). The walk itself is
``sql/lineage_walk.sql``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import InvalidArgumentError
from ..store import Store
from . import arguments
from .health_cache import ensure_health
from .queries import rows, sql
from .resolve import NodeRef, resolve_node
from .results import LineageNode, LineageResult

def ensure_graph(store: Store, schedule_name: str) -> bool:
    """Build the schedule's cached graph if it is missing or stale; False when the schedule
    has no manifest at all."""
    with store.cache_lock:
        cur = store.cursor()
        try:
            cur.execute(sql("lineage_cache"))
            state = cur.execute(sql("lineage_graph_state"), {"schedule_name": schedule_name}).fetchone()
        finally:
            cur.close()
        if state is None:
            return False
        run_id, loaded_at, cached = state
        if not cached:
            with store.transaction() as tx:  # rolled back if the build fails
                tx.execute(sql("lineage_graph_drop"), {"schedule_name": schedule_name})
                tx.execute(sql("lineage_graph_build"),
                           {"schedule_name": schedule_name, "run_id": run_id, "loaded_at": loaded_at})
    return True


def check_depth(depth: object, name: str = "depth") -> None:
    arguments.depth(depth, name)


def walk(store: Store, schedule_name: str, start: Iterable[str], direction: str,
         depth: int | None = None) -> dict[str, int]:
    """unique id -> level of every node within ``depth`` of ``start`` (level 0), tests excluded."""
    if direction not in ("up", "down"):
        raise InvalidArgumentError(f"direction must be 'up' or 'down', not {direction!r}")
    check_depth(depth)
    ids = sorted(set(start))
    if not ids or not ensure_graph(store, schedule_name):
        return {}
    cur = store.cursor()
    try:
        cur.execute(sql("lineage_walk"),
                    {"schedule_name": schedule_name, "start": ids, "direction": direction, "depth": depth})
        row = cur.fetchone()
        return dict(zip(row[0] or [], row[1] or [])) if row else {}
    finally:
        cur.close()


def describe(store: Store, schedule_name: str, levels: dict[str, int], *, root: list[str], direction: str,
             depth: int | None, exclude: Iterable[str] = (), test_depth: int | None = None,
             test_ids: Iterable[str] = ()) -> LineageResult:
    """Walked nodes with name, type, status and health; the tests touching them (and
    ``test_ids``) kept apart."""
    skip = set(exclude)
    ids = [k for k in levels if k not in skip]
    params = {"schedule_name": schedule_name, "ids": ids, "levels": [levels[k] for k in ids]}
    if ids:
        ensure_health(store, schedule_name)
    nodes = [LineageNode(**r) for r in rows(store, "lineage_nodes", **params)] if ids else []
    all_ids = list(levels)
    tests = [LineageNode(**r) for r in rows(store, "lineage_tests", schedule_name=schedule_name, ids=all_ids,
                                            levels=[levels[k] for k in all_ids], max_level=test_depth,
                                            test_ids=sorted(set(test_ids)))]
    return LineageResult(nodes, root=root, direction=direction, depth=depth, tests=tests)


def upstream(store: Store, schedule_name: str, model_name: str, depth: int | None) -> LineageResult:
    node = resolve_node(store, schedule_name, model_name)
    levels = walk(store, schedule_name, [node.unique_id], "up", depth)
    return describe(store, schedule_name, levels, root=[node.unique_id], direction="upstream", depth=depth,
                    exclude=[node.unique_id])


def downstream(store: Store, schedule_name: str, model_name: str, depth: int | None) -> LineageResult:
    node: NodeRef = resolve_node(store, schedule_name, model_name)
    levels = walk(store, schedule_name, [node.unique_id], "down", depth)
    return describe(store, schedule_name, levels, root=[node.unique_id], direction="downstream", depth=depth,
                    exclude=[node.unique_id], test_depth=depth)
