"""What-if: replay a run's DAG with its thread count and other node durations.

Each node-executing command is simulated as dbt runs it: a node becomes ready when the
dependencies it really waited for have finished; a free thread takes the ready node that
started first in the real run; each node keeps its own dispatch delay (the time dbt took
to start it once released) and its duration, unless changed. Everything else of the run
(other commands, start-up, gaps, tails) keeps its real length. Replaying the run
unchanged must give back its real wall time: ``REPLAY_TOLERANCE_SECONDS`` and
``REPLAY_TOLERANCE_SHARE`` are the documented bound, measured on every fixture run.
"""

from __future__ import annotations

import heapq
import math
import numbers
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from ...errors import InvalidArgumentError, NodeNotFoundError, RunTimingError
from ...store import Store
from ..resolve import resolve_node
from ..results import ResultList
from .critical_path import Links, releases
from .results import ChangedDuration, CommandReplay, WhatIf
from .runs import RunData, Spans, read_run

#: an unchanged replay is within max(seconds, share x wall) of the real wall time
REPLAY_TOLERANCE_SECONDS = 0.1
REPLAY_TOLERANCE_SHARE = 0.005

#: what a what_if change may be, as the error says it
ALLOWED_VALUES = "seconds (a number >= 0) or a factor ('2x', 'x0.5')"

_FACTOR = re.compile(r"^\s*(?:x\s*([0-9]*\.?[0-9]+)|([0-9]*\.?[0-9]+)\s*x)\s*$", re.I)


def replay_makespan(spans: Spans, links: Links, threads: int, durations: Mapping[int, float] | None = None) -> float:
    """Seconds from the command's first node start to its last node end, replayed
    on ``threads`` threads (``durations``: new seconds by position)."""
    n = len(spans)
    if not n:
        return 0.0
    node, on = links.parent_node, links.parent_on  # the dependencies each really waited for
    indegree = np.bincount(node, minlength=n).tolist()
    order = np.argsort(on, kind="stable")
    children = node[order].tolist()
    bounds = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(on, minlength=n), out=bounds[1:])
    bounds_ = bounds.tolist()
    delay = links.delay.tolist()
    length = spans.duration.tolist()
    for i, seconds in (durations or {}).items():
        length[i] = seconds
    origin = spans.phase_start
    ready = [i for i in range(n) if indegree[i] == 0]  # by position: the real start order
    heapq.heapify(ready)
    running: list[tuple[float, int]] = []
    free = max(1, threads)
    now = origin
    last_end = origin
    while ready or running:
        while free and ready:
            i = heapq.heappop(ready)
            heapq.heappush(running, (now + delay[i] + length[i], i))
            free -= 1
        if not running:
            break
        end, i = heapq.heappop(running)
        now = end
        if end > last_end:
            last_end = end
        free += 1
        for child in children[bounds_[i]:bounds_[i + 1]]:
            indegree[child] -= 1
            if indegree[child] == 0:
                heapq.heappush(ready, child)
    return last_end - origin


def what_if(store: Store, schedule_name: str, changes: Mapping[str, Any], run_id: Any = None) -> WhatIf:
    if not isinstance(changes, Mapping):
        raise InvalidArgumentError(f"what_if: changes must map node names to {ALLOWED_VALUES}, "
                                   f"not {type(changes).__name__}")
    for key in changes:
        if not isinstance(key, str) or not key.strip():
            raise InvalidArgumentError(f"what_if: a node to change is named by a non-empty string, not {key!r}")
    data = read_run(store, schedule_name, run_id)
    if data.run["in_progress"]:
        raise RunTimingError(f"run {data.run_id} of {schedule_name!r} is still {data.run['state']}: "
                             "its wall time is not known yet, so it cannot be replayed")
    wall = data.wall_seconds
    timed = [c for c in data.commands if c.timed is not None]
    if wall is None or not timed:
        raise RunTimingError(f"run {data.run_id} of {schedule_name!r} has no node timings to replay"
                             if wall is not None else f"run {data.run_id} of {schedule_name!r} has no end time")
    durations, changed = _durations(store, data, changes)
    real = replayed = estimated = 0.0
    commands = []
    for cmd in timed:
        spans = cmd.timed
        links = releases(spans)
        span = spans.phase_end - spans.phase_start
        same = replay_makespan(spans, links, cmd.threads)
        mine = {i: seconds for uid, seconds in durations.items() for i in np.flatnonzero(spans.uid == uid).tolist()}
        new = replay_makespan(spans, links, cmd.threads, mine) if mine else same
        real += span
        replayed += same
        estimated += new
        commands.append(CommandReplay(cmd.index, cmd.row["dbt_command"], cmd.threads, len(spans), span, same, new))
    error = replayed - real
    return WhatIf(schedule_name, data.run_id, wall, wall + error, wall + (estimated - real), error,
                  abs(error) <= replay_tolerance(wall), ResultList(changed, ChangedDuration),
                  ResultList(commands, CommandReplay))


def replay_tolerance(wall_seconds: float) -> float:
    return max(REPLAY_TOLERANCE_SECONDS, REPLAY_TOLERANCE_SHARE * wall_seconds)


def _durations(store: Store, data: RunData, changes: Mapping[str, Any]) -> tuple[dict[str, float], list[ChangedDuration]]:
    """unique id -> new seconds, for every timed execution of the named nodes."""
    executed: dict[str, list[float]] = {}
    names: dict[str, str | None] = {}
    for cmd in data.commands:
        if cmd.timed is not None:
            for uid, name, seconds in zip(cmd.timed.uid.tolist(), cmd.timed.name.tolist(),
                                          cmd.timed.duration.tolist()):
                executed.setdefault(uid, []).append(seconds)
                names[uid] = name
    durations: dict[str, float] = {}
    changed = []
    for key, value in changes.items():
        uid = _node(store, data, key, names)
        before = executed[uid]
        seconds = _new_seconds(key, value, before[-1])
        durations[uid] = seconds
        changed.append(ChangedDuration(uid, names[uid], len(before), before[-1], seconds))
    return durations, changed


def _node(store: Store, data: RunData, key: Any, names: dict[str, str | None]) -> str:
    key = key.strip()
    if key in names:
        return key
    matches = [uid for uid, name in names.items() if name == key]
    if len(matches) == 1:
        return matches[0]
    uid = resolve_node(store, data.schedule_name, key).unique_id
    if uid not in names:
        raise NodeNotFoundError(key, data.schedule_name, [f"{key} was not executed with timings in run {data.run_id}"])
    return uid


def _new_seconds(key: str, value: Any, current: float) -> float:
    m = _FACTOR.match(value) if isinstance(value, str) else None
    if m is not None:
        seconds = current * float(m.group(1) or m.group(2))
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        seconds = float(value)
    else:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidArgumentError(f"what_if: the change for {key!r} must be {ALLOWED_VALUES}, not {value!r}")
    return seconds
