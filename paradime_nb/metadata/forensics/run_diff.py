"""What changed between two runs of a schedule: the manifest (checksums, configuration),
final statuses, test failures, freshness, node durations, and the wall time, explained by
both runs' commands and critical paths."""

from __future__ import annotations

from typing import Any

from ...errors import InvalidArgumentError, NotLoadedError
from ...store import Store, gc_paused
from ...vocabulary import ERROR_STATUSES
from .. import arguments
from ..queries import rows
from ..results import ResultList
from .critical_path import critical_path_of
from .results import (
    DurationChange,
    FreshnessChange,
    NodeChange,
    RunComparison,
    RunSide,
    StatusChange,
    TestFailure,
    WallTimeItem,
)
from .runs import TEST_TYPES, RunData, latest_finished_runs, read_run
from .timeline import SKIPPED

#: statuses that are a warning (a test over warn_if, a freshness past warn_after, a partial build)
WARNING_STATUSES = ("warn", "partial success")
#: a node's duration change is reported from this many seconds ...
DURATION_THRESHOLD_SECONDS = 1.0
#: ... and this relative change
DURATION_THRESHOLD_RATIO = 0.2
#: manifest fields compared for "changed" (the checksum is the SQL; the rest its configuration)
COMPARED_FIELDS = (
    "checksum", "materialized", "enabled", "tags", "meta", "database_name", "schema_name", "alias", "access",
    "group_name", "owner", "language", "original_file_path", "warn_after_seconds", "error_after_seconds",
    "freshness_filter", "loaded_at_field", "severity", "warn_if", "error_if", "store_failures",
)
#: the ``kind`` of a status change
KIND_NODE, KIND_TEST, KIND_SOURCE = "node", "test", "source"
NEWLY_FAILING, FIXED, NEWLY_SKIPPED, NEWLY_WARNING = "newly failing", "fixed", "newly skipped", "newly warning"


def compare_runs(store: Store, schedule_name: str, run_a: Any = None, run_b: Any = None,
                 duration_threshold: float = DURATION_THRESHOLD_SECONDS) -> RunComparison:
    run_a, run_b = arguments.run_id(run_a, "run_a"), arguments.run_id(run_b, "run_b")
    duration_threshold = arguments.seconds(duration_threshold, "duration_threshold")
    if run_a is None or run_b is None:
        latest = latest_finished_runs(store, schedule_name, 2)
        if run_a is None and run_b is None:
            if len(latest) < 2:
                raise NotLoadedError(f"comparing runs of {schedule_name!r} needs two finished runs in the store; "
                                     f"{len(latest)} is stored (load more: load({schedule_name!r}, runs=2))")
            run_a, run_b = latest
        elif run_b is None:
            run_b = latest[-1] if latest else None
            if run_b is None:
                raise NotLoadedError(f"no finished run of {schedule_name!r} is stored to compare with")
        else:
            raise InvalidArgumentError("compare_runs: run_b given without run_a; give both, run_a alone (compared "
                                       "with the latest finished run) or neither (the latest two)")
    with gc_paused():
        return _compare(store, schedule_name, run_a, run_b, duration_threshold)


def _compare(store: Store, schedule_name: str, run_a: Any, run_b: Any, duration_threshold: float) -> RunComparison:
    a, b = read_run(store, schedule_name, run_a), read_run(store, schedule_name, run_b)
    path_a, path_b = critical_path_of(a), critical_path_of(b)
    key_a = {"schedule_name": schedule_name, "run_id": a.run_id}
    key_b = {"schedule_name": schedule_name, "run_id": b.run_id}
    notes = []
    nodes_a = {r["unique_id"]: r for r in rows(store, "forensics_nodes", **key_a)}
    nodes_b = {r["unique_id"]: r for r in rows(store, "forensics_nodes", **key_b)}
    changes: list[NodeChange] = []
    if nodes_a and nodes_b:
        changes = _node_changes(nodes_a, nodes_b)
    else:
        missing = ", ".join(str(r.run_id) for r, n in ((a, nodes_a), (b, nodes_b)) if not n)
        notes.append(f"run {missing} left no manifest: nodes added, removed or changed are not known")
    final_a = {r["unique_id"]: r for r in rows(store, "forensics_final_results", **key_a)}
    final_b = {r["unique_id"]: r for r in rows(store, "forensics_final_results", **key_b)}
    fresh_a = {r["unique_id"]: r for r in rows(store, "forensics_freshness", **key_a)}
    fresh_b = {r["unique_id"]: r for r in rows(store, "forensics_freshness", **key_b)}
    statuses = _status_changes(final_a, final_b, fresh_a, fresh_b)
    new_failures, resolved = _test_failures(final_a, final_b, a.run_id, b.run_id)
    freshness = [FreshnessChange(uid, (fresh_b.get(uid) or fresh_a[uid])["source_name"],
                                 (fresh_b.get(uid) or fresh_a[uid])["table_name"],
                                 _get(fresh_a, uid, "status"), _get(fresh_b, uid, "status"),
                                 _get(fresh_a, uid, "age_seconds"), _get(fresh_b, uid, "age_seconds"),
                                 _get(fresh_a, uid, "max_loaded_at"), _get(fresh_b, uid, "max_loaded_at"))
                 for uid in sorted(set(fresh_a) | set(fresh_b))
                 if _get(fresh_a, uid, "status") != _get(fresh_b, uid, "status")
                 or _get(fresh_a, uid, "max_loaded_at") != _get(fresh_b, uid, "max_loaded_at")]
    on_path = {n.unique_id for n in path_a.nodes} | {n.unique_id for n in path_b.nodes}
    durations = _durations(final_a, final_b, on_path, duration_threshold)
    wall = _wall_time(a, b, path_a, path_b)
    side_a, side_b = _side(a, path_a), _side(b, path_b)
    return RunComparison(
        schedule_name, side_a, side_b, ResultList(changes, NodeChange), ResultList(statuses, StatusChange),
        ResultList(new_failures, TestFailure), ResultList(resolved, TestFailure),
        ResultList(freshness, FreshnessChange), ResultList(durations, DurationChange),
        ResultList(wall, WallTimeItem), _explain(side_a, side_b, statuses, changes, wall), notes)


def _side(data: RunData, path: Any) -> RunSide:
    r = data.run
    return RunSide(data.run_id, r["state"], r["started_at"], r["ended_at"], data.wall_seconds, r["git_branch"],
                   r["git_commit"], r["pull_request_id"], r["actor"], r["description"],
                   [c.row["command"] or "" for c in data.commands], path.path_seconds if path.computable else None)


def _node_changes(a: dict[str, dict], b: dict[str, dict]) -> list[NodeChange]:
    out = [NodeChange(uid, b[uid]["name"], b[uid]["resource_type"], "added", []) for uid in sorted(set(b) - set(a))]
    out += [NodeChange(uid, a[uid]["name"], a[uid]["resource_type"], "removed", []) for uid in sorted(set(a) - set(b))]
    for uid in sorted(set(a) & set(b)):
        fields = [f for f in COMPARED_FIELDS if a[uid][f] != b[uid][f]]
        if fields:
            out.append(NodeChange(uid, b[uid]["name"], b[uid]["resource_type"], "changed", fields))
    return out


def _transition(before: str | None, after: str | None) -> str | None:
    if after in ERROR_STATUSES and before not in ERROR_STATUSES:
        return NEWLY_FAILING
    if before in ERROR_STATUSES and after is not None and after not in ERROR_STATUSES and after != SKIPPED:
        return FIXED
    if after == SKIPPED and before != SKIPPED:
        return NEWLY_SKIPPED
    if after in WARNING_STATUSES and before not in WARNING_STATUSES:
        return NEWLY_WARNING
    return None


def _status_changes(final_a: dict, final_b: dict, fresh_a: dict, fresh_b: dict) -> list[StatusChange]:
    out = []
    for uid in sorted(set(final_a) | set(final_b)):
        ra, rb = final_a.get(uid), final_b.get(uid)
        move = _transition(ra and ra["status"], rb and rb["status"])
        if move is None:
            continue
        r = rb or ra
        kind = KIND_TEST if r["resource_type"] in TEST_TYPES else KIND_NODE
        out.append(StatusChange(uid, r["name"], r["resource_type"], kind, ra and ra["status"], rb and rb["status"], move))
    for uid in sorted(set(fresh_a) | set(fresh_b)):
        fa, fb = fresh_a.get(uid), fresh_b.get(uid)
        move = _transition(fa and fa["status"], fb and fb["status"])
        if move is not None:
            f = fb or fa
            out.append(StatusChange(uid, f"{f['source_name']}.{f['table_name']}", "source", KIND_SOURCE,
                                    fa and fa["status"], fb and fb["status"], move))
    order = {NEWLY_FAILING: 0, NEWLY_WARNING: 1, NEWLY_SKIPPED: 2, FIXED: 3}
    return sorted(out, key=lambda s: (order[s.transition], s.kind, s.name or s.unique_id))


def _test_failures(final_a: dict, final_b: dict, run_a: int, run_b: int) -> tuple[list[TestFailure], list[TestFailure]]:
    def failing(final: dict) -> dict[str, dict]:
        return {u: r for u, r in final.items() if r["resource_type"] in TEST_TYPES and r["status"] in ERROR_STATUSES}

    fa, fb = failing(final_a), failing(final_b)
    new = [TestFailure(u, r["name"], r["status"], r["failures"], r["message"], run_b)
           for u, r in sorted(fb.items()) if u not in fa]
    resolved = [TestFailure(u, r["name"], final_b[u]["status"] if u in final_b else None, r["failures"], r["message"], run_a)
                for u, r in sorted(fa.items()) if u not in fb and u in final_b and final_b[u]["status"] != SKIPPED]
    return new, resolved


def _durations(final_a: dict, final_b: dict, on_path: set[str], threshold: float) -> list[DurationChange]:
    out = []
    for uid in sorted(set(final_a) & set(final_b)):
        ra, rb = final_a[uid], final_b[uid]
        sa, sb = ra["execution_time"], rb["execution_time"]
        if sa is None or sb is None or SKIPPED in (ra["status"], rb["status"]):
            continue
        delta = sb - sa
        ratio = delta / sa if sa else None
        if abs(delta) >= threshold and (ratio is None or abs(ratio) >= DURATION_THRESHOLD_RATIO):
            out.append(DurationChange(uid, rb["name"], rb["resource_type"], sa, sb, delta,
                                      None if ratio is None else ratio * 100.0, uid in on_path))
    return sorted(out, key=lambda d: -abs(d.delta_seconds))


def _wall_time(a: RunData, b: RunData, path_a: Any, path_b: Any) -> list[WallTimeItem]:
    """Commands matched by kind and occurrence, the idle time between commands, and every
    node on either critical path with its time in both runs."""
    def keyed(data: RunData) -> dict[str, float | None]:
        seen: dict[str, int] = {}
        out = {}
        for c in data.commands:
            kind = c.row["dbt_command"] or c.row["command"] or "?"
            seen[kind] = seen.get(kind, 0) + 1
            out[f"dbt {kind}" + (f" #{seen[kind]}" if seen[kind] > 1 else "")] = c.row["duration_seconds"]
        return out

    ca, cb = keyed(a), keyed(b)
    items = [WallTimeItem("command", k, ca.get(k), cb.get(k), (cb.get(k) or 0.0) - (ca.get(k) or 0.0))
             for k in list(dict.fromkeys([*ca, *cb]))]
    gaps = [sum(s.gap_before_seconds or 0.0 for s in p.commands) for p in (path_a, path_b)]
    items.append(WallTimeItem("between commands", "idle time", gaps[0], gaps[1], gaps[1] - gaps[0]))
    pa = {n.unique_id: n for n in path_a.nodes}
    pb = {n.unique_id: n for n in path_b.nodes}
    nodes = []
    for uid in dict.fromkeys([*pa, *pb]):
        na, nb = pa.get(uid), pb.get(uid)
        sa = na.duration_seconds if na else None
        sb = nb.duration_seconds if nb else None
        nodes.append(WallTimeItem("critical path node", (nb or na).name or uid, sa, sb, (sb or 0.0) - (sa or 0.0)))
    nodes.sort(key=lambda i: -abs(i.delta_seconds))
    return items + nodes


def _explain(a: RunSide, b: RunSide, statuses: list[StatusChange], changes: list[NodeChange],
             wall: list[WallTimeItem]) -> str:
    parts = []
    if a.wall_seconds is not None and b.wall_seconds is not None:
        delta = b.wall_seconds - a.wall_seconds
        biggest = max((i for i in wall if i.kind == "command"), key=lambda i: abs(i.delta_seconds), default=None)
        text = f"wall time {a.wall_seconds:.0f} s -> {b.wall_seconds:.0f} s ({delta:+.0f} s)"
        if biggest is not None and abs(biggest.delta_seconds) >= 1:
            text += f", most in {biggest.name} ({biggest.delta_seconds:+.0f} s)"
        if a.critical_path_seconds is not None and b.critical_path_seconds is not None:
            text += (f"; critical path {a.critical_path_seconds:.1f} s -> {b.critical_path_seconds:.1f} s of node time")
        node = next((i for i in wall if i.kind == "critical path node"), None)
        if node is not None and abs(node.delta_seconds) >= 1:
            text += f" ({node.name} {node.delta_seconds:+.1f} s)"
        parts.append(text)
    counts: dict[str, int] = {}
    for s in statuses:
        counts[s.transition] = counts.get(s.transition, 0) + 1
    if counts:
        parts.append(", ".join(f"{v} {k}" for k, v in counts.items()))
    if changes:
        kinds: dict[str, int] = {}
        for c in changes:
            kinds[c.change] = kinds.get(c.change, 0) + 1
        parts.append("nodes " + ", ".join(f"{v} {k}" for k, v in kinds.items()))
    if a.git_commit != b.git_commit:
        parts.append(f"commit {a.git_commit} -> {b.git_commit}")
    return "; ".join(parts) or "no difference found"


def _get(table: dict[str, dict], uid: str, name: str) -> Any:
    row = table.get(uid)
    return None if row is None else row[name]
