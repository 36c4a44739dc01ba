"""The critical path of a run, read from its real timings and the DAG, with per-node slack.

Commands run one after another, so the run's wall time is the sum of its commands and the
gaps between them. Inside a node-executing command, each node started when the last of
its dependencies finished or when a thread came free (the node before it on its thread):
whichever of those ended last, just before it started, released it. Walking those links
back from the node that finished last gives the chain that bounded the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...store import Store
from ..results import ResultList
from .results import CommandSegment, CriticalPath, CriticalPathNode, NodeSlack
from .runs import CommandRun, Execution, RunData, gc_paused, read_run

#: seconds a start may precede the end it waited for (dbt records a node's end, then starts
#: its children; the timestamps are from one clock, so this is rounding only)
CLOCK_TOLERANCE = 1e-3
#: slack at or below this many seconds counts as critical
CRITICAL_SLACK = 1e-3

PARENT = "parent"
THREAD = "thread"
COMMAND_START = "command start"


@dataclass
class Link:
    """What released an execution: the execution it waited for (None: the command's start)."""

    waited_for: str
    waited_on: Execution | None
    release: float


def releases(cmd: CommandRun) -> dict[str, Link]:
    """For each timed execution, what released it."""
    return scan(cmd)[0]


def scan(cmd: CommandRun) -> tuple[dict[str, Link], dict[str, list[Execution]]]:
    """What released each timed execution, and what waited on each (every dependency or
    thread predecessor that had ended when it started)."""
    by_uid = {x.unique_id: x for x in cmd.timed}
    previous_on_thread: dict[str | None, Execution] = {}
    links: dict[str, Link] = {}
    waiting: dict[str, list[Execution]] = {}
    start = cmd.phase_start
    deps = cmd.deps
    no_deps: tuple[str, ...] = ()
    for x in cmd.timed:
        limit = x.start + CLOCK_TOLERANCE
        best, best_end, kind = None, start, COMMAND_START
        for d in deps.get(x.unique_id, no_deps):
            p = by_uid.get(d)
            if p is not None and p.end <= limit:
                waiting.setdefault(d, []).append(x)
                if p.end > best_end:
                    best, best_end, kind = p, p.end, PARENT
        thread = x.thread_id
        if thread:
            prev = previous_on_thread.get(thread)
            if prev is not None and prev.end <= limit:
                waiting.setdefault(prev.unique_id, []).append(x)
                if prev.end > best_end:
                    best, best_end, kind = prev, prev.end, THREAD
            previous_on_thread[thread] = x
        links[x.unique_id] = Link(kind, best, best_end)
    return links, waiting


def command_chain(cmd: CommandRun, links: dict[str, Link]) -> list[tuple[Execution, Link]]:
    """The chain ending at the execution that finished last, first node first."""
    if not cmd.timed:
        return []
    last = max(cmd.timed, key=lambda x: (x.end, x.start))
    chain = []
    node: Execution | None = last
    seen: set[str] = set()
    while node is not None and node.unique_id not in seen:
        seen.add(node.unique_id)
        link = links[node.unique_id]
        chain.append((node, link))
        node = link.waited_on
    chain.reverse()
    return chain


def command_slack(cmd: CommandRun, links: dict[str, Link], waiting: dict[str, list[Execution]]) -> dict[str, float]:
    """Seconds each execution could grow without delaying the command's last end, with the
    same threads and order: the latest finish allowed by everything that waited on it."""
    if not cmd.timed:
        return {}
    end = cmd.phase_end
    latest_start: dict[str, float] = {}  # latest start minus dispatch delay: when its release may come
    slack: dict[str, float] = {}
    none: list[Execution] = []
    for x in reversed(cmd.timed):  # successors start later: they are done first
        allowed = end
        for s in waiting.get(x.unique_id, none):
            bound = latest_start.get(s.unique_id, end)
            if bound < allowed:
                allowed = bound
        uid = x.unique_id
        delay = x.start - links[uid].release
        latest_start[uid] = allowed - (x.end - x.start) - (delay if delay > 0 else 0.0)
        slack[uid] = allowed - x.end if allowed > x.end else 0.0
    return slack


def critical_path(store: Store, schedule_name: str, run_id: Any = None) -> CriticalPath:
    with gc_paused():
        return critical_path_of(read_run(store, schedule_name, run_id))


def critical_path_of(data: RunData) -> CriticalPath:
    wall = data.wall_seconds
    executing = [c for c in data.commands if c.row["executes_nodes"] or c.executions]
    timed = [c for c in executing if c.timed]
    partial = bool(data.run["in_progress"])
    notes = []
    if partial:
        notes.append(f"run {data.run_id} was still {data.run['state']} when loaded: the path covers what had finished")
    reason = None
    if not executing:
        commands = ", ".join(c.row["command"] or "?" for c in data.commands) or "none"
        reason = f"run {data.run_id} executed no nodes (commands: {commands})"
    elif not timed:
        results = sum(len(c.executions) for c in executing)
        reason = (f"none of the {results} node results of run {data.run_id} has timings (an old run_results "
                  "schema, or interrupted commands)" if results else
                  f"the node-executing commands of run {data.run_id} left no results")
    else:
        for c in executing:
            if not c.timed:
                notes.append(f"command {c.index} ({c.row['command']}) has no timed results: counted as a whole")
    nodes: list[CriticalPathNode] = []
    segments: list[CommandSegment] = []
    slack: list[NodeSlack] = []
    previous_end = None
    for cmd in data.commands:
        c = cmd.row
        gap = c["start_s"] - previous_end if c["start_s"] is not None and previous_end is not None else None
        previous_end = c["end_s"] if c["end_s"] is not None else previous_end
        path_seconds = 0.0
        count = 0
        if cmd.timed:
            links, waiting = scan(cmd)
            for x, link in command_chain(cmd, links):
                count += 1
                path_seconds += x.duration
                waited_on = link.waited_on.unique_id if link.waited_on is not None else None
                nodes.append(CriticalPathNode(
                    cmd.index, c["dbt_command"], x.unique_id, x.name, x.resource_type, x.status, x.thread_id,
                    x.started_at, x.ended_at, x.duration, _share(x.duration, wall), link.waited_for,
                    waited_on, max(0.0, x.start - link.release)))
            floats = command_slack(cmd, links, waiting)
            for x in cmd.timed:
                s = floats[x.unique_id]
                slack.append(NodeSlack(cmd.index, x.unique_id, x.name, x.resource_type, x.duration, s,
                                       s <= CRITICAL_SLACK))
        duration = c["duration_seconds"]
        segments.append(CommandSegment(
            cmd.index, c["dbt_command"], c["command"], duration, gap, count, path_seconds,
            duration - path_seconds if duration is not None else None, _share(duration, wall),
            cmd.threads if cmd.executions else None))
    slack.sort(key=lambda s: (s.slack_seconds, -s.duration_seconds))
    return CriticalPath(
        data.schedule_name, data.run_id, data.run["state"], wall, sum(n.duration_seconds for n in nodes),
        reason is None, reason, partial, ResultList(nodes, CriticalPathNode), ResultList(segments, CommandSegment),
        ResultList(slack, NodeSlack), notes)


def _share(seconds: float | None, wall: float | None) -> float | None:
    return seconds / wall if seconds is not None and wall else None
