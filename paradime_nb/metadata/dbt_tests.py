"""dbt tests of the latest manifest with their latest results (``dbt_tests``, not ``tests``,
so test runners never mistake it for a test module)."""

from __future__ import annotations

from ..store import Store
from .queries import rows
from .results import ResultList, TestResult


def test_results(store: Store, schedule_name: str, failed_only: bool = False) -> ResultList[TestResult]:
    found = rows(store, "test_results", schedule_name=schedule_name, failed_only=bool(failed_only))
    return ResultList([TestResult(**r) for r in found], TestResult)


test_results.__test__ = False  # type: ignore[attr-defined]
