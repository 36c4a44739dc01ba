"""``client.metadata``: answer questions with SQL over the store.

Loading is not done here: a ``Loader`` (``paradime_nb.loading``, given by ``Paradime``) is
asked for it, through the small ``RunLoader`` protocol below, so this package imports
neither sources nor the loader. ``load``, ``schedules`` and ``list_runs`` stay on
``client.metadata`` as documented aliases of ``Paradime.load`` and friends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import duckdb

from ..errors import NotLoadedError, QueryError
from ..store import Store
from . import column_lineage as _column_lineage
from . import arguments, catalog_history, check, dbt_tests, freshness, health, history, lineage, performance, quality, selectors, user_sql
from .forensics import critical_path as run_path
from .forensics import replay as run_replay
from .forensics import run_diff
from .forensics import timeline as run_timeline
from .forensics.results import CriticalPath, RunComparison, RunTimeline, WhatIf
from .quality_results import Coverage, OwnerHealth, Recommendations, RelationStats, SchemaChanges
from .column_results import ColumnImpact, ColumnLineageResult, ColumnLineageStatus
from .health_cache import clear_caches
from .queries import frame as _frame
from .queries import rows as _rows
from .resolve import resolve_node
from .results import (
    FailingModel,
    HealthDashboard,
    HealthReport,
    LineageResult,
    ModelHealth,
    ModelRun,
    PerformanceMetrics,
    ResultList,
    RunHistory,
    SlowModel,
    SourceFreshness,
    TestHistory,
    TestResult,
)
from .sdk import SdkNames, pick_depth

if TYPE_CHECKING:
    import pandas as pd

    from .rules import StagingLayer


# a model name with dbt's graph operators around it ("2+orders+", "Orders"), nothing else
_PLAIN_NAME = re.compile(r"^(?P<up>(?:\d*\+)?)(?P<name>[A-Za-z_][\w.]*)(?P<down>(?:\+\d*)?)$")


class RunLoader(Protocol):
    """What the metadata client needs of a loader (``paradime_nb.loading.Loader``)."""

    def load(self, schedule_name: str, runs: int | None = 1, days: float | None = None, *,
             include_running: bool = False, refresh: bool = False, progress: bool | None = None) -> Any: ...

    def schedules(self) -> list[Any]: ...

    def list_runs(self, schedule_name: str, limit: int | None = 20, days: float | None = None) -> pd.DataFrame: ...

    def close(self) -> None: ...


class MetadataClient(SdkNames):
    """Analyses over the store. Each one names a schedule (slug or display name); a
    schedule with no stored run has its latest finished run loaded first (by the loader).
    The paradime-io SDK's method names (``get_upstream_health``, ``query``,
    ``refresh_metadata``, ...) come from ``SdkNames``."""

    def __init__(self, store: Store, loader: RunLoader | None = None) -> None:
        self._store = store
        self._loader = loader
        #: let user SQL (query_sql, %%paradime query, the jupysql connection) change the store
        self.sql_writes = False

    # --- loading (aliases of Paradime.load, .schedules, .list_runs) ----------------------

    def load(
        self,
        schedule_name: str,
        runs: int | None = 1,
        days: float | None = None,
        *,
        include_running: bool = False,
        refresh: bool = False,
        progress: bool | None = None,
        column_lineage: bool = False,
    ) -> Any:
        """Load the latest ``runs`` runs, or every run started in the ``days`` days before
        the newest run the source lists (the analyses' windows count back from the latest
        stored run the same way); returns a ``LoadReport``.

        ``runs`` counts finished runs: a run still in progress is listed in the report
        (``skipped_running``) but neither loaded nor counted, unless ``include_running``.
        Runs already stored are skipped; ``refresh=True`` fetches the listed runs again (from
        the API: asked and downloaded anew, bypassing and rewriting the download cache) and
        replaces the stored runs with what was fetched. Each run is
        stored in one transaction: a run that fails to load leaves the store as it was.
        ``column_lineage=True`` derives the latest manifest's column lineage now rather
        than on the first column question."""
        arguments.count(runs, "runs", optional=True)
        if days is not None:
            days = arguments.days(days)
        report = self._require_loader().load(schedule_name, runs=runs, days=days, include_running=include_running,
                                             refresh=refresh, progress=progress)
        if column_lineage and (report.loaded or report.already_stored):
            _column_lineage.lineage_key(self._store, report.schedule_name)
        return report

    def schedules(self) -> list[Any]:
        """Schedules the source offers."""
        return self._require_loader().schedules()

    def loaded_schedules(self) -> list[str]:
        return self._store.schedules()

    def list_runs(self, schedule_name: str, limit: int | None = 20, days: float | None = None) -> pd.DataFrame:
        """The schedule's runs as the source lists them, newest first (at most ``limit``, or
        those started in the ``days`` days before the newest one), with ``loaded`` telling
        which are stored. Lists only: no artifact is fetched."""
        arguments.count(limit, "limit", optional=True)
        return self._require_loader().list_runs(schedule_name, limit=limit,
                                                days=None if days is None else arguments.days(days))

    def stored_runs_summary(self) -> pd.DataFrame:
        """Per schedule in the store: runs loaded, first and last start, the latest run."""
        return _frame(self._store, "stored_runs_summary")

    # --- SQL --------------------------------------------------------------------------

    def query_sql(
        self,
        sql: str,
        schedule_name: str | None = None,
        parameters: Sequence[Any] | Mapping[str, Any] | None = None,
        *,
        write: bool = False,
    ) -> pd.DataFrame:
        """Run SQL on the store; ``parameters`` (a list for ``?``, a dict for ``$name``) are
        bound, never formatted in. Read-only unless ``write=True`` (``UPDATE``, ``DROP``,
        ``CREATE``, ``COPY``... are refused; ``read_csv`` of a local file is a read); after a
        write the cached answers are dropped. Every error is one ``QueryError`` line.

        With ``schedule_name`` the schedule is loaded if needed and, when the SQL has a
        ``$schedule_name`` parameter (not inside a literal or a comment), bound to it."""
        cur = self._store.cursor()
        try:
            parsed = user_sql.statements(cur, sql)
        finally:
            cur.close()
        wanted = user_sql.placeholders(parsed)
        if schedule_name is not None:
            slug = self.ensure_loaded(schedule_name)
            if "schedule_name" in wanted and (parameters is None or isinstance(parameters, Mapping)):
                parameters = {**(parameters or {}), "schedule_name": slug}
        user_sql.check_parameters(wanted, parameters)
        changes = bool(user_sql.writes(parsed))
        if changes and not (write or self.sql_writes):
            user_sql.refuse_writes(parsed)
        try:
            return self._store.query(sql, parameters)
        except duckdb.Error as exc:
            raise QueryError(user_sql.one_line(exc)) from None
        finally:
            if changes:
                self._store.changed()
                clear_caches(self._store)

    # --- the analyses (each loads the schedule's latest run first if none is stored) ----

    def get_model_health(self, schedule_name: str) -> ResultList[ModelHealth]:
        """Every model of the latest manifest: its status in the latest loaded run that
        executed it (``run_id``, ``run_started_at``: how stale), execution time, tests
        (total / passed / failed / warned / errored / skipped / not run) and
        ``health_status``, worst first, with ``reasons`` in words.

        Rules (own part, then upstream at any distance):

        - ``Critical``: the model errored (``error``, ``runtime error``), or one of its
          tests failed or errored with severity error; or an upstream source is past
          ``error_after``.
        - ``Warning``: a test warned (or failed with severity warn); the model was skipped,
          partially succeeded, or has a status we do not recognise; an upstream model,
          seed or snapshot is critical (or a source whose error-severity test failed); an
          upstream source is past ``warn_after`` or its freshness check hit a runtime error.
        - ``Unknown``: never executed in the loaded runs and no test of it failed or warned
          (it stays unknown whatever is upstream). Ephemeral models are never executed: their health comes from their
          tests and upstream only.
        - ``Healthy``: everything else (``success``, ``no-op``, ``reused``).

        A test's result is its latest execution in the loaded runs; a singular test that
        reads several models counts for each of them. In lineage answers, sources are
        critical past ``error_after`` or with a failing error-severity test, warnings past
        ``warn_after`` (or a failed check, or a warning test), unknown if nothing about them
        was ever checked; exposures (and analyses, metrics) take the worst health of the
        models and sources they read.
        """
        slug = self.ensure_loaded(schedule_name)
        return health.model_health(self._store, slug).of(slug)

    def get_health_dashboard(self, schedule_name: str) -> HealthDashboard:
        """Models by health, distinct tests by latest status (a test on two models counts
        once; unit tests and tests on sources count), the test success rate (pass over
        tests that ran and were not skipped), sources checked / pass / warn / error, the
        latest loaded run (id, state, start, end, duration) and the 5 slowest models."""
        return health.dashboard(self._store, self.ensure_loaded(schedule_name))

    def get_health_check(self, schedule_name: str) -> check.HealthCheck:
        """Every model, seed, snapshot, source, exposure and test of the latest manifest with
        its health and reasons in words; ``.at_or_above("warning")`` and ``.unhealthy`` pick
        the nodes an alert is about, ``.counts()`` counts them by kind and health. A test is
        critical when it failed or errored with severity error, a warning when it warned,
        failed with severity warn or was skipped, unknown when never run."""
        return check.health_check(self._store, self.ensure_loaded(schedule_name))

    def get_health_report(self, schedule_name: str) -> HealthReport:
        """``get_health_dashboard`` plus the lists a person reads first: models not healthy
        (Critical, then Warning), failing tests (fail or error), tests that warned, stale
        sources (warn, error or a failed check). What the health card, the terminal
        summary and the CLI show."""
        return health.health_report(self, self.ensure_loaded(schedule_name))

    def get_models_with_failing_tests(self, schedule_name: str) -> ResultList[FailingModel]:
        """Models with at least one test whose latest status is fail or error, with those tests."""
        return health.failing_models(self._store, self.ensure_loaded(schedule_name))

    def get_test_results(self, schedule_name: str, failed_only: bool = False) -> ResultList[TestResult]:
        """Each test of the latest manifest once, with its latest execution in the loaded
        runs (never run: status None). ``failed_only`` keeps status fail and error."""
        slug = self.ensure_loaded(schedule_name)
        return dbt_tests.test_results(self._store, slug, failed_only).of(slug)

    def get_source_freshness(self, schedule_name: str) -> ResultList[SourceFreshness]:
        """Each source of the latest manifest with its latest freshness check in the loaded
        runs: status (None: never checked), max loaded at, snapshotted at, age, thresholds
        in seconds with their count and period, error text of runtime errors."""
        slug = self.ensure_loaded(schedule_name)
        return freshness.source_freshness(self._store, slug).of(slug)

    def get_upstream_model_health(self, model_name: str, schedule_name: str, depth: int | None = None,
                                  max_depth: int | None = None) -> LineageResult:
        """Everything ``model_name`` depends on, to ``depth`` levels (None: all), each with
        its level (shortest distance), type, status and health; the tests of those nodes
        (and of the model) in ``.tests``; counts in ``.summary``. ``model_name``: a name, a
        unique id, ``source_name.table_name``; a versioned model means its latest version.
        ``max_depth`` is the SDK's name for ``depth``."""
        depth = pick_depth(depth, max_depth)
        return lineage.upstream(self._store, self.ensure_loaded(schedule_name), model_name, depth)

    def get_downstream_impact(self, model_name: str, schedule_name: str, depth: int | None = None,
                              max_depth: int | None = None) -> LineageResult:
        """Everything that depends on ``model_name``, exposures included, to ``depth``
        levels (None: all; ``max_depth`` is the SDK's name); tests reached in ``.tests``;
        ``.summary`` counts by health and names the exposures reached (and those at risk).
        The SDK's DependencyImpact names answer too: ``critical_models``, ``warning_models``,
        ``potentially_affected`` (names by health), ``total_affected``, ``failed_model``."""
        depth = pick_depth(depth, max_depth)
        return lineage.downstream(self._store, self.ensure_loaded(schedule_name), model_name, depth)

    def select_nodes(self, schedule_name: str, selector: str, *, with_edges: bool = False) -> LineageResult:
        """What a dbt selector selects in the latest manifest, with dbt's meaning:
        ``"+customers"``, ``"orders+2"``, ``"2+orders+"``, ``"@orders"``, ``"tag:finance"``,
        ``"source:raw+"``, ``"exposure:weekly_kpis"``, ``"path:models/staging"``, unions
        (space) and intersections (comma). Tests selected (eagerly, like dbt) are in
        ``.tests``; ``level`` is 0 for matched nodes, >0 below them, <0 above. With
        ``with_edges`` the result carries ``.edges`` among its nodes (what a graph draws)."""
        slug = self.ensure_loaded(schedule_name)
        result = self._select(slug, selector)
        if with_edges:
            result.edges = self.get_lineage_edges(slug, result.unique_ids)
        return result

    def _select(self, slug: str, selector: str) -> LineageResult:
        result = selectors.select(self._store, slug, selector)
        plain = _PLAIN_NAME.match(selector.strip())
        if result or not plain:
            return result
        # a plain name (with graph operators) that matched nothing: the resolver every
        # command uses decides (case, versions, close matches, ambiguity)
        node = resolve_node(self._store, slug, plain.group("name"))
        if node.resource_type == "source" or node.name is None:
            return result
        return selectors.select(self._store, slug, f"{plain.group('up')}{node.name}{plain.group('down')}")

    def get_lineage_edges(self, schedule_name: str, unique_ids: Iterable[str]) -> list[tuple[str, str]]:
        """The (parent, child) depends_on edges among ``unique_ids`` in the latest manifest:
        what a graph of a lineage result draws."""
        found = _rows(self._store, "lineage_edges", schedule_name=self.ensure_loaded(schedule_name), ids=list(unique_ids))
        return [(r["parent_id"], r["child_id"]) for r in found]

    def get_column_lineage(self, node_column: str | Sequence[str], schedule_name: str, direction: str = "up",
                           depth: int | None = None) -> ColumnLineageResult:
        """Where a column comes from (``direction="up"``) or where it goes (``"down"``), to
        ``depth`` levels (None: all), from the compiled SQL of the latest manifest.
        ``node_column``: ``"stg_payments.amount"``, a unique id with ``.column``, or
        ``(node, column)``. Each column comes with its node, level, the edge kind that
        reached it (passthrough, renamed, transformed, aggregated, filter: a join key,
        filter or grouping) and the node's health; downstream, the exposures reading a
        node are named. ``.stopped`` lists nodes whose SQL could not be (fully) read, with
        why. Edges are derived on the first question about a manifest, then stored."""
        return _column_lineage.column_lineage(self._store, self.ensure_loaded(schedule_name), node_column, direction,
                                             depth)

    def get_column_impact(self, node_column: str | Sequence[str], schedule_name: str,
                          depth: int | None = None) -> ColumnImpact:
        """What changing a column touches downstream: columns and models reached (by health),
        exposures reached and those at risk, and where the answer is incomplete."""
        return _column_lineage.column_impact(self._store, self.ensure_loaded(schedule_name), node_column, depth)

    def get_column_lineage_status(self, schedule_name: str) -> ResultList[ColumnLineageStatus]:
        """Per model and snapshot of the latest manifest: ``ok``, ``partial`` or
        ``unparsed``, with the reason and the dialect its SQL was read in."""
        return _column_lineage.lineage_status(self._store, self.ensure_loaded(schedule_name))

    def get_slowest_models(self, schedule_name: str, limit: int = 10) -> ResultList[SlowModel]:
        """The slowest models of the latest loaded run that executed models (skipped left out)."""
        return health.slowest_models(self._store, self.ensure_loaded(schedule_name), limit)

    def get_performance_metrics(self, schedule_name: str, days: float = 7) -> PerformanceMetrics:
        """Over the stored runs started in the ``days`` days before the latest one: per model
        the run count, mean, p50, p95, max and last execution time, the change of the last
        against the median of the earlier ones and a ``regression`` flag (at least 1.5x and
        1 s slower, with 2 earlier runs); per run the wall time and the sum of node times."""
        return performance.performance_metrics(self._store, self.ensure_loaded(schedule_name), days)

    def get_model_history(self, model_name: str, schedule_name: str, last: int = 20) -> ResultList[ModelRun]:
        """The model's last ``last`` runs, newest first: status, timings, rows, message, and
        the results of its tests in that run."""
        slug = self.ensure_loaded(schedule_name)
        return history.model_history(self._store, slug, model_name, last).of(slug)

    def get_test_history(self, schedule_name: str, days: float = 30) -> ResultList[TestHistory]:
        """Per test over the runs of the last ``days`` days (counted back from the latest
        stored run): runs, passes, warnings, failures (fail or error), fail rate, and
        ``flaky`` when it flipped between pass and fail/warn more than once."""
        slug = self.ensure_loaded(schedule_name)
        return history.test_history(self._store, slug, days).of(slug)

    def get_run_history(self, schedule_name: str, last: int | None = 20) -> ResultList[RunHistory]:
        """The stored runs, newest first (``last``: how many; None: all): commands, nodes
        ok / errored / skipped, tests by status, sources by freshness, and what failed."""
        slug = self.ensure_loaded(schedule_name)
        return history.run_history(self._store, slug, last).of(slug)

    # --- run forensics (metadata/forensics/) ----------------------------------------------

    def get_run_timeline(self, schedule_name: str, run_id: int | None = None) -> RunTimeline:
        """Every node execution of the run (default: the latest stored) with its command,
        thread, start, end, duration and status; the commands with the gaps between them;
        the threads used; the results without timing and why. A run still going is partial
        (``in_progress``)."""
        return run_timeline.run_timeline(self._store, self.ensure_loaded(schedule_name), run_id)

    def get_critical_path(self, schedule_name: str, run_id: int | None = None) -> CriticalPath:
        """The chain of dependent node executions that bounded the run's wall time (each
        node waited for its last parent, or for a free thread), each with its duration and
        share of the run; per-command segments; per-node ``slack``. ``computable`` is False,
        with the ``reason``, when the run holds no usable timings."""
        return run_path.critical_path(self._store, self.ensure_loaded(schedule_name), run_id)

    def what_if(self, schedule_name: str, changes: Mapping[str, float | str], run_id: int | None = None) -> WhatIf:
        """The run's estimated wall time if the named nodes took ``changes[name]`` seconds (a
        number) or that factor of their time (``"2x"``, ``"x0.5"``), replaying its DAG with
        its thread count. ``replayed_wall_seconds`` is the replay unchanged (the model's
        error on this run, ``within_tolerance`` of the documented bound)."""
        return run_replay.what_if(self._store, self.ensure_loaded(schedule_name), changes, run_id)

    def compare_runs(self, schedule_name: str, run_a: int | None = None, run_b: int | None = None,
                     duration_threshold: float = run_diff.DURATION_THRESHOLD_SECONDS) -> RunComparison:
        """What changed from ``run_a`` to ``run_b`` (default: the latest two finished runs;
        ``run_a`` alone is compared with the latest finished run): nodes added / removed /
        changed, status transitions, new and resolved test failures, freshness, duration
        changes of at least ``duration_threshold`` seconds (and 20 %), the wall-time change
        by command and critical path, and both runs' commits and commands."""
        return run_diff.compare_runs(self._store, self.ensure_loaded(schedule_name), run_a, run_b, duration_threshold)

    # --- project quality and the warehouse side (quality.py, catalog_history.py) --------

    def get_coverage(self, schedule_name: str, by: str | None = None) -> Coverage:
        """Test and documentation coverage of the latest manifest: models with a data test,
        with a primary-key test, documented; columns tested and documented; sources with
        freshness; counts and percents overall and, with ``by`` ("folder", "tag", "owner",
        "package"), per group (a model with two tags counts in both)."""
        return quality.coverage(self._store, self.ensure_loaded(schedule_name), by)

    def get_recommendations(
        self,
        schedule_name: str,
        rules: Iterable[str] | None = None,
        thresholds: Mapping[str, float] | None = None,
        staging: StagingLayer | None = None,
    ) -> Recommendations:
        """One finding per rule broken (``metadata.rules.RULES``: id, severity, threshold),
        with node, reason and fix; ``rules`` picks rule ids, ``thresholds`` overrides
        thresholds by rule id, ``staging`` says how the staging layer is recognised. A rule
        needing a field the manifest's schema version lacks is reported not applicable."""
        return quality.recommendations(self._store, self.ensure_loaded(schedule_name), rules, thresholds, staging)

    def get_health_by_owner(self, schedule_name: str) -> ResultList[OwnerHealth]:
        """Health counts and unhealthy nodes per owner (``meta.owner`` or
        ``config.meta.owner``, else the group's owner, else an exposure's owner)."""
        return quality.health_by_owner(self._store, self.ensure_loaded(schedule_name))

    def get_relation_stats(self, schedule_name: str, days: float = 30) -> RelationStats:
        """Per relation, row count and bytes (where the adapter reports them) over the runs
        of the last ``days`` days that wrote a catalog, first against last."""
        return catalog_history.relation_stats(self._store, self.ensure_loaded(schedule_name), days)

    def get_schema_changes(self, schedule_name: str, days: float = 30) -> SchemaChanges:
        """Relations added or gone, columns added, removed or retyped, between each catalog
        of the last ``days`` days and the catalog before it."""
        return catalog_history.schema_changes(self._store, self.ensure_loaded(schedule_name), days)

    # --- helpers for the analyses -----------------------------------------------------

    def ensure_loaded(self, schedule_name: str) -> str:
        """The schedule's slug, loading its latest finished run first if none is stored."""
        stored = self._store.stored_schedule(schedule_name)
        if stored is not None and stored["has_runs"]:
            return stored["schedule_name"]
        if self._loader is None:
            raise NotLoadedError(f"schedule {schedule_name!r} is not loaded and this client has no source to load it from")
        report = self.load(schedule_name, runs=1)
        if not (report.loaded or report.already_stored):
            running = f" (run {', '.join(map(str, report.skipped_running))} is still running)" if report.skipped_running else ""
            raise NotLoadedError(f"schedule {schedule_name!r} has no finished run to load{running}")
        return report.schedule_name

    def _require_loader(self) -> RunLoader:
        if self._loader is None:
            raise NotLoadedError("this client reads a store only; it has no source to load runs from")
        return self._loader

    @property
    def store(self) -> Store:
        return self._store
