"""The critical path of a run, read from its real timings and the DAG, with per-node slack.

Commands run one after another, so the run's wall time is the sum of its commands and the
gaps between them. Inside a node-executing command, each node started when the last of
its dependencies finished or when a thread came free (the node before it on its thread):
whichever of those ended last, just before it started, released it. Walking those links
back from the node that finished last gives the chain that bounded the command.

The links are found for all nodes at once (NumPy, one pass over the DAG's edges); the
slack is one backward pass in start order over the "waited for" edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...store import Store, gc_paused
from ..results import ResultList
from .results import CommandSegment, CriticalPath, CriticalPathNode, NodeSlack
from .runs import RunData, Spans, moment, read_run

#: seconds a start may precede the end it waited for (dbt records a node's end, then starts
#: its children; the timestamps are from one clock, so this is rounding only)
CLOCK_TOLERANCE = 1e-3
#: slack at or below this many seconds counts as critical
CRITICAL_SLACK = 1e-3

PARENT = "parent"
THREAD = "thread"
COMMAND_START = "command start"
#: ``Links.kind`` codes
_START, _PARENT, _THREAD = 0, 1, 2
_KINDS = (COMMAND_START, PARENT, THREAD)


@dataclass
class Links:
    """What released each timed execution of a command (positions in start order):
    ``kind`` (command start, parent, thread), ``waited_on`` (-1: the command's start), the
    ``release`` moment and the ``delay`` from it to the node's start (never negative);
    ``parent_*``: the dependencies that had ended when each node started, ``thread_*``: the
    thread predecessor that had (the edges the slack and the replay follow)."""

    kind: np.ndarray
    waited_on: np.ndarray
    release: np.ndarray
    delay: np.ndarray
    parent_node: np.ndarray
    parent_on: np.ndarray
    thread_node: np.ndarray
    thread_on: np.ndarray


def releases(spans: Spans) -> Links:
    """For each timed execution, what released it."""
    n = len(spans)
    start, end = spans.start, spans.end
    limit = start + CLOCK_TOLERANCE
    first = spans.phase_start
    ended = end[spans.dep_parent] <= limit[spans.dep_node]
    pn, pp = spans.dep_node[ended], spans.dep_parent[ended]
    # the node before each on its thread
    order = np.lexsort((np.arange(n), spans.thread))
    lane = spans.thread[order]
    same = (lane[1:] == lane[:-1]) & (lane[1:] >= 0)
    tn, tp = order[1:][same], order[:-1][same]
    ended = end[tp] <= limit[tn]
    tn, tp = tn[ended], tp[ended]
    kind = np.full(n, _START, dtype=np.int8)
    waited_on = np.full(n, -1, dtype=np.int64)
    release = np.full(n, first, dtype=np.float64)
    if len(pn):  # the dependency that ended last (one that ended after the command's first start)
        by = np.lexsort((end[pp], pn))
        last = by[np.r_[pn[by][1:] != pn[by][:-1], True]]
        node, on = pn[last], pp[last]
        later = end[on] > first
        node, on = node[later], on[later]
        kind[node], waited_on[node], release[node] = _PARENT, on, end[on]
    later = end[tp] > release[tn]  # a thread coming free releases only if strictly later
    node, on = tn[later], tp[later]
    kind[node], waited_on[node], release[node] = _THREAD, on, end[on]
    return Links(kind, waited_on, release, np.maximum(start - release, 0.0), pn, pp, tn, tp)


def command_chain(spans: Spans, links: Links) -> list[int]:
    """The chain ending at the execution that finished last (positions, first node first)."""
    end = spans.end
    finals = np.flatnonzero(end == end.max())
    node = int(finals[np.argmax(spans.start[finals])])
    waited_on = links.waited_on.tolist()
    chain: list[int] = []
    seen: set[int] = set()
    while node >= 0 and node not in seen:
        seen.add(node)
        chain.append(node)
        node = waited_on[node]
    chain.reverse()
    return chain


def command_slack(spans: Spans, links: Links) -> np.ndarray:
    """Seconds each execution could grow without delaying the command's last end, with the
    same threads and order: the latest finish allowed by everything that waited on it (a
    waiting node's latest start, less the time dbt took to start it once released)."""
    n = len(spans)
    last_end = spans.phase_end
    waiter = np.concatenate([links.parent_node, links.thread_node])
    waited = np.concatenate([links.parent_on, links.thread_on])
    later = waiter > waited  # a node is settled before everything after it in start order
    waiter, waited = waiter[later], waited[later]
    order = np.argsort(waited, kind="stable")
    successors = waiter[order].tolist()
    bounds = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(waited, minlength=n), out=bounds[1:])
    bounds_ = bounds.tolist()
    weight = (spans.duration + links.delay).tolist()
    latest_start = [0.0] * n
    allowed = [last_end] * n
    for x in range(n - 1, -1, -1):
        lo, hi = bounds_[x], bounds_[x + 1]
        if lo != hi:
            bound = min(map(latest_start.__getitem__, successors[lo:hi]))
            if bound < last_end:
                allowed[x] = bound
        latest_start[x] = allowed[x] - weight[x]
    return np.maximum(np.asarray(allowed) - spans.end, 0.0)


def critical_path(store: Store, schedule_name: str, run_id: Any = None) -> CriticalPath:
    with gc_paused():  # a slack record per execution
        return critical_path_of(read_run(store, schedule_name, run_id))


def critical_path_of(data: RunData) -> CriticalPath:
    wall = data.wall_seconds
    executing = [c for c in data.commands if c.row["executes_nodes"] or c.results]
    timed = [c for c in executing if c.timed is not None]
    partial = bool(data.run["in_progress"])
    notes = []
    if partial:
        notes.append(f"run {data.run_id} was still {data.run['state']} when loaded: the path covers what had finished")
    reason = None
    if not executing:
        commands = ", ".join(c.row["command"] or "?" for c in data.commands) or "none"
        reason = f"run {data.run_id} executed no nodes (commands: {commands})"
    elif not timed:
        results = sum(c.results for c in executing)
        reason = (f"none of the {results} node results of run {data.run_id} has timings (an old run_results "
                  "schema, or interrupted commands)" if results else
                  f"the node-executing commands of run {data.run_id} left no results")
    else:
        for c in executing:
            if c.timed is None:
                notes.append(f"command {c.index} ({c.row['command']}) has no timed results: counted as a whole")
    nodes: list[CriticalPathNode] = []
    segments: list[CommandSegment] = []
    slack_parts: list[tuple[int, Spans, np.ndarray]] = []
    previous_end = None
    for cmd in data.commands:
        c = cmd.row
        gap = c["start_s"] - previous_end if c["start_s"] is not None and previous_end is not None else None
        previous_end = c["end_s"] if c["end_s"] is not None else previous_end
        path_seconds = 0.0
        count = 0
        spans = cmd.timed
        if spans is not None:
            links = releases(spans)
            duration = spans.duration
            for i in command_chain(spans, links):
                count += 1
                seconds = float(duration[i])
                path_seconds += seconds
                on = int(links.waited_on[i])
                nodes.append(CriticalPathNode(
                    cmd.index, c["dbt_command"], spans.uid[i], spans.name[i], spans.resource_type[i],
                    spans.status[i], spans.thread_id[i], moment(float(spans.start[i])),
                    moment(float(spans.end[i])), seconds, _share(seconds, wall), _KINDS[links.kind[i]],
                    spans.uid[on] if on >= 0 else None, float(links.delay[i])))
            slack_parts.append((cmd.index, spans, command_slack(spans, links)))
        seconds_ = c["duration_seconds"]
        segments.append(CommandSegment(
            cmd.index, c["dbt_command"], c["command"], seconds_, gap, count, path_seconds,
            seconds_ - path_seconds if seconds_ is not None else None, _share(seconds_, wall),
            cmd.threads if cmd.results else None))
    return CriticalPath(
        data.schedule_name, data.run_id, data.run["state"], wall, sum(n.duration_seconds for n in nodes),
        reason is None, reason, partial, ResultList(nodes, CriticalPathNode), ResultList(segments, CommandSegment),
        ResultList(_slack_rows(slack_parts), NodeSlack), notes)


def _slack_rows(parts: list[tuple[int, Spans, np.ndarray]]) -> list[NodeSlack]:
    """Every timed execution's slack, least first (then the longest first)."""
    if not parts:
        return []
    slack = np.concatenate([p[2] for p in parts])
    duration = np.concatenate([p[1].duration for p in parts])
    order = np.lexsort((-duration, slack))
    command = np.concatenate([np.full(len(p[1]), p[0]) for p in parts])[order].tolist()
    uid = np.concatenate([p[1].uid for p in parts])[order].tolist()
    name = np.concatenate([p[1].name for p in parts])[order].tolist()
    kind = np.concatenate([p[1].resource_type for p in parts])[order].tolist()
    duration_, slack_ = duration[order].tolist(), slack[order].tolist()
    critical = (slack[order] <= CRITICAL_SLACK).tolist()
    return [NodeSlack(*row) for row in zip(command, uid, name, kind, duration_, slack_, critical)]


def _share(seconds: float | None, wall: float | None) -> float | None:
    return seconds / wall if seconds is not None and wall else None
