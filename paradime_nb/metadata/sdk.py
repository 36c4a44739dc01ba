"""The paradime-io SDK's method names on ``client.metadata`` (``../shared/sdk-interface.md``).

Code written against the SDK runs unchanged on ``Paradime``: each name here is one call
into an analysis of ``MetadataClient`` (no second implementation), with the SDK's argument
names and defaults. The SDK's result attribute names live on the result types themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgumentError
from . import health
from .health_cache import clear_caches
from .lineage import check_depth
from .queries import rows
from .results import (
    FailingModel,
    LineageResult,
    ModelHealth,
    PerformanceMetrics,
    ResultList,
    SourceFreshness,
    TestResult,
)

if TYPE_CHECKING:
    from .client import MetadataClient

#: the SDK's default walk depth for its own names (ours: the whole graph)
SDK_MAX_DEPTH = 10


@dataclass
class MetadataResponse:
    """``query()``: everything about a schedule in one object, as the SDK returns it."""

    schedule_name: str
    models: ResultList[ModelHealth] = field(default_factory=ResultList)
    tests: ResultList[TestResult] = field(default_factory=ResultList)
    sources: ResultList[SourceFreshness] = field(default_factory=ResultList)
    seeds: ResultList[ModelHealth] = field(default_factory=ResultList)
    snapshots: ResultList[ModelHealth] = field(default_factory=ResultList)
    exposures: ResultList[ModelHealth] = field(default_factory=ResultList)
    dependencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    query_timestamp: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(tzinfo=None))


def pick_depth(depth: int | None, max_depth: int | None) -> int | None:
    """``depth`` (ours) or ``max_depth`` (the SDK's): the same limit, checked the same way."""
    check_depth(depth)
    check_depth(max_depth, "max_depth")
    if depth is not None and max_depth is not None and depth != max_depth:
        raise InvalidArgumentError(f"depth={depth} and max_depth={max_depth} disagree; pass one of them")
    return depth if depth is not None else max_depth


class SdkNames:
    """Mixed into ``MetadataClient``: the SDK's names for our analyses."""

    # --- aliases of our analyses ---------------------------------------------------------

    def get_upstream_health(self: MetadataClient, model_name: str, schedule_name: str,
                            max_depth: int | None = SDK_MAX_DEPTH) -> LineageResult:
        """The SDK's name for ``get_upstream_model_health`` (its default: 10 levels)."""
        return self.get_upstream_model_health(model_name, schedule_name, max_depth=max_depth)

    def get_failing_models(self: MetadataClient, schedule_name: str) -> ResultList[FailingModel]:
        """The SDK's name for ``get_models_with_failing_tests``."""
        return self.get_models_with_failing_tests(schedule_name)

    def get_performance_summary(self: MetadataClient, schedule_name: str, days: float = 7) -> PerformanceMetrics:
        """The SDK's name for ``get_performance_metrics``."""
        return self.get_performance_metrics(schedule_name, days)

    def get_test_data(self: MetadataClient, schedule_name: str) -> ResultList[TestResult]:
        """Every test of the latest manifest with its latest execution (``get_test_results``)."""
        return self.get_test_results(schedule_name)

    def get_seed_data(self: MetadataClient, schedule_name: str) -> ResultList[ModelHealth]:
        """Seeds of the latest manifest with their latest execution, tests and health."""
        return health.model_health(self.store, self.ensure_loaded(schedule_name), "seed")

    def get_snapshot_data(self: MetadataClient, schedule_name: str) -> ResultList[ModelHealth]:
        """Snapshots of the latest manifest with their latest execution, tests and health."""
        return health.model_health(self.store, self.ensure_loaded(schedule_name), "snapshot")

    def get_exposure_data(self: MetadataClient, schedule_name: str) -> ResultList[ModelHealth]:
        """Exposures with the worst health of what they read."""
        return health.model_health(self.store, self.ensure_loaded(schedule_name), "exposure")

    # --- the SDK's composite and streaming calls ----------------------------------------------

    def query(self: MetadataClient, schedule_name: str, include_models: bool = True, include_tests: bool = True,
              include_sources: bool = True) -> MetadataResponse:
        """Models, tests, sources, seeds, snapshots, exposures and the dependency graph at once."""
        slug = self.ensure_loaded(schedule_name)
        return MetadataResponse(
            schedule_name=slug,
            models=self.get_model_health(slug) if include_models else ResultList((), ModelHealth),
            tests=self.get_test_results(slug) if include_tests else ResultList((), TestResult),
            sources=self.get_source_freshness(slug) if include_sources else ResultList((), SourceFreshness),
            seeds=self.get_seed_data(slug) if include_models else ResultList((), ModelHealth),
            snapshots=self.get_snapshot_data(slug) if include_models else ResultList((), ModelHealth),
            exposures=self.get_exposure_data(slug) if include_models else ResultList((), ModelHealth),
            dependencies=self.get_dependency_graph_cached(slug),
        )

    def get_model_health_stream(self: MetadataClient, schedule_name: str,
                                batch_size: int = 100) -> Iterator[list[ModelHealth]]:
        """``get_model_health`` in lists of at most ``batch_size`` (worst first)."""
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise InvalidArgumentError(f"batch_size must be an int >= 1, not {batch_size!r}")
        models = self.get_model_health(schedule_name)
        for start in range(0, len(models), batch_size):
            yield ResultList(models[start:start + batch_size], ModelHealth)

    def get_dependency_graph_cached(self: MetadataClient, schedule_name: str) -> dict[str, dict[str, Any]]:
        """``{unique_id: {"name", "parents", "children"}}`` for every node of the latest
        manifest (tests included, as in dbt's parent and child maps)."""
        found = rows(self.store, "dependency_graph", schedule_name=self.ensure_loaded(schedule_name))
        return {r["unique_id"]: {"name": r["name"], "parents": list(r["parents"]), "children": list(r["children"])}
                for r in found}

    # --- lifecycle -------------------------------------------------------------------------

    def refresh_metadata(self: MetadataClient, schedule_name: str) -> Any:
        """Load the schedule's latest finished run again (replacing the stored copy)."""
        return self.load(schedule_name, runs=1, refresh=True)

    def clear_cache(self: MetadataClient, schedule_name: str | None = None) -> None:
        """Forget the derived answers (health snapshots, lineage graphs) of one schedule or
        all; stored runs stay. Every write already invalidates them: this is for the SDK's
        callers, and to free memory."""
        slug = None if schedule_name is None else self.ensure_loaded(schedule_name)
        clear_caches(self.store, slug)

    def close(self: MetadataClient) -> None:
        """Close the store and the source (the same as ``Paradime.close()``)."""
        if self._loader is not None:
            self._loader.close()
        self.store.close()
