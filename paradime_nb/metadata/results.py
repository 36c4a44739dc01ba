"""Typed results: dataclasses in a list that renders as a table.

Every analysis returns plain dataclasses (easy to test, to iterate, to pass on) inside a
``ResultList``, which adds ``.to_frame()`` (pandas, imported on use) and an HTML table
for notebooks. Composite answers (a dashboard, performance over runs) are dataclasses
holding such lists.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..vocabulary import CRITICAL, HEALTH_PROBLEMS, HEALTHY, OK_STATUSES, UNKNOWN, WARNING

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")

_HTML_ROWS = 50


class ResultList(list, Generic[T]):
    """A list of result records with ``.to_frame()`` and a notebook table."""

    #: the record type, so an empty list still knows its columns
    record_type: type | None = None
    #: the schedule the answer describes (set by the analyses)
    schedule_name: str | None = None

    def __init__(self, items: Iterable[T] = (), record_type: type | None = None) -> None:
        super().__init__(items)
        if record_type is not None:
            self.record_type = record_type
        elif self:
            self.record_type = type(self[0])

    def columns(self) -> list[str]:
        kind = self.record_type or (type(self[0]) if self else None)
        return [f.name for f in dataclasses.fields(kind)] if kind and dataclasses.is_dataclass(kind) else []

    def to_records(self) -> list[dict[str, Any]]:
        return [dataclasses.asdict(item) if dataclasses.is_dataclass(item) else dict(item) for item in self]

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd  # noqa: PLC0415

        return pd.DataFrame(self.to_records(), columns=self.columns() or None)

    def _repr_html_(self) -> str:
        head = f"<p>{escape(self.schedule_name)}</p>" if self.schedule_name else ""
        return head + _html_table(self.columns(), self.to_records(), len(self))

    def of(self, schedule_name: str) -> ResultList[T]:
        """This list, labelled with the schedule it describes."""
        self.schedule_name = schedule_name
        return self


@dataclass
class ModelHealth:
    """One model of the latest manifest with its latest execution, its tests and its health."""

    unique_id: str
    name: str
    version: str | None
    package_name: str | None
    materialized: str | None
    status: str | None
    run_id: int | None
    run_started_at: datetime | None
    execution_time: float | None
    message: str | None
    tests_total: int
    tests_passed: int
    tests_failed: int
    tests_warned: int
    tests_errored: int
    tests_skipped: int
    tests_not_run: int
    problem_tests: list[str]
    upstream_critical: bool
    upstream_source_error: bool
    upstream_source_warn: bool
    health_status: str
    reasons: list[str] = field(default_factory=list)
    # the paradime-io SDK's fields (its names; manifest facts of the latest manifest)
    resource_type: str = "model"
    executed_at: datetime | None = None
    schema_name: str | None = None
    database_name: str | None = None
    alias: str | None = None
    description: str | None = None
    meta: dict = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    owner: str | None = None
    language: str | None = None
    access: str | None = None
    compiled_sql: str | None = field(default=None, repr=False)
    raw_sql: str | None = field(default=None, repr=False)
    columns: dict = field(default_factory=dict, repr=False)
    depends_on: list[str] = field(default_factory=list)
    children_l1: list[str] = field(default_factory=list)
    parents_models: list[str] = field(default_factory=list)
    parents_sources: list[str] = field(default_factory=list)

    @property
    def total_tests(self) -> int:
        return self.tests_total

    @property
    def failed_tests(self) -> int:
        """Tests failing or erroring in the latest state (warnings are not failures)."""
        return self.tests_failed + self.tests_errored

    @property
    def materialized_type(self) -> str | None:
        return self.materialized

    @property
    def error_message(self) -> str | None:
        return self.message if self.status is not None and self.status not in OK_STATUSES else None


@dataclass
class TestResult:
    """One test of the latest manifest with its latest execution in the loaded runs."""

    unique_id: str
    name: str
    test_name: str | None
    test_type: str | None
    tested_node: str | None
    tested_node_name: str | None
    tested_nodes: list[str]
    column_name: str | None
    severity: str | None
    status: str | None
    failures: int | None
    message: str | None
    execution_time: float | None
    run_id: int | None
    run_started_at: datetime | None
    # the paradime-io SDK's fields
    executed_at: datetime | None = None
    depends_on_nodes: list[str] = field(default_factory=list)
    tested_models: list[str] = field(default_factory=list)  # names of the models it tests

    __test__ = False  # not a pytest class

    @property
    def error_message(self) -> str | None:
        return self.message if self.status is not None and self.status != "pass" else None


@dataclass
class FailingModel(ModelHealth):
    """A model with at least one test whose latest status is fail or error: its whole
    ``ModelHealth`` (the SDK returns those), and ``failing_tests`` (names)."""

    failing_tests: list[str] = field(default_factory=list)


@dataclass
class SourceFreshness:
    """One source of the latest manifest with its latest freshness check (None: never checked)."""

    unique_id: str
    source_name: str | None
    table_name: str | None
    status: str | None
    max_loaded_at: datetime | None
    snapshotted_at: datetime | None
    age_seconds: float | None
    warn_after_seconds: int | None
    warn_after_count: int | None
    warn_after_period: str | None
    error_after_seconds: int | None
    error_after_count: int | None
    error_after_period: str | None
    error: str | None
    run_id: int | None
    run_started_at: datetime | None
    # the paradime-io SDK's fields (manifest facts of the latest manifest)
    database: str | None = None
    schema_name: str | None = None
    identifier: str | None = None
    description: str | None = None
    source_description: str | None = None
    meta: dict = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    owner: str | None = None
    loader: str | None = None
    columns: dict = field(default_factory=dict, repr=False)
    tests: list[str] = field(default_factory=list)  # unique ids of the tests on this source

    @property
    def name(self) -> str | None:
        return self.table_name

    @property
    def freshness_status(self) -> str | None:
        return self.status

    @property
    def freshness_checked(self) -> bool:
        return self.status is not None

    @property
    def max_loaded_at_time_ago_in_s(self) -> float | None:
        return self.age_seconds

    @property
    def hours_since_load(self) -> float | None:
        return None if self.age_seconds is None else self.age_seconds / 3600.0

    @property
    def warn_after_hours(self) -> float | None:
        return None if self.warn_after_seconds is None else self.warn_after_seconds / 3600.0

    @property
    def error_after_hours(self) -> float | None:
        return None if self.error_after_seconds is None else self.error_after_seconds / 3600.0

    @property
    def criteria(self) -> dict[str, Any]:
        return {"warn_after": {"count": self.warn_after_count, "period": self.warn_after_period},
                "error_after": {"count": self.error_after_count, "period": self.error_after_period}}


@dataclass
class LineageNode:
    """A node reached by a lineage walk. ``level`` is the shortest distance from the start
    (in ``select_nodes``: 0 for selected nodes, negative for ancestors)."""

    unique_id: str
    name: str | None
    resource_type: str | None
    level: int | None
    status: str | None
    health_status: str | None
    execution_time: float | None = None
    executed_at: datetime | None = None


class LineageResult(ResultList[LineageNode]):
    """Nodes of a walk (no tests), with the tests reached kept apart in ``tests`` and
    ``summary``: counts by health and the exposures reached."""

    record_type = LineageNode

    def __init__(self, items: Iterable[LineageNode] = (), *, root: list[str] | None = None, direction: str = "",
                 depth: int | None = None, tests: Iterable[LineageNode] = ()) -> None:
        super().__init__(items, LineageNode)
        self.root = list(root or [])
        self.direction = direction
        self.depth = depth
        self.tests: ResultList[LineageNode] = ResultList(tests, LineageNode)
        self.summary = LineageSummary.of(self, self.tests)

    @property
    def unique_ids(self) -> list[str]:
        return [n.unique_id for n in self]

    # --- the SDK's DependencyImpact names (affected nodes by their health) ---------------

    @property
    def failed_model(self) -> str:
        """The node whose impact this is (its unique id when one root)."""
        return ", ".join(self.root)

    @property
    def critical_models(self) -> list[str]:
        return [n.name or n.unique_id for n in self if n.health_status == CRITICAL]

    @property
    def warning_models(self) -> list[str]:
        return [n.name or n.unique_id for n in self if n.health_status == WARNING]

    @property
    def potentially_affected(self) -> list[str]:
        """Affected nodes neither critical nor warning today (healthy or unknown)."""
        return [n.name or n.unique_id for n in self if n.health_status not in HEALTH_PROBLEMS]

    @property
    def total_affected(self) -> int:
        return len(self)

    def _repr_html_(self) -> str:
        head = f"<p><b>{escape(self.direction)}</b> of {escape(', '.join(self.root))}: {escape(str(self.summary))}</p>"
        return head + super()._repr_html_()


@dataclass
class LineageSummary:
    """Counts by health (nodes and tests apart), and the exposures reached."""

    nodes: int
    by_health: dict[str, int]
    by_resource_type: dict[str, int]
    tests: int
    tests_by_health: dict[str, int]
    exposures: list[str]
    exposures_at_risk: list[str]

    @classmethod
    def of(cls, nodes: list[LineageNode], tests: list[LineageNode]) -> LineageSummary:
        exposures = [n for n in nodes if n.resource_type == "exposure"]
        return cls(
            nodes=len(nodes),
            by_health=_count(n.health_status or UNKNOWN for n in nodes),
            by_resource_type=_count(n.resource_type or "unknown" for n in nodes),
            tests=len(tests),
            tests_by_health=_count(t.health_status or UNKNOWN for t in tests),
            exposures=[n.name or n.unique_id for n in exposures],
            exposures_at_risk=[n.name or n.unique_id for n in exposures if n.health_status in HEALTH_PROBLEMS],
        )

    def __str__(self) -> str:
        health = ", ".join(f"{v} {k}" for k, v in self.by_health.items()) or "none"
        text = f"{self.nodes} nodes ({health}), {self.tests} tests"
        if self.exposures:
            text += f"; exposures: {', '.join(self.exposures)}"
        if self.exposures_at_risk:
            text += f" (at risk: {', '.join(self.exposures_at_risk)})"
        return text


@dataclass
class SlowModel:
    unique_id: str
    name: str
    materialized: str | None
    status: str | None
    execution_time: float | None
    run_id: int
    run_started_at: datetime | None


@dataclass
class RunSummary:
    """The run an answer describes."""

    run_id: int
    state: str | None
    started_at: datetime | None
    ended_at: datetime | None
    duration_seconds: float | None


@dataclass
class HealthDashboard:
    """One schedule at a glance: health of models, tests, sources, the run, the slowest models."""

    schedule_name: str
    run: RunSummary | None
    models_total: int
    models_by_health: dict[str, int]
    tests_total: int
    tests_by_status: dict[str, int]
    test_success_rate: float | None
    sources_total: int
    sources_checked: int
    sources_pass: int
    sources_warn: int
    sources_error: int  # past error_after, or the check itself failed (runtime error)
    slowest_models: ResultList[SlowModel]
    avg_execution_time: float | None = None  # mean over the models' latest executions (seconds)
    failed_tests: int = 0  # distinct tests failing or erroring in their latest execution

    # --- the SDK's names ---------------------------------------------------------------
    @property
    def total_models(self) -> int:
        return self.models_total

    @property
    def healthy_models(self) -> int:
        return self.models_by_health.get(HEALTHY, 0)

    @property
    def warning_models(self) -> int:
        return self.models_by_health.get(WARNING, 0)

    @property
    def critical_models(self) -> int:
        return self.models_by_health.get(CRITICAL, 0)

    @property
    def total_tests(self) -> int:
        return self.tests_total

    @property
    def stale_sources(self) -> int:
        """Sources past warn_after or error_after, or whose check failed."""
        return self.sources_warn + self.sources_error

    @property
    def last_updated(self) -> datetime | None:
        """When the latest loaded run ended (or started, if it has no end)."""
        return None if self.run is None else (self.run.ended_at or self.run.started_at)

    def to_frame(self) -> pd.DataFrame:
        """One row per figure (metric, value)."""
        import pandas as pd  # noqa: PLC0415

        return pd.DataFrame(list(self._figures()), columns=["metric", "value"])

    def _figures(self) -> Iterable[tuple[str, Any]]:
        if self.run is not None:
            yield "run", f"{self.run.run_id} {self.run.state or ''} {self.run.started_at or ''}".strip()
        yield "models", self.models_total
        for k, v in self.models_by_health.items():
            yield f"models {k}", v
        yield "tests", self.tests_total
        for k, v in self.tests_by_status.items():
            yield f"tests {k}", v
        yield "test success rate (%)", None if self.test_success_rate is None else round(self.test_success_rate, 2)
        yield "sources", self.sources_total
        yield "sources checked", self.sources_checked
        yield "sources warn", self.sources_warn
        yield "sources error", self.sources_error

    def _repr_html_(self) -> str:
        rows = [{"metric": k, "value": v} for k, v in self._figures()]
        return (f"<h4>{escape(self.schedule_name)}</h4>" + _html_table(["metric", "value"], rows, len(rows))
                + "<p>slowest models</p>" + self.slowest_models._repr_html_())


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


def _count(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list):
        return escape(", ".join(str(v) for v in value))
    return escape(str(value))


def _html_table(columns: list[str], records: list[dict[str, Any]], total: int) -> str:
    if not columns:
        return "<p>(no rows)</p>"
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in records[:_HTML_ROWS]
    )
    more = f"<p>{total - _HTML_ROWS} more rows; .to_frame() has them all</p>" if total > _HTML_ROWS else ""
    rows = "row" if total == 1 else "rows"
    return f"<table class='paradime-result'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{total} {rows}</p>{more}"
