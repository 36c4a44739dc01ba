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
import re
from collections.abc import Mapping
from typing import Any

from ...errors import NodeNotFoundError, RunTimingError
from ...store import Store
from ..resolve import resolve_node
from ..results import ResultList
from .critical_path import CLOCK_TOLERANCE, releases
from .results import ChangedDuration, CommandReplay, WhatIf
from .runs import CommandRun, RunData, gc_paused, read_run

#: an unchanged replay is within max(seconds, share x wall) of the real wall time
REPLAY_TOLERANCE_SECONDS = 0.1
REPLAY_TOLERANCE_SHARE = 0.005

_FACTOR = re.compile(r"^\s*(?:x\s*([0-9]*\.?[0-9]+)|([0-9]*\.?[0-9]+)\s*x)\s*$", re.I)


def replay_makespan(cmd: CommandRun, durations: Mapping[str, float] | None = None) -> float:
    """Seconds from the command's first node start to its last node end, replayed."""
    if not cmd.timed:
        return 0.0
    links = releases(cmd)
    by_uid = {x.unique_id: x for x in cmd.timed}
    rank = {x.unique_id: i for i, x in enumerate(cmd.timed)}
    waits: dict[str, list[str]] = {}
    indegree: dict[str, int] = {}
    for x in cmd.timed:
        real = [d for d in cmd.deps.get(x.unique_id, ()) if d in by_uid
                and by_uid[d].end <= x.start + CLOCK_TOLERANCE]
        indegree[x.unique_id] = len(real)
        for d in real:
            waits.setdefault(d, []).append(x.unique_id)
    delay = {uid: max(0.0, x.start - links[uid].release) for uid, x in by_uid.items()}
    length = {uid: (durations or {}).get(uid, x.duration) for uid, x in by_uid.items()}
    origin = cmd.phase_start
    ready = [(rank[u], u) for u, n in indegree.items() if n == 0]
    heapq.heapify(ready)
    running: list[tuple[float, int, str]] = []
    free = max(1, cmd.threads)
    now = origin
    last_end = origin
    done = 0
    while ready or running:
        while free and ready:
            _, uid = heapq.heappop(ready)
            end = now + delay[uid] + length[uid]
            heapq.heappush(running, (end, rank[uid], uid))
            free -= 1
        if not running:
            break
        end, _, uid = heapq.heappop(running)
        now = end
        last_end = max(last_end, end)
        free += 1
        done += 1
        for child in waits.get(uid, ()):
            indegree[child] -= 1
            if indegree[child] == 0:
                heapq.heappush(ready, (rank[child], child))
    return last_end - origin


def what_if(store: Store, schedule_name: str, changes: Mapping[str, Any], run_id: Any = None) -> WhatIf:
    with gc_paused():
        return _what_if(store, schedule_name, changes, run_id)


def _what_if(store: Store, schedule_name: str, changes: Mapping[str, Any], run_id: Any) -> WhatIf:
    data = read_run(store, schedule_name, run_id)
    if data.run["in_progress"]:
        raise RunTimingError(f"run {data.run_id} of {schedule_name!r} is still {data.run['state']}: "
                             "its wall time is not known yet, so it cannot be replayed")
    wall = data.wall_seconds
    timed = [c for c in data.commands if c.timed]
    if wall is None or not timed:
        raise RunTimingError(f"run {data.run_id} of {schedule_name!r} has no node timings to replay"
                             if wall is not None else f"run {data.run_id} of {schedule_name!r} has no end time")
    if not isinstance(changes, Mapping):
        raise ValueError("changes must map model names to seconds (a number) or factors ('2x', 'x0.5')")
    durations, changed = _durations(store, data, changes)
    real = replayed = estimated = 0.0
    commands = []
    for cmd in timed:
        span = cmd.phase_end - cmd.phase_start
        same = replay_makespan(cmd)
        new = replay_makespan(cmd, durations) if durations else same
        real += span
        replayed += same
        estimated += new
        commands.append(CommandReplay(cmd.index, cmd.row["dbt_command"], cmd.threads, len(cmd.timed), span, same, new))
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
        for x in cmd.timed:
            executed.setdefault(x.unique_id, []).append(x.duration)
            names[x.unique_id] = x.name
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
    if not isinstance(key, str) or not key.strip():
        raise NodeNotFoundError(str(key), data.schedule_name)
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
    if isinstance(value, bool):
        raise ValueError(f"{key}: {value!r} is neither seconds nor a factor")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str) and _FACTOR.match(value):
        m = _FACTOR.match(value)
        seconds = current * float(m.group(1) or m.group(2))
    else:
        raise ValueError(f"{key}: {value!r} is neither seconds (a number) nor a factor ('2x', 'x0.5')")
    if not seconds >= 0:
        raise ValueError(f"{key}: a duration cannot be negative ({value!r})")
    return seconds
