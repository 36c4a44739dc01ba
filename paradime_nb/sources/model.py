"""What a source yields: schedules, runs, commands and the artifact files they left.

Sources know where files live, nothing about what is inside them. Every source (the
Paradime API, a saved-runs folder, a dbt ``target/`` folder, the bundled demo) speaks
this small vocabulary, so the store loads them all the same way.
"""

from __future__ import annotations

import dataclasses
import difflib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ..bolt.models import BoltRun, BoltSchedule, parse_timestamp
from ..errors import ScheduleNotFoundError
from ..vocabulary import RUNNING_STATES as _RUNNING_STATES

RUNNING_STATES = frozenset(_RUNNING_STATES)
NO_ARTIFACTS_NOTE = "no command of this run left dbt artifacts"


@dataclass(frozen=True)
class ScheduleInfo(BoltSchedule):
    """A schedule, whatever the source (the API's fields: saved folders use its JSON)."""


@dataclass(frozen=True)
class RunInfo(BoltRun):
    """A run, whatever the source (the API's fields; times are naive UTC)."""

    @property
    def is_running(self) -> bool:
        return (self.state or "").upper() in RUNNING_STATES


@dataclass(frozen=True)
class ArtifactFile:
    """One file a command left; ``read()`` returns its bytes (gzip allowed)."""

    path: str
    reader: Callable[[], bytes] = field(repr=False, compare=False)
    size: int | None = None

    def read(self) -> bytes:
        return self.reader()


@dataclass(frozen=True)
class CommandInfo:
    index: int  # 1-based execution order within the run
    command: str
    return_code: int | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    command_id: int | None = None
    files: tuple[ArtifactFile, ...] = ()


@dataclass
class RunData:
    schedule: ScheduleInfo
    run: RunInfo
    commands: list[CommandInfo]
    notes: list[str] = field(default_factory=list)


class RunSource(ABC):
    """Where runs come from. Subclasses list schedules and runs, and fetch run data."""

    #: Shown in messages ("in /path/to/runs", "in the Paradime workspace").
    description: str = ""
    #: fetching takes long enough for a progress bar (the API; not local folders)
    slow: bool = False

    @abstractmethod
    def schedules(self) -> list[ScheduleInfo]: ...

    @abstractmethod
    def runs(self, schedule: ScheduleInfo, *, limit: int | None = None, since: datetime | None = None) -> list[RunInfo]:
        """Runs newest first: at most ``limit``, or those started at/after ``since``."""

    @abstractmethod
    def fetch(self, schedule: ScheduleInfo, runs: Sequence[RunInfo], *, progress: bool | None = None,
              refresh: bool = False) -> Iterator[RunData]:
        """Yield each run's commands with the artifact files the store needs (``progress``:
        a download bar where fetching takes time; None lets the source decide).
        ``refresh=True`` reads them again where the runs live, bypassing any cache (local
        folders are read afresh every time anyway)."""

    def schedule(self, name: str) -> ScheduleInfo:
        """Resolve a slug or a display name; unknown names get close matches in the error."""
        known = self.schedules()
        for s in known:
            if name == s.slug:
                return s
        for s in known:
            if name == s.name:
                return s
        lowered = name.strip().lower()
        for s in known:
            if lowered in (s.slug.lower(), s.name.lower()):
                return s
        choices = [s.slug for s in known] + [s.name for s in known if s.name != s.slug]
        close = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
        raise ScheduleNotFoundError(name, close, self.description)

    def close(self) -> None:
        """Release connections; sources without any need nothing."""


def schedule_info(record: BoltSchedule) -> ScheduleInfo:
    """The API client's schedule record in the source vocabulary (the same fields)."""
    return ScheduleInfo(**dataclasses.asdict(record))


def run_info(record: BoltRun) -> RunInfo:
    """The API client's run record in the source vocabulary (the same fields)."""
    return RunInfo(**dataclasses.asdict(record))


def select_runs(runs: list[RunInfo], limit: int | None, since: datetime | None) -> list[RunInfo]:
    """Newest first, then cut by ``since`` and ``limit`` (shared by the folder sources)."""
    ordered = sorted(runs, key=lambda r: (r.started_at or datetime.min, r.run_id), reverse=True)
    if since is not None:
        ordered = [r for r in ordered if r.started_at is not None and r.started_at >= since]
    if limit is not None:
        ordered = ordered[:limit]
    return ordered


def days_ago(days: float, now: datetime | None = None) -> datetime:
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    return now - timedelta(days=days)
