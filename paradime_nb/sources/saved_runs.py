"""A folder of saved schedule runs (the layout of ``../shared/fixtures/runs``).

``<slug>/schedule.json``, ``<slug>/<run id>/run.json``, ``<slug>/<run id>/<k>_<name>/command.json``
and the artifacts each command left below its folder. The JSON field names are the
Paradime API's, so the loopback server can serve the same folder.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from ..artifacts import artifact_kind
from ..errors import RunNotFoundError, SourceError
from .commands import wanted_files
from .model import NO_ARTIFACTS_NOTE, ArtifactFile, CommandInfo, RunData, RunInfo, RunSource, ScheduleInfo
from .model import parse_timestamp, select_runs


def is_schedule_folder(path: Path) -> bool:
    return (path / "schedule.json").is_file() or any(_run_dirs(path))


def _run_dirs(path: Path) -> Iterator[Path]:
    if not path.is_dir():
        return
    for child in path.iterdir():
        if child.is_dir() and (child / "run.json").is_file():
            yield child


def run_folders(schedule_folder: Path) -> list[Path]:
    """The run folders of a schedule folder (those holding a ``run.json``), by name."""
    return sorted(_run_dirs(schedule_folder))


def command_folders(run_dir: Path) -> list[tuple[dict, Path]]:
    """``(command.json, folder)`` of each command of a run, in execution order: by the
    command id, then the folder's numeric prefix (``2_run`` before ``10_test``). The one
    scanner of the layout: the saved-runs source and the loopback server both use it."""
    found = []
    for cmd_dir in run_dir.iterdir():
        if cmd_dir.is_dir() and (cmd_dir / "command.json").is_file():
            data = read_json(cmd_dir / "command.json")
            found.append((data if isinstance(data, dict) else {}, cmd_dir))
    found.sort(key=lambda item: (_int(item[0].get("id")), _prefix(item[1].name), item[1].name))
    return found


def read_json(path: Path) -> Any:
    try:
        return orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise SourceError(f"{path}: missing") from None
    except (orjson.JSONDecodeError, OSError) as exc:
        raise SourceError(f"{path}: cannot be read as JSON ({exc})") from None


def schedule_from_json(data: dict, fallback_slug: str) -> ScheduleInfo:
    """A saved ``schedule.json``: the API's field names, read as the API client reads them."""
    return ScheduleInfo.from_json(data, fallback_slug)


def run_from_json(data: dict) -> RunInfo:
    """A saved ``run.json`` (the API's ``listBoltRuns`` fields)."""
    return RunInfo.from_json(data)


def _read_file(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


class SavedRunsSource(RunSource):
    """One schedule folder, or a folder holding several schedule folders."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise SourceError(f"{self.root}: not a folder")
        self.description = str(self.root)
        if is_schedule_folder(self.root):
            self._folders = [self.root]
        else:
            self._folders = sorted(p for p in self.root.iterdir() if p.is_dir() and is_schedule_folder(p))
        if not self._folders:
            raise SourceError(f"{self.root}: no saved schedule runs here (expected <slug>/schedule.json or <run id>/run.json)")

    @functools.cached_property
    def _schedules(self) -> dict[str, tuple[ScheduleInfo, Path]]:
        found: dict[str, tuple[ScheduleInfo, Path]] = {}
        for folder in self._folders:
            meta = folder / "schedule.json"
            data = read_json(meta) if meta.is_file() else {}
            info = schedule_from_json(data if isinstance(data, dict) else {}, folder.name)
            found[info.slug] = (info, folder)
        return found

    def schedules(self) -> list[ScheduleInfo]:
        return [info for info, _ in self._schedules.values()]

    def _folder(self, schedule: ScheduleInfo) -> Path:
        return self._schedules[schedule.slug][1]

    def runs(self, schedule: ScheduleInfo, *, limit: int | None = None, since: datetime | None = None) -> list[RunInfo]:
        runs = []
        for run_dir in _run_dirs(self._folder(schedule)):
            data = read_json(run_dir / "run.json")
            try:
                runs.append(run_from_json(data))
            except (KeyError, TypeError, ValueError):
                raise SourceError(f"{run_dir / 'run.json'}: no integer 'id'") from None
        return select_runs(runs, limit, since)

    def fetch(self, schedule: ScheduleInfo, runs: Sequence[RunInfo], *, progress: bool | None = None,
              refresh: bool = False) -> Iterator[RunData]:
        folder = self._folder(schedule)
        for run in runs:
            run_dir = folder / str(run.run_id)
            if not (run_dir / "run.json").is_file():
                raise RunNotFoundError(f"run {run.run_id} of {schedule.slug!r} not found in {folder}")
            yield self._run_data(schedule, run, run_dir)

    def _run_data(self, schedule: ScheduleInfo, run: RunInfo, run_dir: Path) -> RunData:
        raw: list[tuple[dict, Path, dict[str, Path]]] = []
        for data, cmd_dir in command_folders(run_dir):
            files = {}
            for dirpath, _dirs, names in os.walk(cmd_dir):
                for name in names:
                    full = Path(dirpath) / name
                    rel = full.relative_to(cmd_dir).as_posix()
                    if artifact_kind(rel) is not None:
                        files[rel[:-3] if rel.endswith(".gz") else rel] = full
            raw.append((data, cmd_dir, files))
        indexed = [(i + 1, str(d.get("command") or ""), list(files)) for i, (d, _dir, files) in enumerate(raw)]
        wanted = wanted_files(indexed)
        commands = []
        for (index, line, _paths), (data, _dir, files) in zip(indexed, raw):
            kept = tuple(
                ArtifactFile(path, functools.partial(_read_file, str(full)), full.stat().st_size)
                for path, full in sorted(files.items())
                if (index, path) in wanted
            )
            commands.append(
                CommandInfo(
                    index=index,
                    command=line,
                    return_code=data.get("returnCode") if isinstance(data.get("returnCode"), int) else None,
                    started_at=parse_timestamp(data.get("startDttm")),
                    ended_at=parse_timestamp(data.get("endDttm")),
                    command_id=data.get("id") if isinstance(data.get("id"), int) else None,
                    files=kept,
                )
            )
        notes = [] if any(c.files for c in commands) else [NO_ARTIFACTS_NOTE]
        return RunData(schedule=schedule, run=run, commands=commands, notes=notes)


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 2**62


def _prefix(name: str) -> int:
    head = name.split("_", 1)[0]
    return int(head) if head.isdigit() else 2**62
