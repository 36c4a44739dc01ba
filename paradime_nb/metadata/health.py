"""Model health, failing tests, and the one-screen dashboard (rules: ``node_health`` in
``store/views.sql``, restated in ``MetadataClient.get_model_health``)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ..store import Store
from . import arguments
from .health_cache import ensure_health
from .queries import rows
from ..vocabulary import ERROR_STATUSES as _ERROR
from ..vocabulary import FAILING_TEST_STATUSES, HEALTH_PROBLEMS, STALE_FRESHNESS
from ..vocabulary import HEALTH_DISPLAY_ORDER
from ..vocabulary import OK_STATUSES as _OK
from .results import (
    FailingModel,
    HealthDashboard,
    HealthReport,
    ModelHealth,
    ResultList,
    RunSummary,
    SlowModel,
    SourceFreshness,
    TestResult,
)

HEALTH_ORDER = HEALTH_DISPLAY_ORDER  # the dashboard's count order (kept: importable name)


def model_health(store: Store, schedule_name: str, resource_type: str = "model") -> ResultList[ModelHealth]:
    """Models (or the seeds, snapshots, exposures: ``resource_type``) with their health."""
    ensure_health(store, schedule_name)
    out = [_model(r) for r in rows(store, "model_health", schedule_name=schedule_name, resource_type=resource_type)]
    return ResultList(out, ModelHealth)


def _model(r: dict, kind: type[ModelHealth] = ModelHealth, **extra: object) -> ModelHealth:
    r = {**r, "meta": _json(r["meta"]), "columns": _json(r["columns"]), "tags": list(r["tags"] or [])}
    return kind(**r, reasons=_reasons(r), **extra)


def _json(text: str | None) -> dict:
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {}


def _reasons(r: dict) -> list[str]:
    """Why a model has its health, in words (from the flags the view computes)."""
    status, run = r["status"], r["run_id"]
    out = []
    if status is None:
        if r["materialized"] != "ephemeral":
            out.append("never executed in the loaded runs")
    elif status in _ERROR or status not in _OK:
        out.append(f"{status} in run {run}")
    for count, verb in ((r["tests_failed"], "failed"), (r["tests_errored"], "errored"), (r["tests_warned"], "warned")):
        if count:
            out.append(f"{count} test{'s' if count > 1 else ''} {verb}")
    if r["upstream_source_error"]:
        out.append("an upstream source is past error_after")
    if r["upstream_critical"]:
        out.append("an upstream node is critical")
    if r["upstream_source_warn"]:
        out.append("an upstream source is past warn_after")
    return out


def health_report(metadata: Any, schedule_name: str) -> HealthReport:
    """The dashboard and its lists, from the analyses themselves (one definition of each list)."""
    dashboard = metadata.get_health_dashboard(schedule_name)
    slug = dashboard.schedule_name
    models = metadata.get_model_health(slug)
    tests = metadata.get_test_results(slug)
    freshness = metadata.get_source_freshness(slug)
    return HealthReport(
        **{f.name: getattr(dashboard, f.name) for f in dataclasses.fields(HealthDashboard)},
        unhealthy_models=ResultList([m for h in HEALTH_PROBLEMS for m in models if m.health_status == h],
                                    ModelHealth).of(slug),
        failing_tests=ResultList([t for t in tests if t.status in FAILING_TEST_STATUSES], TestResult).of(slug),
        warning_tests=ResultList([t for t in tests if t.status == "warn"], TestResult).of(slug),
        stale_source_checks=ResultList([s for s in freshness if s.status in STALE_FRESHNESS], SourceFreshness).of(slug),
    )


def failing_models(store: Store, schedule_name: str) -> ResultList[FailingModel]:
    """Models whose tests fail or error, most failures first, each a whole ``ModelHealth``."""
    ensure_health(store, schedule_name)
    failing = {r["unique_id"]: r["failing_tests"] for r in rows(store, "failing_models", schedule_name=schedule_name)}
    found = {r["unique_id"]: r for r in rows(store, "model_health", schedule_name=schedule_name, resource_type="model")
             if r["unique_id"] in failing}
    return ResultList([_model(found[uid], FailingModel, failing_tests=tests) for uid, tests in failing.items()
                       if uid in found], FailingModel)


def slowest_models(store: Store, schedule_name: str, limit: int = 10) -> ResultList[SlowModel]:
    arguments.count(limit, "limit", 0)
    return ResultList([SlowModel(**r) for r in rows(store, "slowest_models", schedule_name=schedule_name, limit=limit)],
                      SlowModel)


def dashboard(store: Store, schedule_name: str) -> HealthDashboard:
    ensure_health(store, schedule_name)
    models = {k: 0 for k in HEALTH_ORDER}
    for r in rows(store, "dashboard_models", schedule_name=schedule_name):
        models[r["health_status"]] = r["models"]
    tests = {r["status"]: r["tests"] for r in rows(store, "dashboard_tests", schedule_name=schedule_name)}
    executed = sum(v for k, v in tests.items() if k not in ("not run", "skipped"))
    sources = {r["status"]: r["sources"] for r in rows(store, "dashboard_sources", schedule_name=schedule_name)}
    run = rows(store, "latest_run", schedule_name=schedule_name)
    (avg,) = rows(store, "dashboard_execution", schedule_name=schedule_name)
    return HealthDashboard(
        schedule_name=schedule_name,
        run=RunSummary(**run[0]) if run else None,
        models_total=sum(models.values()),
        models_by_health=models,
        tests_total=sum(tests.values()),
        tests_by_status=tests,
        test_success_rate=100.0 * tests.get("pass", 0) / executed if executed else None,
        sources_total=sum(sources.values()),
        sources_checked=sum(v for k, v in sources.items() if k != "not checked"),
        sources_pass=sources.get("pass", 0),
        sources_warn=sources.get("warn", 0),
        sources_error=sources.get("error", 0) + sources.get("runtime error", 0),
        slowest_models=slowest_models(store, schedule_name, 5),
        avg_execution_time=avg["avg_execution_time"],
        failed_tests=sum(v for k, v in tests.items() if k in FAILING_TEST_STATUSES),
    )
