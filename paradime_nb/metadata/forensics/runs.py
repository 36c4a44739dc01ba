"""Which stored run a forensics question is about, and the run read as executions per command.

A command's executions carry the DAG dbt scheduled them by (``dag.py``), so the timeline,
the critical path and the replay all read one ``RunData``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ...errors import NotLoadedError, RunNotStoredError
from ...store import Store
from ...store.loader import _gc_paused as gc_paused  # the loader's: tens of thousands of small objects, no cycles
from ...store.store import UNFINISHED_STATES
from ..queries import rows, sql
from .dag import effective_parents

#: how many stored run ids an unknown run id's error suggests
NEAREST_RUNS = 3
#: ``dbt build`` (and a ``dbt retry`` of one) gates a node on the tests of what it reads
BUILD_COMMAND = "build"
#: resource types that are tests (their results are checks, not relations)
TEST_TYPES = ("test", "unit_test")


def stored_runs(store: Store, schedule_name: str) -> list[dict[str, Any]]:
    """The schedule's stored runs, newest first."""
    return rows(store, "forensics_run_ids", schedule_name=schedule_name, unfinished=list(UNFINISHED_STATES))


def resolve_run(store: Store, schedule_name: str, run_id: Any = None) -> dict[str, Any]:
    """The stored run ``run_id`` (None: the latest stored run), or RunNotStoredError with
    the stored run ids nearest to it."""
    if run_id is None:
        found = stored_runs(store, schedule_name)
        if not found:
            raise NotLoadedError(f"no run of {schedule_name!r} is stored")
        run_id = found[0]["run_id"]
    number = _run_number(run_id)
    if number is not None:
        found = rows(store, "forensics_run", schedule_name=schedule_name, run_id=number)
        if found:
            run = found[0]
            run["in_progress"] = run["state"] in UNFINISHED_STATES
            return run
    ids = [r["run_id"] for r in stored_runs(store, schedule_name)]
    target = number if number is not None else 0
    nearest = sorted(ids, key=lambda i: (abs(i - target), -i))[:NEAREST_RUNS]
    raise RunNotStoredError(run_id, schedule_name, nearest)


def latest_finished_runs(store: Store, schedule_name: str, count: int = 2) -> list[int]:
    """The ``count`` latest finished stored runs, oldest first."""
    done = [r["run_id"] for r in stored_runs(store, schedule_name) if not r["in_progress"]]
    return list(reversed(done[:count]))


def _run_number(run_id: Any) -> int | None:
    if isinstance(run_id, bool):
        return None
    if isinstance(run_id, int):
        return run_id
    if isinstance(run_id, str) and run_id.strip().isdigit():
        return int(run_id.strip())
    return None


@dataclass
class Execution:
    """One result row of a node-executing command, with its span in epoch seconds."""

    command_index: int
    unique_id: str
    name: str | None
    resource_type: str | None
    status: str | None
    thread_id: str | None
    start: float | None
    end: float | None
    row: dict[str, Any] | None = field(repr=False)

    @property
    def timed(self) -> bool:
        return self.start is not None and self.end is not None and self.end >= self.start

    @property
    def duration(self) -> float:
        return (self.end - self.start) if self.timed else 0.0

    @property
    def started_at(self) -> datetime | None:
        return _moment(self.start)

    @property
    def ended_at(self) -> datetime | None:
        return _moment(self.end)


_EPOCH = datetime(1970, 1, 1)


def _moment(seconds: float | None) -> datetime | None:
    """Epoch seconds back to a naive UTC timestamp (to the microsecond)."""
    return None if seconds is None else _EPOCH + timedelta(microseconds=round(seconds * 1e6))


@dataclass
class CommandRun:
    """One command and, when it executes nodes, what it executed: ``timed`` holds each
    node's last timed execution in start order, ``deps`` the timed executions each waited for."""

    row: dict[str, Any]
    executions: list[Execution]
    timed: list[Execution]
    deps: dict[str, set[str]]
    threads: int

    @property
    def index(self) -> int:
        return self.row["command_index"]

    @property
    def phase_start(self) -> float | None:
        return self.timed[0].start if self.timed else None

    @property
    def phase_end(self) -> float | None:
        return max(x.end for x in self.timed) if self.timed else None


@dataclass
class RunData:
    schedule_name: str
    run: dict[str, Any]
    commands: list[CommandRun]

    @property
    def run_id(self) -> int:
        return self.run["run_id"]

    @property
    def wall_seconds(self) -> float | None:
        run = self.run
        if run["start_s"] is None or run["end_s"] is None:
            return None
        return run["end_s"] - run["start_s"]


def read_run(store: Store, schedule_name: str, run_id: Any = None, *, detail: bool = False) -> RunData:
    """The run's commands with their executions. ``detail``: every column the timeline
    shows (and no DAG); otherwise the spans and the DAG between them."""
    run = resolve_run(store, schedule_name, run_id)
    key = {"schedule_name": schedule_name, "run_id": run["run_id"]}
    by_command: dict[int, list[Execution]] = {}
    if detail:
        for r in rows(store, "forensics_results", **key):
            by_command.setdefault(r["command_index"], []).append(Execution(
                r["command_index"], r["unique_id"], r["name"], r["resource_type"], r["status"], r["thread_id"],
                r["start_s"], r["end_s"], r))
    graph: tuple[dict[str, str | None], dict[str, list[str]]] = ({}, {})
    if not detail:
        spans = _columns(store, "forensics_spans", key)
        if spans["unique_id"]:
            types, names, parents = _graph(store, key)
            graph = (types, parents)
            for ci, uid, status, thread, start, end in zip(spans["command_index"], spans["unique_id"], spans["status"],
                                                           spans["thread_id"], spans["start_s"], spans["end_s"]):
                by_command.setdefault(ci, []).append(Execution(
                    ci, uid, names.get(uid), types.get(uid), status, thread, _number(start), _number(end), None))
    commands_rows = rows(store, "forensics_commands", **key)
    profile_threads = max((c["threads_used"] or 0 for c in commands_rows if c["threads_configured"] is None), default=0)
    commands = []
    for c in commands_rows:
        execs = by_command.get(c["command_index"], [])
        last: dict[str, Execution] = {}
        for x in execs:
            if x.timed:
                last[x.unique_id] = x
        timed = sorted(last.values(), key=lambda x: (x.start, x.end))
        deps: dict[str, set[str]] = {}
        if not detail and timed:
            types, parents = graph
            eff = effective_parents(set(last), parents, types, build=c["dbt_command"] == BUILD_COMMAND,
                                    tests=TEST_TYPES)
            deps = eff
        threads = c["threads_configured"] or max(profile_threads, c["threads_used"] or 0, 1)
        commands.append(CommandRun(c, execs, timed, deps, threads))
    return RunData(schedule_name, run, commands)


def _columns(store: Store, name: str, params: dict[str, Any]) -> dict[str, list]:
    """A named query's result as Python lists per column (through NumPy: several times
    faster than tuples for the tens of thousands of rows of a big run)."""
    cur = store.cursor()
    try:
        cur.execute(sql(name), params)
        return {k: v.tolist() for k, v in cur.fetchnumpy().items()}
    finally:
        cur.close()


def _number(value: Any) -> float | None:
    """NumPy hands NULL doubles back as NaN."""
    return None if value is None or value != value else value


def _graph(store: Store, key: dict[str, Any]) -> tuple[dict[str, str | None], dict[str, str | None], dict[str, list[str]]]:
    nodes = _columns(store, "forensics_graph", key)
    types = dict(zip(nodes["unique_id"], nodes["resource_type"]))
    names = dict(zip(nodes["unique_id"], nodes["name"]))
    parents: dict[str, list[str]] = {}
    edges = _columns(store, "forensics_edges", key)
    for parent, child in zip(edges["parent_id"], edges["child_id"]):
        parents.setdefault(child, []).append(parent)
    return types, names, parents
