"""``client.metadata``: load runs, then answer questions with SQL over the store."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import NotLoadedError
from ..sources.model import RunSource, ScheduleInfo
from ..store import Store
from .loading import LoadReport, load_runs

if TYPE_CHECKING:
    import pandas as pd

_SCHEDULE_PARAM = re.compile(r"\$schedule_name\b")


class MetadataClient:
    """Analyses over the store. Each one names a schedule (slug or display name); a
    schedule with no stored run has its latest run loaded first."""

    def __init__(self, store: Store, source: RunSource | None, *, strict: bool = False) -> None:
        self._store = store
        self._source = source
        self._strict = strict

    # --- loading --------------------------------------------------------------------

    def load(
        self,
        schedule_name: str,
        runs: int | None = 1,
        days: float | None = None,
        *,
        include_running: bool = False,
        refresh: bool = False,
        progress: bool | None = None,
    ) -> LoadReport:
        """Load the latest ``runs`` runs, or every run started in the last ``days`` days.

        Runs already stored are skipped (``refresh=True`` fetches them again); a run still
        in progress is skipped unless ``include_running``. Each run is stored in one
        transaction: a run that fails to load leaves the store as it was."""
        if runs is not None and runs < 1:
            raise ValueError("runs must be at least 1")
        schedule = self._resolve(schedule_name)
        return load_runs(
            self._store, self._require_source(), schedule, runs=runs, days=days,
            include_running=include_running, refresh=refresh, strict=self._strict, progress=progress,
        )

    def schedules(self) -> list[ScheduleInfo]:
        """Schedules the source offers."""
        return self._require_source().schedules()

    def loaded_schedules(self) -> list[str]:
        return self._store.schedules()

    # --- SQL --------------------------------------------------------------------------

    def query_sql(
        self,
        sql: str,
        schedule_name: str | None = None,
        parameters: Sequence[Any] | Mapping[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Run SQL on the store; ``parameters`` (list or dict) are bound, never formatted in.

        With ``schedule_name`` the schedule is loaded if needed and, when the SQL mentions
        ``$schedule_name``, bound to it (the slug)."""
        if schedule_name is not None:
            slug = self.ensure_loaded(schedule_name)
            if _SCHEDULE_PARAM.search(sql) and (parameters is None or isinstance(parameters, Mapping)):
                parameters = {**(parameters or {}), "schedule_name": slug}
        return self._store.query(sql, parameters)

    # --- helpers for the analyses -----------------------------------------------------

    def ensure_loaded(self, schedule_name: str) -> str:
        """The schedule's slug, loading its latest run first if none is stored."""
        slug = self._stored_slug(schedule_name)
        if slug is not None and self._store.fetchall("SELECT 1 FROM runs WHERE schedule_name = ? LIMIT 1", [slug]):
            return slug
        if self._source is None:
            raise NotLoadedError(f"schedule {schedule_name!r} is not loaded and this client has no source to load it from")
        report = self.load(schedule_name, runs=1)
        if not (report.loaded or report.already_stored):
            raise NotLoadedError(f"schedule {schedule_name!r} has no finished run to load")
        return report.schedule_name

    def _stored_slug(self, name: str) -> str | None:
        rows = self._store.fetchall(
            "SELECT schedule_name FROM schedules WHERE schedule_name = ? OR display_name = ? "
            "ORDER BY schedule_name = ? DESC LIMIT 1",
            [name, name, name],
        )
        return rows[0][0] if rows else None

    def _resolve(self, name: str) -> ScheduleInfo:
        """From the store when it knows the schedule (no request), else from the source."""
        row = self._store.fetchall(
            "SELECT schedule_name, display_name, cron, owner, commands, git_branch, suspended FROM schedules "
            "WHERE schedule_name = ? OR display_name = ? ORDER BY schedule_name = ? DESC LIMIT 1",
            [name, name, name],
        )
        if row:
            slug, display, cron, owner, commands, branch, suspended = row[0]
            return ScheduleInfo(slug, display or slug, cron, owner, tuple(commands or ()), branch, suspended)
        return self._require_source().schedule(name)

    def _require_source(self) -> RunSource:
        if self._source is None:
            raise NotLoadedError("this client reads a store only; it has no source to load runs from")
        return self._source

    @property
    def store(self) -> Store:
        return self._store
