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
from .runs import CommandRun, Execution, RunData, read_run

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
    by_uid = {x.unique_id: x for x in cmd.timed}
    previous_on_thread: dict[str, Execution] = {}
    out: dict[str, Link] = {}
    start = cmd.phase_start
    for x in cmd.timed:
        best = Link(COMMAND_START, None, start)
        for d in cmd.deps.get(x.unique_id, ()):
            p = by_uid.get(d)
            if p is not None and p.end <= x.start + CLOCK_TOLERANCE and p.end > best.release:
                best = Link(PARENT, p, p.end)
        prev = previous_on_thread.get(x.thread_id) if x.thread_id else None
        if prev is not None and prev.end <= x.start + CLOCK_TOLERANCE and prev.end > best.release:
            best = Link(THREAD, prev, prev.end)
        out[x.unique_id] = best
        if x.thread_id:
            previous_on_thread[x.thread_id] = x
    return out


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


def command_slack(cmd: CommandRun, links: dict[str, Link]) -> dict[str, float]:
    """Seconds each execution could grow without delaying the command's last end, with the
    same threads and order: the latest finish allowed by everything that waited on it."""
    if not cmd.timed:
        return {}
    end = cmd.phase_end
    waiting: dict[str, list[Execution]] = {}
    by_uid = {x.unique_id: x for x in cmd.timed}
    previous_on_thread: dict[str, Execution] = {}
    for x in cmd.timed:
        preds = [by_uid[d] for d in cmd.deps.get(x.unique_id, ()) if d in by_uid]
        prev = previous_on_thread.get(x.thread_id) if x.thread_id else None
        if prev is not None:
            preds.append(prev)
        for p in preds:
            if p.end <= x.start + CLOCK_TOLERANCE:
                waiting.setdefault(p.unique_id, []).append(x)
        if x.thread_id:
            previous_on_thread[x.thread_id] = x
    latest_finish: dict[str, float] = {}
    for x in sorted(cmd.timed, key=lambda x: (x.start, x.end), reverse=True):
        allowed = end
        for s in waiting.get(x.unique_id, ()):
            delay = max(0.0, s.start - links[s.unique_id].release)
            allowed = min(allowed, latest_finish[s.unique_id] - s.duration - delay)
        latest_finish[x.unique_id] = allowed
    return {uid: max(0.0, latest_finish[uid] - x.end) for uid, x in by_uid.items()}


def critical_path(store: Store, schedule_name: str, run_id: Any = None) -> CriticalPath:
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
            links = releases(cmd)
            for x, link in command_chain(cmd, links):
                count += 1
                path_seconds += x.duration
                waited_on = link.waited_on.unique_id if link.waited_on is not None else None
                nodes.append(CriticalPathNode(
                    cmd.index, c["dbt_command"], x.unique_id, x.name, x.resource_type, x.status, x.thread_id,
                    x.started_at, x.ended_at, x.duration, _share(x.duration, wall), link.waited_for,
                    waited_on, max(0.0, x.start - link.release)))
            floats = command_slack(cmd, links)
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
