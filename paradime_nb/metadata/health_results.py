"""Results of the health questions: model health, tests, freshness, the dashboard (with
the SDK's attribute names beside ours)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

from ..vocabulary import CRITICAL, HEALTHY, OK_STATUSES, WARNING
from .result_list import ResultList, _html_table

if TYPE_CHECKING:
    import pandas as pd


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
class HealthReport(HealthDashboard):
    """``get_health_report``: the dashboard (every field, unchanged) plus the lists the card,
    the terminal summary and the CLI show: ``unhealthy_models`` (Critical, then Warning),
    ``failing_tests`` (latest status fail or error), ``warning_tests`` (warn) and
    ``stale_source_checks`` (past warn_after or error_after, or the check failed)."""

    unhealthy_models: ResultList = field(default_factory=ResultList)
    failing_tests: ResultList = field(default_factory=ResultList)
    warning_tests: ResultList = field(default_factory=ResultList)
    stale_source_checks: ResultList = field(default_factory=ResultList)

    @classmethod
    def fetch(cls, metadata: Any, schedule_name: str) -> HealthReport:
        """``metadata.get_health_report(schedule_name)`` (kept for code that called this)."""
        return metadata.get_health_report(schedule_name)
