"""Execution times over the stored runs: per model (spread, last against the usual, a
regression flag) and per run (wall time against the node time it holds)."""

from __future__ import annotations

import math

from ..store import Store
from . import arguments
from .health import slowest_models
from .queries import rows
from .results import ModelPerformance, PerformanceMetrics, ResultList, RunPerformance

#: a model regressed when its last time is at least this factor of the median of its
#: earlier runs in the window ...
REGRESSION_FACTOR = 1.5
#: ... and at least this many seconds slower (sub-second jitter is not a regression) ...
REGRESSION_MIN_SECONDS = 1.0
#: ... with at least this many earlier runs to compare with.
REGRESSION_MIN_BASELINE_RUNS = 2


def performance_metrics(store: Store, schedule_name: str, days: float = 7) -> PerformanceMetrics:
    days = arguments.days(days)
    (window,) = rows(store, "window_runs", schedule_name=schedule_name, days=float(days))
    since, until = window["since"], window["until"]
    models: list[ModelPerformance] = []
    runs: list[RunPerformance] = []
    summary: dict = {"average_execution_time": None, "success_rate": None}
    trend: list[dict] = []
    if until is not None:
        for r in rows(store, "performance_models", schedule_name=schedule_name, since=since):
            models.append(_model(r))
        runs = [RunPerformance(**r) for r in rows(store, "performance_runs", schedule_name=schedule_name, since=since)]
        (summary,) = rows(store, "performance_summary", schedule_name=schedule_name, since=since)
        trend = rows(store, "performance_trend", schedule_name=schedule_name, until=until, days=math.ceil(days))
    slowest = [{"name": m.name, "execution_time": m.execution_time, "status": m.status}
               for m in slowest_models(store, schedule_name, 10)]
    return PerformanceMetrics(schedule_name, float(days), since, until, ResultList(models, ModelPerformance),
                              ResultList(runs, RunPerformance), slowest_models=slowest,
                              performance_trend=trend, **summary)


def _model(r: dict) -> ModelPerformance:
    last, base = r["last"], r["baseline_median"]
    change = (last - base) / base * 100.0 if last is not None and base else None
    regression = bool(
        r["runs"] - 1 >= REGRESSION_MIN_BASELINE_RUNS
        and last is not None and base is not None
        and last >= REGRESSION_FACTOR * base
        and last - base >= REGRESSION_MIN_SECONDS
    )
    return ModelPerformance(**r, change_pct=change, regression=regression)
