"""Which stored run a forensics question is about, and the run read as executions per command.

A command's executions carry the DAG dbt scheduled them by (``dag.py``), so the timeline,
the critical path and the replay all read one ``RunData``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from ...errors import NotLoadedError, RunNotStoredError
from ...store import Store
from ...store.store import UNFINISHED_STATES
from .. import arguments
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
    run_id = arguments.run_id(run_id)
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
        return moment(self.start)

    @property
    def ended_at(self) -> datetime | None:
        return moment(self.end)


_EPOCH = datetime(1970, 1, 1)


def moment(seconds: float | None) -> datetime | None:
    """Epoch seconds back to a naive UTC timestamp (to the microsecond)."""
    return None if seconds is None else _EPOCH + timedelta(microseconds=round(seconds * 1e6))


@dataclass
class Spans:
    """The last timed execution of each node of one node-executing command, in start order
    (arrays, one entry per node), and the DAG dbt scheduled them by: ``dep_node`` waited for
    ``dep_parent`` (positions in this order)."""

    uid: np.ndarray
    name: np.ndarray
    resource_type: np.ndarray
    status: np.ndarray
    thread_id: np.ndarray
    thread: np.ndarray  # thread as a number, -1: none recorded
    start: np.ndarray
    end: np.ndarray
    dep_node: np.ndarray
    dep_parent: np.ndarray

    def __len__(self) -> int:
        return len(self.start)

    @property
    def duration(self) -> np.ndarray:
        return self.end - self.start

    @property
    def phase_start(self) -> float:
        return float(self.start[0])

    @property
    def phase_end(self) -> float:
        return float(self.end.max())


@dataclass
class CommandRun:
    """One command and, when it executes nodes, what it executed: ``executions`` every
    result (read with ``detail``), ``results`` how many there are, ``timed`` (read without
    ``detail``) each node's last timed execution in start order with the DAG between them."""

    row: dict[str, Any]
    executions: list[Execution]
    results: int
    timed: Spans | None
    threads: int

    @property
    def index(self) -> int:
        return self.row["command_index"]


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
    """The run's commands with their executions. ``detail``: every result with every column
    the timeline shows (and no DAG); otherwise each command's timed spans and the DAG."""
    run = resolve_run(store, schedule_name, run_id)
    key = {"schedule_name": schedule_name, "run_id": run["run_id"]}
    commands_rows = rows(store, "forensics_commands", **key)
    profile_threads = max((c["threads_used"] or 0 for c in commands_rows if c["threads_configured"] is None), default=0)
    by_command: dict[int, list[Execution]] = {}
    spans: dict[int, tuple[int, Spans | None]] = {}
    if detail:
        for r in rows(store, "forensics_results", **key):
            by_command.setdefault(r["command_index"], []).append(Execution(
                r["command_index"], r["unique_id"], r["name"], r["resource_type"], r["status"], r["thread_id"],
                r["start_s"], r["end_s"], r))
    else:
        builds = {c["command_index"] for c in commands_rows if c["dbt_command"] == BUILD_COMMAND}
        spans = _spans(store, key, builds)
    commands = []
    for c in commands_rows:
        execs = by_command.get(c["command_index"], [])
        results, timed = spans.get(c["command_index"], (len(execs), None))
        threads = c["threads_configured"] or max(profile_threads, c["threads_used"] or 0, 1)
        commands.append(CommandRun(c, execs, results, timed, threads))
    return RunData(schedule_name, run, commands)


def _fetch(cur: Any, name: str, params: dict[str, Any]) -> dict[str, np.ndarray]:
    """A named query's columns as NumPy arrays, NULLs as None (DuckDB masks them)."""
    cur.execute(sql(name), params)
    out = {}
    for column, values in cur.fetchnumpy().items():
        if isinstance(values, np.ma.MaskedArray):
            plain = values.data.astype(object)
            plain[np.ma.getmaskarray(values)] = None
            values = plain
        out[column] = values
    return out


def _spans(store: Store, key: dict[str, Any], builds: set[int]) -> dict[int, tuple[int, Spans | None]]:
    """command index -> (its result count, its timed spans with the DAG, or None)."""
    cur = store.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")  # one snapshot for the numbering and what joins to it
        cur.execute(sql("forensics_graph_ids"), key)  # a temporary table of this cursor
        res = _fetch(cur, "forensics_graph_spans", key)
        if not len(res["node"]):
            return {}
        nodes = _fetch(cur, "forensics_graph_nodes", {**key, "test_types": list(TEST_TYPES)})
        edges = _fetch(cur, "forensics_graph_edges", key)
        cur.execute("COMMIT")
    finally:
        cur.close()
    n = len(nodes["unique_id"])
    kind = np.asarray(nodes["kind"], dtype=np.int8)
    parent = np.asarray(edges["parent"], dtype=np.int64)
    child = np.asarray(edges["child"], dtype=np.int64)
    command = np.asarray(res["command_index"], dtype=np.int64)
    node = np.asarray(res["node"], dtype=np.int64)
    start = np.asarray(res["start_s"], dtype=np.float64)
    end = np.asarray(res["end_s"], dtype=np.float64)
    thread = np.asarray(res["thread"], dtype=np.int64)
    timed = ~np.isnan(start) & ~np.isnan(end) & (end >= start)
    out: dict[int, tuple[int, Spans | None]] = {}
    bounds = np.flatnonzero(np.r_[True, command[1:] != command[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        ci = int(command[lo])
        rows_ = np.arange(lo, hi)[timed[lo:hi]]
        if not len(rows_):
            out[ci] = (int(hi - lo), None)
            continue
        # each node's last timed execution (results come in start order), placed where the
        # node first ran with a timing, then all in (start, end) order
        rev = rows_[::-1]
        _, last_at = np.unique(node[rev], return_index=True)
        last = rev[last_at]
        _, first_at = np.unique(node[rows_], return_index=True)
        order = np.lexsort((first_at, end[last], start[last]))
        picked = last[order]
        ids = node[picked]
        executed = np.zeros(n, dtype=bool)
        executed[ids] = True
        dep_node, dep_parent = effective_parents(n, parent, child, executed, kind, build=ci in builds)
        position = np.full(n, -1, dtype=np.int64)
        position[ids] = np.arange(len(ids))
        out[ci] = (int(hi - lo), Spans(
            nodes["unique_id"][ids], nodes["name"][ids], nodes["resource_type"][ids], res["status"][picked],
            res["thread_id"][picked], thread[picked], start[picked], end[picked],
            position[dep_node], position[dep_parent]))
    return out
