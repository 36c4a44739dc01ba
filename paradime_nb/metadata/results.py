"""Typed results, by question (``result_list``, ``health_results``, ``lineage_results``,
``history_results``); every name stays importable from here."""

from __future__ import annotations

from .health_results import (
    FailingModel,
    HealthDashboard,
    HealthReport,
    ModelHealth,
    RunSummary,
    SlowModel,
    SourceFreshness,
    TestResult,
)
from .lineage_results import LineageNode, LineageResult, LineageSummary
from .result_list import ResultList, _html_table
from .history_results import ModelPerformance, ModelRun, PerformanceMetrics, RunHistory, RunPerformance, TestHistory, TestRun

__all__ = [
    "FailingModel", "HealthDashboard", "HealthReport", "LineageNode", "LineageResult", "LineageSummary", "ModelHealth",
    "ModelPerformance", "ModelRun", "PerformanceMetrics", "ResultList", "RunHistory", "RunPerformance", "RunSummary",
    "SlowModel", "SourceFreshness", "TestHistory", "TestResult", "TestRun", "_html_table",
]
