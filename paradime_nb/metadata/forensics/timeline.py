"""A run's timeline: every node execution on its thread, the commands and the gaps between them."""

from __future__ import annotations

from typing import Any

from ...store import Store, gc_paused
from ..results import ResultList
from .results import RunTimeline, TimelineCommand, TimelineNode, UntimedNode
from .runs import RunData, read_run

#: the status of a node dbt decided not to run (its results have no timing by nature)
SKIPPED = "skipped"

NO_TIMING_SKIPPED = "skipped: never started"
NO_TIMING_RUNNING = "its command was still running"
NO_TIMING_MISSING = "no timing recorded (an old run_results schema, or an interrupted command)"


def run_timeline(store: Store, schedule_name: str, run_id: Any = None) -> RunTimeline:
    with gc_paused():  # a record per execution: tens of thousands on a big run
        return timeline_of(read_run(store, schedule_name, run_id, detail=True))


def timeline_of(data: RunData) -> RunTimeline:
    run = data.run
    origin = run["start_s"]
    commands: list[TimelineCommand] = []
    nodes: list[TimelineNode] = []
    untimed: list[UntimedNode] = []
    threads: set[str] = set()
    previous_end: float | None = None
    for cmd in data.commands:
        c = cmd.row
        running = c["exit_code"] is None and run["in_progress"]
        gap = c["start_s"] - previous_end if c["start_s"] is not None and previous_end is not None else None
        previous_end = c["end_s"] if c["end_s"] is not None else previous_end
        timed = 0
        for x in cmd.executions:
            r = x.row
            if x.timed:
                timed += 1
                if x.thread_id:
                    threads.add(x.thread_id)
            else:
                reason = (NO_TIMING_SKIPPED if x.status == SKIPPED else NO_TIMING_RUNNING if running
                          else NO_TIMING_MISSING)
                untimed.append(UntimedNode(x.command_index, x.unique_id, x.name, x.status, reason))
            nodes.append(TimelineNode(
                x.command_index, c["dbt_command"], x.unique_id, x.name, x.resource_type, x.status, x.thread_id,
                r["started_at"] if x.timed else None, r["ended_at"] if x.timed else None,
                x.duration if x.timed else None, r["compile_seconds"], r["execute_seconds"],
                x.start - origin if x.timed and origin is not None else None, r["message"]))
        commands.append(TimelineCommand(
            c["command_index"], c["command"], c["dbt_command"], c["exit_code"], c["started_at"], c["ended_at"],
            c["duration_seconds"], gap, c["start_s"] - origin if c["start_s"] is not None and origin is not None else None,
            bool(c["executes_nodes"]), len(cmd.executions), timed, c["threads_configured"], c["threads_used"] or 0,
            running))
    notes = _notes(data, untimed)
    return RunTimeline(
        data.schedule_name, data.run_id, run["state"], run["started_at"], run["ended_at"], data.wall_seconds,
        run["in_progress"], ResultList(commands, TimelineCommand), ResultList(nodes, TimelineNode),
        ResultList(untimed, UntimedNode), sorted(threads, key=_thread_order), notes)


def _notes(data: RunData, untimed: list[UntimedNode]) -> list[str]:
    notes = []
    if data.run["in_progress"]:
        notes.append(f"run {data.run_id} was still {data.run['state']} when loaded: the timeline is partial")
    by_reason: dict[str, int] = {}
    for u in untimed:
        by_reason[u.reason] = by_reason.get(u.reason, 0) + 1
    for reason, count in by_reason.items():
        notes.append(f"{count} node result{'s' if count != 1 else ''} without timing: {reason}")
    for cmd in data.commands:
        if cmd.row["executes_nodes"] and not cmd.executions:
            notes.append(f"command {cmd.index} ({cmd.row['command']}) executes nodes but left no results")
    return notes


def _thread_order(name: str) -> tuple[int, str]:
    """Thread-2 before Thread-10."""
    digits = "".join(ch if ch.isdigit() else " " for ch in name).split()
    return (int(digits[0]) if digits else -1, name)
