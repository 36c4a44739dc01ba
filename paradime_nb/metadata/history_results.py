"""Results of the questions over runs: performance over a window (with the SDK's figures),
a model's runs, each run at a glance, each test's record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

from .result_list import ResultList

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class ModelPerformance:
    """Execution times of one model over the runs of the window (skipped runs excluded)."""

    unique_id: str
    name: str
    runs: int
    mean: float | None
    p50: float | None
    p95: float | None
    max: float | None
    last: float | None
    last_run_id: int | None
    baseline_median: float | None
    change_pct: float | None
    regression: bool


@dataclass
class RunPerformance:
    run_id: int
    state: str | None
    started_at: datetime | None
    wall_seconds: float | None
    node_seconds: float | None
    nodes: int
    models: int


@dataclass
class PerformanceMetrics:
    """Per model and per run, over the stored runs of the last ``days`` days (counted back
    from the latest stored run)."""

    schedule_name: str
    days: float
    since: datetime | None
    until: datetime | None
    models: ResultList[ModelPerformance]
    runs: ResultList[RunPerformance]
    # the paradime-io SDK's figures
    slowest_models: list[dict[str, Any]] = field(default_factory=list)  # latest run: name, execution_time, status
    average_execution_time: float | None = None  # mean model execution in the window (seconds)
    success_rate: float | None = None  # percent of model executions in the window that succeeded
    performance_trend: list[dict[str, Any]] = field(default_factory=list)  # one dict per day

    @property
    def time_period_days(self) -> float:
        return self.days

    @property
    def total_runs(self) -> int:
        return len(self.runs)

    @property
    def regressions(self) -> ResultList[ModelPerformance]:
        return ResultList([m for m in self.models if m.regression], ModelPerformance)

    @property
    def note(self) -> str | None:
        """Why no regression can be flagged: fewer than 2 runs in the window."""
        if len(self.runs) >= 2:
            return None
        return (f"needs at least 2 runs to compare; {len(self.runs)} stored in the last {self.days:g} days "
                f"(load more: load({self.schedule_name!r}, runs=10))")

    def to_frame(self) -> pd.DataFrame:
        return self.models.to_frame()

    def _repr_html_(self) -> str:
        note = f"<p>{escape(self.note)}</p>" if self.note else ""
        return (f"<h4>{escape(self.schedule_name)}: {len(self.runs)} runs since {escape(str(self.since))}</h4>" + note
                + self.models._repr_html_() + "<p>runs</p>" + self.runs._repr_html_())


@dataclass
class TestRun:
    __test__ = False

    unique_id: str
    name: str
    status: str | None
    failures: int | None


@dataclass
class ModelRun:
    """One run in which the model executed (Discovery's modelHistoricalRuns)."""

    run_id: int
    run_started_at: datetime | None
    run_state: str | None
    dbt_command: str | None
    status: str | None
    execution_time: float | None
    execute_started_at: datetime | None
    execute_completed_at: datetime | None
    rows_affected: int | None
    message: str | None
    tests: list[TestRun]
    tests_failed: int
    tests_warned: int


@dataclass
class RunHistory:
    """One stored run at a glance: its commands and how its nodes, tests and sources ended
    (a node's final status in the run; ``recovered_nodes`` errored, then a retry fixed them)."""

    run_id: int
    state: str | None
    started_at: datetime | None
    duration_seconds: float | None
    commands: list[str]
    failed_commands: list[str]
    nodes_ok: int
    nodes_error: int
    nodes_skipped: int
    tests_pass: int
    tests_warn: int
    tests_fail: int
    sources_pass: int
    sources_warn: int
    sources_error: int
    errored_nodes: list[str]
    recovered_nodes: list[str]
    failed_tests: list[str]
    stale_sources: list[str]
    description: str | None


@dataclass
class TestHistory:
    """One test over the runs of the window: outcomes, failure rate, and flakiness
    (it flipped between pass and fail/warn more than once)."""

    __test__ = False

    unique_id: str
    name: str
    test_name: str | None
    tested_node: str | None
    runs: int
    passes: int
    warnings: int
    failures: int
    fail_rate: float | None
    flips: int
    flaky: bool
    last_status: str | None
    last_run_id: int | None
    statuses: list[str]
