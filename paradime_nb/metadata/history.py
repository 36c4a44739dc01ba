"""History over the stored runs: each run at a glance, a model's runs one by one
(Discovery's modelHistoricalRuns), and each test's record (failure rate, flakiness)."""

from __future__ import annotations

from ..store import Store
from ..vocabulary import FAILING_TEST_STATUSES
from . import arguments
from .queries import rows
from .resolve import EXECUTABLE, resolve_node
from .results import ModelRun, ResultList, RunHistory, TestHistory, TestRun

_BAD = FAILING_TEST_STATUSES


def model_history(store: Store, schedule_name: str, model_name: str, last: int = 20) -> ResultList[ModelRun]:
    arguments.count(last, "last")
    node = resolve_node(store, schedule_name, model_name, EXECUTABLE)
    out = []
    for r in rows(store, "model_history", schedule_name=schedule_name, unique_id=node.unique_id, last=last):
        tests = [TestRun(**t) for t in r.pop("tests")]
        out.append(ModelRun(**r, tests=tests,
                            tests_failed=sum(t.status in _BAD for t in tests),
                            tests_warned=sum(t.status == "warn" for t in tests)))
    return ResultList(out, ModelRun)


def test_history(store: Store, schedule_name: str, days: float = 30) -> ResultList[TestHistory]:
    days = arguments.days(days)
    (window,) = rows(store, "window_runs", schedule_name=schedule_name, days=float(days))
    if window["until"] is None:
        return ResultList([], TestHistory)
    out = []
    for r in rows(store, "test_history", schedule_name=schedule_name, since=window["since"]):
        out.append(TestHistory(**r, fail_rate=r["failures"] / r["runs"] if r["runs"] else None, flaky=r["flips"] > 1))
    return ResultList(out, TestHistory)


test_history.__test__ = False  # type: ignore[attr-defined]


def run_history(store: Store, schedule_name: str, last: int | None = 20) -> ResultList[RunHistory]:
    arguments.count(last, "last", optional=True)
    found = rows(store, "run_history", schedule_name=schedule_name, last=last)
    return ResultList([RunHistory(**r) for r in found], RunHistory)
