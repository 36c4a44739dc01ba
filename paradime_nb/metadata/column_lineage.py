"""Column lineage questions over the stored edges (derived from compiled SQL by
``paradime_nb.columns``; stored per distinct manifest by ``store.column_lineage``).

The first question about a manifest derives its edges (once); later ones read them. The
walk runs in Python over adjacency lists built from the stored edges, kept per store,
derivation key and store generation, so any write the package makes drops them.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import ColumnNotFoundError, NotLoadedError
from ..store import Store
from ..store.column_lineage import FILTER, PARTIAL, UNPARSED, ensure_column_lineage
from .health_cache import ensure_health
from .queries import rows, sql
from .resolve import resolve_node
from .column_results import (
    ColumnEdgeRecord,
    ColumnImpact,
    ColumnLineageNode,
    ColumnLineageResult,
    ColumnLineageStatus,
    StoppedNode,
)
from .results import LineageNode, LineageSummary, ResultList

DIRECTIONS = ("up", "down")
_EXPOSURE = "exposure"
_INCOMPLETE = (PARTIAL, UNPARSED)
_lock = threading.Lock()
_graphs: weakref.WeakKeyDictionary[Store, dict[str, _Graph]] = weakref.WeakKeyDictionary()


@dataclass
class _Graph:
    key: str
    generation: int
    up: dict[tuple[str, str], list[tuple[str, str, str]]] = field(default_factory=dict)
    down: dict[tuple[str, str], list[tuple[str, str | None, str]]] = field(default_factory=dict)
    filters: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # node -> its filter / key columns
    status: dict[str, tuple[str, str | None, list[str]]] = field(default_factory=dict)
    nodes: dict[str, tuple[str | None, str | None, list[str]]] = field(default_factory=dict)  # name, type, children
    columns: dict[str, set[str]] = field(default_factory=dict)
    health: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # status, health_status


def lineage_key(store: Store, schedule_name: str) -> str:
    """The derivation key of the schedule's latest manifest (derived now if it is new)."""
    found = rows(store, "column_lineage_run", schedule_name=schedule_name)
    if not found:
        raise NotLoadedError(f"schedule {schedule_name!r} has no stored manifest to read columns from")
    return ensure_column_lineage(store, schedule_name, found[0]["run_id"])


def lineage_status(store: Store, schedule_name: str) -> ResultList[ColumnLineageStatus]:
    key = lineage_key(store, schedule_name)
    found = rows(store, "column_lineage_status", schedule_name=schedule_name, lineage_key=key)
    return ResultList([ColumnLineageStatus(**r) for r in found], ColumnLineageStatus)


def column_lineage(store: Store, schedule_name: str, node_column: str | Sequence[str], direction: str = "up",
                   depth: int | None = None) -> ColumnLineageResult:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    if depth is not None and depth < 0:
        raise ValueError(f"depth must be None or >= 0, not {depth}")
    graph = _graph(store, schedule_name)
    start = _start(store, schedule_name, graph, node_column)
    reached = _walk(graph, start, direction, depth)
    return _describe(store, schedule_name, graph, start, reached, direction, depth)


def column_impact(store: Store, schedule_name: str, node_column: str | Sequence[str],
                  depth: int | None = None) -> ColumnImpact:
    result = column_lineage(store, schedule_name, node_column, "down", depth)
    models = [uid for uid in result.nodes if uid != result.root_id and _type_of(result, uid) != _EXPOSURE]
    summary = result.summary
    reached = [LineageNode(c.unique_id, c.name, c.resource_type, c.level, c.status, c.health_status)
               for c in result if c.unique_id in set(models) and c.column is not None]
    by_health = LineageSummary.of(list({n.unique_id: n for n in reached}.values()), []).by_health
    return ColumnImpact(
        column=".".join(result.root), columns=sum(1 for c in result if c.column and c.level > 0),
        models=models, by_health=by_health, exposures=summary.exposures,
        exposures_at_risk=summary.exposures_at_risk, stopped=list(result.stopped), lineage=result,
    )


def _type_of(result: ColumnLineageResult, unique_id: str) -> str | None:
    return next((c.resource_type for c in result if c.unique_id == unique_id), None)


# --- the graph ------------------------------------------------------------------------


def _graph(store: Store, schedule_name: str) -> _Graph:
    """The schedule's walk graph, node health included; rebuilt after any write."""
    generation = store.generation
    with _lock:
        cached = _graphs.get(store, {}).get(schedule_name)
        if cached is not None and cached.generation == generation:
            return cached
    key = lineage_key(store, schedule_name)  # may derive and store: the generation moves
    generation = store.generation
    graph = _Graph(key, generation)
    ensure_health(store, schedule_name)
    cur = store.cursor()
    try:
        for source_id, source_column, target_id, target_column, kind in cur.execute(
                sql("column_lineage_edges"), {"lineage_key": key}).fetchall():
            if target_column is None:
                graph.filters.setdefault(target_id, []).append((source_id, source_column))
                graph.down.setdefault((source_id, source_column), []).append((target_id, None, kind))
            else:
                graph.up.setdefault((target_id, target_column), []).append((source_id, source_column, kind))
                graph.down.setdefault((source_id, source_column), []).append((target_id, target_column, kind))
                graph.columns.setdefault(target_id, set()).add(target_column)
            graph.columns.setdefault(source_id, set()).add(source_column)
        for uid, _name, _type, _mat, status, reason, _dialect, columns in cur.execute(
                sql("column_lineage_status"), {"schedule_name": schedule_name, "lineage_key": key}).fetchall():
            graph.status[uid] = (status, reason, list(columns or []))
            graph.columns.setdefault(uid, set()).update(columns or [])
        for uid, name, rtype, children, columns in cur.execute(
                sql("column_lineage_graph"), {"schedule_name": schedule_name}).fetchall():
            graph.nodes[uid] = (name, rtype, list(children or []))
            graph.columns.setdefault(uid, set()).update(columns or [])  # catalog or YAML
        for uid, status, health in cur.execute(sql("column_lineage_health"), {"schedule_name": schedule_name}).fetchall():
            graph.health[uid] = (status, health)
    finally:
        cur.close()
    with _lock:
        _graphs.setdefault(store, {})[schedule_name] = graph
    return graph


def _start(store: Store, schedule_name: str, graph: _Graph, node_column: str | Sequence[str]) -> tuple[str, str]:
    if isinstance(node_column, str):
        node_name, sep, column = node_column.strip().rpartition(".")
        if not sep or not node_name or not column:
            raise ColumnNotFoundError(node_column, schedule_name, "write it as node.column (e.g. stg_payments.amount)")
    else:
        parts = list(node_column)
        if len(parts) != 2 or not all(isinstance(p, str) for p in parts):
            raise ColumnNotFoundError(str(node_column), schedule_name, "pass (node, column)")
        node_name, column = parts
    node = resolve_node(store, schedule_name, node_name)
    wanted = column.strip().lower()
    known = graph.columns.get(node.unique_id, set())
    status = graph.status.get(node.unique_id)
    if wanted not in known and not (status and status[0] == UNPARSED):
        import difflib  # noqa: PLC0415

        close = difflib.get_close_matches(wanted, sorted(known), n=5)
        hint = f"known columns: {', '.join(sorted(known)[:20])}" if known else "no columns are known for it"
        if close:
            hint = f"did you mean: {', '.join(close)}?"
        raise ColumnNotFoundError(f"{node.name}.{column}", schedule_name, hint)
    return node.unique_id, wanted


def _walk(graph: _Graph, start: tuple[str, str], direction: str,
          depth: int | None) -> dict[tuple[str, str | None], tuple[int, str | None, tuple | None]]:
    """(node, column) -> (level, kind, via) by breadth first; filter / key columns (and
    rows reached through them) are recorded one hop away and not followed."""
    reached: dict[tuple[str, str | None], tuple[int, str | None, tuple | None]] = {start: (0, None, None)}
    queue = deque([start])
    seen_filters: set[str] = set()
    while queue:
        item = queue.popleft()
        level = reached[item][0]
        if depth is not None and level >= depth:
            continue
        nxt: list[tuple[tuple[str, str | None], str]] = []
        if direction == "up":
            nxt = [((s, c), kind) for s, c, kind in graph.up.get(item, ())]
            if item[0] not in seen_filters:
                seen_filters.add(item[0])
                nxt += [((s, c), FILTER) for s, c in graph.filters.get(item[0], ())]
        else:
            nxt = [((t, c), kind) for t, c, kind in graph.down.get(item, ())]
        for target, kind in nxt:
            if target in reached:
                continue
            reached[target] = (level + 1, kind, item)
            if kind != FILTER:
                queue.append(target)
    return reached


def _describe(store: Store, schedule_name: str, graph: _Graph, start: tuple[str, str], reached: dict,
              direction: str, depth: int | None) -> ColumnLineageResult:
    ids = {uid for uid, _c in reached}
    exposures: dict[str, list[str]] = {}
    extra: dict[str, tuple[int, tuple]] = {}
    if direction == "down":
        for (uid, column), (level, _k, _v) in reached.items():
            for child in graph.nodes.get(uid, (None, None, []))[2]:
                if graph.nodes.get(child, (None, None))[1] == _EXPOSURE:
                    if child not in exposures.setdefault(uid, []):
                        exposures[uid].append(child)
                    beyond = depth is not None and level + 1 > depth
                    if not beyond and (child not in extra or extra[child][0] > level + 1):
                        extra[child] = (level + 1, (uid, column))
    health = graph.health
    out: list[ColumnLineageNode] = []
    for (uid, column), (level, kind, via) in reached.items():
        out.append(_record(graph, health, uid, column, level, kind, via,
                           [graph.nodes.get(e, (e,))[0] or e for e in exposures.get(uid, [])]))
    for uid, (level, via) in extra.items():
        out.append(_record(graph, health, uid, None, level, None, via, []))
    out.sort(key=lambda c: (c.level, c.resource_type or "", c.name or "", c.column or ""))
    edges = _edges_among(graph, reached, ids, direction)
    return ColumnLineageResult(out, root=(graph.nodes.get(start[0], (start[0],))[0] or start[0], start[1]),
                               root_id=start[0],
                               direction="upstream" if direction == "up" else "downstream", depth=depth,
                               edges=edges, stopped=_stopped(graph, ids, direction))


def _edges_among(graph: _Graph, reached: dict, ids: set[str], direction: str) -> list[ColumnEdgeRecord]:
    """Every stored edge between reached columns (what a graph draws); a filter edge ends
    at its node's rows: reached as such downstream, the node reached at all upstream."""
    out = []
    for source in reached:
        if source[1] is None:
            continue
        for target_id, target_column, kind in graph.down.get(source, ()):
            if target_column is None:
                ok = (target_id, None) in reached if direction == "down" else target_id in ids
            else:
                ok = (target_id, target_column) in reached
            if ok:
                out.append(ColumnEdgeRecord(source[0], source[1], target_id, target_column, kind))
    return out


def _record(graph: _Graph, health: dict, uid: str, column: str | None, level: int, kind: str | None,
            via: tuple | None, exposures: list[str]) -> ColumnLineageNode:
    name, rtype, _children = graph.nodes.get(uid, (None, None, []))
    status, health_status = health.get(uid, (None, None))
    via_label = None
    if via is not None:
        via_label = f"{graph.nodes.get(via[0], (via[0],))[0] or via[0]}.{via[1]}" if via[1] else via[0]
    lineage = graph.status.get(uid)
    return ColumnLineageNode(uid, name, rtype, column, level, kind, via_label, status, health_status,
                             lineage[0] if lineage else None, exposures)


def _stopped(graph: _Graph, ids: set[str], direction: str) -> list[StoppedNode]:
    """Upstream: reached nodes whose own SQL was not fully read. Downstream: children of
    reached nodes whose SQL was not fully read (the walk cannot see through them)."""
    candidates = set(ids)
    if direction == "down":
        candidates = {c for uid in ids for c in graph.nodes.get(uid, (None, None, []))[2]} | ids
    out = []
    for uid in sorted(candidates):
        status = graph.status.get(uid)
        if status and status[0] in _INCOMPLETE:
            out.append(StoppedNode(uid, graph.nodes.get(uid, (uid,))[0], status[0], status[1]))
    return out


__all__ = ["DIRECTIONS", "column_impact", "column_lineage", "lineage_key", "lineage_status"]
