"""Typed answers of the run forensics: a run's timeline, its critical path, a what-if
replay, and the comparison of two runs. Lists are ``ResultList`` (``.to_frame()``, HTML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from ..results import ResultList

if TYPE_CHECKING:
    import pandas as pd


# --- timeline -------------------------------------------------------------------------------


@dataclass
class TimelineNode:
    """One node execution: its span runs from the start of compile to the end of execute.
    ``offset_seconds`` counts from the run's start; None fields mean no timing recorded."""

    command_index: int
    dbt_command: str | None
    unique_id: str
    name: str | None
    resource_type: str | None
    status: str | None
    thread_id: str | None
    started_at: datetime | None
    ended_at: datetime | None
    duration_seconds: float | None
    compile_seconds: float | None
    execute_seconds: float | None
    offset_seconds: float | None
    message: str | None


@dataclass
class TimelineCommand:
    """One command of the run; ``gap_before_seconds`` is the idle time since the previous one ended."""

    command_index: int
    command: str | None
    dbt_command: str | None
    exit_code: int | None
    started_at: datetime | None
    ended_at: datetime | None
    duration_seconds: float | None
    gap_before_seconds: float | None
    offset_seconds: float | None
    executes_nodes: bool
    nodes: int
    nodes_timed: int
    threads_configured: int | None
    threads_used: int
    running: bool


@dataclass
class UntimedNode:
    """A result without a start or end: ``reason`` says why (skipped nodes never start)."""

    command_index: int
    unique_id: str
    name: str | None
    status: str | None
    reason: str


@dataclass
class RunTimeline:
    """Every executed node of one run on its thread, the commands around them, and what
    has no timing. ``in_progress``: the run was still going when loaded (partial)."""

    schedule_name: str
    run_id: int
    state: str | None
    started_at: datetime | None
    ended_at: datetime | None
    wall_seconds: float | None
    in_progress: bool
    commands: ResultList[TimelineCommand]
    nodes: ResultList[TimelineNode]
    untimed: ResultList[UntimedNode]
    threads: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def gaps_seconds(self) -> float:
        return sum(c.gap_before_seconds or 0.0 for c in self.commands)

    def to_frame(self) -> pd.DataFrame:
        return self.nodes.to_frame()

    def __str__(self) -> str:
        flag = " (in progress: partial)" if self.in_progress else ""
        return (f"run {self.run_id} of {self.schedule_name}{flag}: {len(self.nodes)} node executions in "
                f"{len(self.commands)} commands on {len(self.threads)} threads, wall {_secs(self.wall_seconds)}")

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{escape(n)}</li>" for n in self.notes)
        return (f"<p><b>{escape(str(self))}</b></p>" + (f"<ul>{notes}</ul>" if notes else "")
                + self.commands._repr_html_() + self.nodes._repr_html_())


# --- critical path ----------------------------------------------------------------------------


@dataclass
class CriticalPathNode:
    """A node on the chain that bounded the run. ``waited_for`` says what released it:
    ``parent`` (its last dependency finished), ``thread`` (a thread came free) or
    ``command start``; ``wait_seconds`` is the time between that and its own start."""

    command_index: int
    dbt_command: str | None
    unique_id: str
    name: str | None
    resource_type: str | None
    status: str | None
    thread_id: str | None
    started_at: datetime | None
    ended_at: datetime | None
    duration_seconds: float
    share: float | None
    waited_for: str
    waited_on: str | None
    wait_seconds: float


@dataclass
class CommandSegment:
    """One command's part of the run's wall time: on the critical path, its nodes' time
    and the rest (start-up, scheduling, the tail after the last node)."""

    command_index: int
    dbt_command: str | None
    command: str | None
    duration_seconds: float | None
    gap_before_seconds: float | None
    path_nodes: int
    path_node_seconds: float
    overhead_seconds: float | None
    share: float | None
    threads: int | None


@dataclass
class NodeSlack:
    """How much longer a node could have taken without delaying the run (same threads,
    same order). Zero: it is on the critical path."""

    command_index: int
    unique_id: str
    name: str | None
    resource_type: str | None
    duration_seconds: float
    slack_seconds: float
    critical: bool


@dataclass
class CriticalPath:
    """The chain of dependent node executions that bounded the run's wall time.

    ``computable`` is False (with ``reason``) when the run holds no usable timings;
    ``partial`` when the run was still going."""

    schedule_name: str
    run_id: int
    state: str | None
    wall_seconds: float | None
    path_seconds: float
    computable: bool
    reason: str | None
    partial: bool
    nodes: ResultList[CriticalPathNode]
    commands: ResultList[CommandSegment]
    slack: ResultList[NodeSlack]
    notes: list[str] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        return self.path_seconds / self.wall_seconds if self.wall_seconds else None

    def to_frame(self) -> pd.DataFrame:
        return self.nodes.to_frame()

    def __str__(self) -> str:
        if not self.computable:
            return f"critical path of run {self.run_id}: cannot be computed: {self.reason}"
        share = f" ({self.share:.0%} of the wall time {_secs(self.wall_seconds)})" if self.share is not None else ""
        return (f"critical path of run {self.run_id}: {len(self.nodes)} nodes, {_secs(self.path_seconds)} "
                f"of node time{share}")

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{escape(n)}</li>" for n in self.notes)
        return (f"<p><b>{escape(str(self))}</b></p>" + (f"<ul>{notes}</ul>" if notes else "")
                + self.nodes._repr_html_() + "<p>commands</p>" + self.commands._repr_html_())


@dataclass
class ChangedDuration:
    unique_id: str
    name: str | None
    executions: int
    seconds_before: float
    seconds_after: float


@dataclass
class CommandReplay:
    command_index: int
    dbt_command: str | None
    threads: int
    nodes: int
    real_seconds: float
    replayed_seconds: float
    estimated_seconds: float


@dataclass
class WhatIf:
    """A DAG replay with the run's threads: ``replayed_wall_seconds`` is the run replayed
    unchanged (its distance to ``real_wall_seconds`` is the model's error on this run),
    ``estimated_wall_seconds`` the run with ``changes`` applied."""

    schedule_name: str
    run_id: int
    real_wall_seconds: float
    replayed_wall_seconds: float
    estimated_wall_seconds: float
    replay_error_seconds: float
    within_tolerance: bool
    changes: ResultList[ChangedDuration]
    commands: ResultList[CommandReplay]

    @property
    def saving_seconds(self) -> float:
        """Estimated change against the unchanged replay (negative: faster)."""
        return self.estimated_wall_seconds - self.replayed_wall_seconds

    def to_frame(self) -> pd.DataFrame:
        return self.commands.to_frame()

    def __str__(self) -> str:
        return (f"run {self.run_id}: real {_secs(self.real_wall_seconds)}, replayed {_secs(self.replayed_wall_seconds)}"
                f", estimated {_secs(self.estimated_wall_seconds)} ({self.saving_seconds:+.1f} s)")

    def _repr_html_(self) -> str:
        return f"<p><b>{escape(str(self))}</b></p>" + self.changes._repr_html_() + self.commands._repr_html_()


# --- run comparison ---------------------------------------------------------------------------


@dataclass
class RunSide:
    """One of the two runs compared."""

    run_id: int
    state: str | None
    started_at: datetime | None
    ended_at: datetime | None
    wall_seconds: float | None
    git_branch: str | None
    git_commit: str | None
    pull_request_id: str | None
    actor: str | None
    description: str | None
    commands: list[str]
    critical_path_seconds: float | None


@dataclass
class NodeChange:
    """A node added to, removed from or changed in the manifest (``fields``: what changed)."""

    unique_id: str
    name: str | None
    resource_type: str | None
    change: str
    fields: list[str]


@dataclass
class StatusChange:
    """A node, test or source whose final status moved (``transition`` names how)."""

    unique_id: str
    name: str | None
    resource_type: str | None
    kind: str
    status_a: str | None
    status_b: str | None
    transition: str


@dataclass
class TestFailure:
    __test__ = False

    unique_id: str
    name: str | None
    status: str | None
    failures: int | None
    message: str | None
    run_id: int


@dataclass
class FreshnessChange:
    unique_id: str
    source_name: str | None
    table_name: str | None
    status_a: str | None
    status_b: str | None
    age_seconds_a: float | None
    age_seconds_b: float | None
    max_loaded_at_a: datetime | None
    max_loaded_at_b: datetime | None


@dataclass
class DurationChange:
    unique_id: str
    name: str | None
    resource_type: str | None
    seconds_a: float | None
    seconds_b: float | None
    delta_seconds: float
    change_pct: float | None
    on_critical_path: bool


@dataclass
class WallTimeItem:
    """One part of the wall-time change: a command (matched by position among commands of
    the same kind), the idle time between commands, or a node on either critical path."""

    kind: str
    name: str
    seconds_a: float | None
    seconds_b: float | None
    delta_seconds: float


@dataclass
class RunComparison:
    """What changed from run ``a`` to run ``b`` of one schedule."""

    schedule_name: str
    a: RunSide
    b: RunSide
    nodes: ResultList[NodeChange]
    statuses: ResultList[StatusChange]
    new_test_failures: ResultList[TestFailure]
    resolved_test_failures: ResultList[TestFailure]
    freshness: ResultList[FreshnessChange]
    durations: ResultList[DurationChange]
    wall_time: ResultList[WallTimeItem]
    explanation: str
    notes: list[str] = field(default_factory=list)

    @property
    def wall_delta_seconds(self) -> float | None:
        if self.a.wall_seconds is None or self.b.wall_seconds is None:
            return None
        return self.b.wall_seconds - self.a.wall_seconds

    def transitions(self, transition: str) -> ResultList[StatusChange]:
        return ResultList([s for s in self.statuses if s.transition == transition], StatusChange)

    def to_frame(self) -> pd.DataFrame:
        """One row per finding: section, unique_id, name, detail."""
        import pandas as pd  # noqa: PLC0415

        rows = [("node " + n.change, n.unique_id, n.name, ", ".join(n.fields)) for n in self.nodes]
        rows += [(s.transition, s.unique_id, s.name, f"{s.status_a} -> {s.status_b}") for s in self.statuses]
        rows += [("new test failure", t.unique_id, t.name, t.message) for t in self.new_test_failures]
        rows += [("resolved test failure", t.unique_id, t.name, t.message) for t in self.resolved_test_failures]
        rows += [("freshness", f.unique_id, f"{f.source_name}.{f.table_name}", f"{f.status_a} -> {f.status_b}")
                 for f in self.freshness]
        rows += [("duration", d.unique_id, d.name, f"{d.delta_seconds:+.2f} s") for d in self.durations]
        return pd.DataFrame(rows, columns=["section", "unique_id", "name", "detail"])

    def __str__(self) -> str:
        return f"run {self.a.run_id} -> {self.b.run_id} of {self.schedule_name}: {self.explanation}"

    def _repr_html_(self) -> str:
        parts = [f"<p><b>{escape(str(self))}</b></p>"]
        for title, items in (("status changes", self.statuses), ("new test failures", self.new_test_failures),
                             ("resolved test failures", self.resolved_test_failures), ("nodes", self.nodes),
                             ("freshness", self.freshness), ("durations", self.durations),
                             ("wall time", self.wall_time)):
            parts.append(f"<p>{title}</p>" + items._repr_html_())
        return "".join(parts)


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"
