"""An independent reading of a saved run for the forensics tests: timeline, dbt's scheduling
DAG and the critical path, computed from the raw run_results/manifest JSON.

Shares no code with paradime_nb. The DAG is the literal, unreduced one: a node waits for
every executed ancestor; in ``dbt build`` also for every test whose nodes are all upstream
of it (dbt's add_test_edges, as dbt states it); a unit test runs after its model's
parents and before the model.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from . import raw

TOLERANCE = 1e-3  # a start may precede the end it waited for by rounding only


def ts(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def seconds(moment: datetime) -> float:
    return (moment - datetime(1970, 1, 1)).total_seconds()


def span(result: dict) -> tuple[datetime | None, datetime | None]:
    steps = {s["name"]: s for s in result.get("timing") or []}
    start = (steps.get("compile") or {}).get("started_at") or (steps.get("execute") or {}).get("started_at")
    end = (steps.get("execute") or {}).get("completed_at") or (steps.get("compile") or {}).get("completed_at")
    return ts(start), ts(end)


def run_info(run_dir: Path) -> dict:
    return json.loads((run_dir / "run.json").read_text())


def commands(run_dir: Path) -> list[dict]:
    out = []
    for pos, d in enumerate(raw.command_dirs(run_dir), start=1):
        c = json.loads((d / "command.json").read_text())
        out.append({"index": pos, "command": c["command"], "start": ts(c["startDttm"].replace(" ", "T")),
                    "end": ts((c["endDttm"] or "").replace(" ", "T")), "exit": c["returnCode"]})
    return out


@lru_cache(maxsize=4)
def executions(run_dir: Path) -> dict[int, list[dict]]:
    """command position -> results that count, each with its span and thread."""
    out: dict[int, list[dict]] = {}
    for pos, doc, r in raw.executing_results(run_dir):
        start, end = span(r)
        out.setdefault(pos, []).append({
            "uid": r["unique_id"], "status": r["status"], "thread": r.get("thread_id"), "start": start, "end": end,
            "which": doc["args"].get("which"), "threads": doc["args"].get("threads"),
        })
    return out


@lru_cache(maxsize=4)
def manifest(run_dir: Path) -> dict[str, dict]:
    return raw.manifest_graph_nodes(raw.load_json(raw.latest_file(run_dir, "manifest.json")))


def _parents(nodes: dict[str, dict], uid: str) -> list[str]:
    return list((nodes.get(uid, {}).get("depends_on") or {}).get("nodes") or [])


def ancestors(nodes: dict[str, dict]) -> dict[str, set[str]]:
    memo: dict[str, set[str]] = {}

    def up(uid: str) -> set[str]:
        if uid not in memo:
            memo[uid] = set()
            acc = set()
            for p in _parents(nodes, uid):
                acc.add(p)
                acc |= up(p)
            memo[uid] = acc
        return memo[uid]

    for uid in nodes:
        up(uid)
    return memo


def command_deps(nodes: dict[str, dict], timed: dict[str, dict], build: bool,
                 upstream: dict[str, set[str]]) -> dict[str, set[str]]:
    """Everything a node waited for: all its executed ancestors (the nearest ones end last,
    so taking them all changes no answer), plus dbt build's test and unit-test gates."""
    executed = set(timed)
    deps = {x: (upstream.get(x, set()) & executed) - {x} for x in executed}
    if build:
        kinds = {u: nodes.get(u, {}).get("resource_type") for u in executed}
        needs = {t: frozenset(_parents(nodes, t)) for t in executed if kinds[t] == "test"}
        tests_on: dict[str, list[str]] = {}
        for t, on in needs.items():
            for p in on:
                tests_on.setdefault(p, []).append(t)
        for x in executed:
            if kinds[x] in ("test", "unit_test"):
                continue
            above = upstream.get(x, set())
            for a in above:
                for t in tests_on.get(a, ()):
                    if needs[t] and needs[t] <= above:
                        deps[x].add(t)
        for u in executed:
            if kinds[u] != "unit_test":
                continue
            models = [p for p in _parents(nodes, u) if p in executed]
            if models:
                deps[u] = set().union(*(deps[m] for m in models)) - {u}
                for m in models:
                    deps[m].add(u)
    return deps


def chain(timed: dict[str, dict], deps: dict[str, set[str]]) -> list[str]:
    """The critical chain of one command: from the last end back through what released each node."""
    order = sorted(timed.values(), key=lambda x: (x["start"], x["end"]))
    thread_before: dict[str, dict | None] = {}
    last_on: dict[str, dict] = {}
    for x in order:
        thread_before[x["uid"]] = last_on.get(x["thread"]) if x["thread"] else None
        if x["thread"]:
            last_on[x["thread"]] = x
    node = max(order, key=lambda x: (x["end"], x["start"]))
    out = []
    while node is not None:
        out.append(node["uid"])
        start = seconds(node["start"])
        best, best_end = None, None
        candidates = [timed[d] for d in deps[node["uid"]] if d in timed]
        parent_ids = {c["uid"] for c in candidates}
        if thread_before[node["uid"]] is not None:
            candidates.append(thread_before[node["uid"]])
        for c in candidates:
            end = seconds(c["end"])
            if end <= start + TOLERANCE and (best_end is None or end > best_end
                                             or (end == best_end and c["uid"] in parent_ids)):
                best, best_end = c, end
        node = best if best is None or best["uid"] not in out else None
    return list(reversed(out))


def command_dags(nodes: dict[str, dict], commands: dict[int, list[dict]]) -> dict[int, tuple[dict, dict]]:
    """command position -> (its timed executions by unique id, what each waited for), for
    the commands (position -> executions, as ``executions`` gives them) with timings."""
    upstream = ancestors(nodes)
    out = {}
    for pos, results in commands.items():
        timed = {}
        for x in results:
            if x["start"] is not None and x["end"] is not None:
                timed[x["uid"]] = x
        if timed:
            out[pos] = (timed, command_deps(nodes, timed, results[0]["which"] == "build", upstream))
    return out


@lru_cache(maxsize=4)
def run_dags(run_dir: Path) -> dict[int, tuple[dict, dict]]:
    return command_dags(manifest(run_dir), executions(run_dir))


@lru_cache(maxsize=4)
def critical_paths(run_dir: Path) -> dict[int, list[str]]:
    """command position -> its critical chain (unique ids, first first)."""
    return {pos: chain(timed, deps) for pos, (timed, deps) in run_dags(run_dir).items()}
