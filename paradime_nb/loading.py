"""Loading: a schedule's runs from a source into the store, incremental and run-atomic.

The layer between ``sources/`` and ``store/`` (``metadata/`` only reads the store): the
``Loader`` behind ``Paradime.load``, ``Paradime.schedules`` and ``Paradime.list_runs``, and
behind ``client.metadata.load`` and the on-demand load of every analysis (the metadata
client is handed the loader; it never imports this module)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from .errors import MissingSchemaVersionError, NotLoadedError, ParadimeNbError
from .sources.model import RunData, RunInfo, RunSource, ScheduleInfo, days_ago
from .store import Store, prepare_run
from .store.store import UNFINISHED_STATES

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class LoadReport:
    """What one ``load`` call did."""

    schedule_name: str
    loaded: list[int] = field(default_factory=list)
    already_stored: list[int] = field(default_factory=list)
    skipped_running: list[int] = field(default_factory=list)
    notes: dict[int, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    #: why nothing was loaded, when the source lists no run at all
    note: str | None = None
    #: runs that were stored and were fetched again (``refresh``): their stored copy was replaced
    replaced: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"{self.schedule_name}: loaded {len(self.loaded)} run(s)"]
        if self.replaced:
            parts[0] += f" ({len(self.replaced)} fetched again, replacing the stored copy)"
        if self.already_stored:
            parts.append(f"{len(self.already_stored)} already stored")
        for run_id, notes in self.notes.items():
            parts.extend(f"run {run_id}: {note}" for note in notes if "days apart" in note)
        if self.skipped_running:
            ids = ", ".join(str(i) for i in self.skipped_running)
            parts.append(f"{len(self.skipped_running)} still running (run {ids}: skipped, not counted; "
                         "include_running=True loads them)")
        return ", ".join(parts) + f" in {self.seconds:.2f}s" + (f": {self.note}" if self.note else "")

    def _repr_html_(self) -> str:
        return f"<div class='paradime-load'>{escape(str(self))}</div>"

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:  # IPython's plain display
        printer.text(str(self))  # type: ignore[attr-defined]


def load_runs(
    store: Store,
    source: RunSource,
    schedule: ScheduleInfo,
    *,
    runs: int | None = 1,
    days: float | None = None,
    include_running: bool = False,
    refresh: bool = False,
    strict: bool = False,
    progress: bool | None = None,
) -> LoadReport:
    started = time.perf_counter()
    report = LoadReport(schedule.slug)
    since = window_start(source, schedule, days) if days is not None else None
    limit = runs if (days is None or runs is not None) else None
    if days is not None and runs == 1:
        limit = None  # `days` alone means every run of those days; runs=1 is only the default
    listing = _listing(source, schedule, limit, since, include_running)
    if not listing:
        report.note = f"{source.description or 'the source'} lists no run of this schedule"
    stored = store.stored_runs(schedule.slug)
    todo: list[RunInfo] = []
    for run in listing:
        if run.is_running and not include_running:
            report.skipped_running.append(run.run_id)
        elif run.run_id in stored and not refresh and (stored[run.run_id] or "").upper() not in UNFINISHED_STATES:
            report.already_stored.append(run.run_id)
        else:
            todo.append(run)
    if todo and store.read_only:  # said before anything is fetched
        ids = ", ".join(str(r.run_id) for r in todo)
        raise store.read_only_error(f"run(s) {ids} of {schedule.slug} are not stored and cannot be")
    if todo:
        bar = _progress_bar(len(todo), schedule.slug, progress)
        try:
            fetched = source.fetch(schedule, todo, progress=progress, refresh=refresh)
            for data in fetched:
                try:
                    prepared = prepare_run(data, strict=strict, source=source.description)
                except MissingSchemaVersionError as exc:
                    raise MissingSchemaVersionError(exc.paths + _too_old(fetched, strict, source)) from None
                if store.write_run(prepared, replace=refresh):
                    report.loaded.append(data.run.run_id)
                    if data.run.run_id in stored:
                        report.replaced.append(data.run.run_id)
                else:  # another thread or process stored it meanwhile
                    report.already_stored.append(data.run.run_id)
                if prepared.run_row.get("notes"):
                    report.notes[data.run.run_id] = list(prepared.run_row["notes"])
                if bar is not None:
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()
    report.seconds = time.perf_counter() - started
    return report


def _too_old(fetched: Iterator[RunData], strict: bool, source: RunSource) -> list[str]:
    """The files without a dbt_schema_version in the runs still to come (nothing more is
    stored once one run has them): one error names them all."""
    paths: list[str] = []
    try:
        for data in fetched:
            try:
                prepare_run(data, strict=strict, source=source.description)
            except MissingSchemaVersionError as exc:
                paths.extend(exc.paths)
            except ParadimeNbError:
                continue  # another problem of a later run: the first error is the one raised
    except ParadimeNbError:
        pass  # the source failed on a later run: the files found so far are named
    return paths


def window_start(source: RunSource, schedule: ScheduleInfo, days: float) -> datetime | None:
    """``days`` count back from the newest run the source lists (so a saved or demo history
    answers as a live one does); the same definition the analyses use over stored runs."""
    newest = source.runs(schedule, limit=1)
    anchor = newest[0].started_at if newest and newest[0].started_at is not None else None
    return days_ago(days, anchor) if anchor is not None else days_ago(days)


def _listing(source: RunSource, schedule: ScheduleInfo, limit: int | None, since: datetime | None,
             include_running: bool) -> list[RunInfo]:
    """The newest ``limit`` runs that count: runs still going are listed (to report them) but
    not counted, so ``runs=1`` is the latest finished run even while the next one runs."""
    listing = source.runs(schedule, limit=limit, since=since)
    while not include_running and limit is not None and len(listing) >= limit:
        finished = sum(not r.is_running for r in listing)
        if finished >= limit:
            break
        wider = source.runs(schedule, limit=len(listing) + (limit - finished), since=since)
        if len(wider) <= len(listing):
            break
        listing = wider
    if include_running or limit is None:
        return listing
    out, finished = [], 0
    for run in listing:
        if not run.is_running:
            if finished == limit:
                continue
            finished += 1
        out.append(run)
    return out


def _progress_bar(total: int, label: str, progress: bool | None):
    """A progress bar for multi-run loads (sources.progress: tqdm on a terminal, an HTML bar in a kernel)."""
    if progress is False or (progress is None and total < 2):
        return None
    from .sources.progress import progress_bar  # noqa: PLC0415

    return progress_bar(total=total, desc=f"loading {label}", unit="run", leave=False, mininterval=0)  # every run drawn: runs are few and slow


class Loader:
    """Loads runs of a source into a store; lists what the source offers."""

    def __init__(self, store: Store, source: RunSource | None, *, strict: bool = False) -> None:
        self.store = store
        self.source = source
        self.strict = strict

    def load(self, schedule_name: str, runs: int | None = 1, days: float | None = None, *,
             include_running: bool = False, refresh: bool = False, progress: bool | None = None) -> LoadReport:
        return load_runs(self.store, self._require_source(), self.resolve(schedule_name), runs=runs, days=days,
                         include_running=include_running, refresh=refresh, strict=self.strict, progress=progress)

    def schedules(self) -> list[ScheduleInfo]:
        return self._require_source().schedules()

    def list_runs(self, schedule_name: str, limit: int | None = 20, days: float | None = None) -> pd.DataFrame:
        schedule = self.resolve(schedule_name)
        source = self._require_source()
        since = window_start(source, schedule, days) if days is not None else None
        listing = source.runs(schedule, limit=None if since else limit, since=since)
        stored = self.store.stored_runs(schedule.slug)
        import pandas as pd  # noqa: PLC0415

        return pd.DataFrame(
            [(schedule.slug, r.run_id, r.state, r.started_at, r.ended_at, r.actor, r.git_branch, r.run_id in stored,
              r.description) for r in listing],
            columns=["schedule_name", "run_id", "state", "started_at", "ended_at", "actor", "git_branch", "loaded",
                     "description"],
        )

    def resolve(self, name: str) -> ScheduleInfo:
        """From the store when it knows the schedule (no request), else from the source."""
        r = self.store.stored_schedule(name)
        if r is not None:
            return ScheduleInfo(r["schedule_name"], r["display_name"] or r["schedule_name"], r["cron"], r["owner"],
                                tuple(r["commands"] or ()), r["git_branch"], r["suspended"])
        return self._require_source().schedule(name)

    def close(self) -> None:
        if self.source is not None:
            self.source.close()

    def _require_source(self) -> RunSource:
        if self.source is None:
            raise NotLoadedError("this client reads a store only; it has no source to load runs from")
        return self.source
