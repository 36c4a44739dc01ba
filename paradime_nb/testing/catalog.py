"""What the loopback server serves: a saved-runs folder read into schedules, runs,
commands and resources with the ids the API would give them.

Every file below a command folder (except ``command.json`` and the logs) is a resource;
``x.json.gz`` is served as ``x.json``, decompressed, as the real API serves JSON.
``replicate`` adds copies of the runs (new run and command ids, earlier start times) so a
schedule has at least that many runs: benchmarks need more than the fixtures hold.
"""

from __future__ import annotations

import gzip
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from ..errors import SourceError
from ..sources.saved_runs import command_folders, is_schedule_folder, read_json, run_folders

_RUN_FIELDS = ("id", "state", "actor", "actorEmail", "startDttm", "endDttm", "parentScheduleRunId", "gitInfo")
_COMMAND_FIELDS = ("id", "command", "startDttm", "endDttm", "returnCode")
_NOT_RESOURCES = {"command.json", "stdout.txt", "stderr.txt"}
_TIME = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Resource:
    id: int
    path: str  # as the API reports it (no .gz)
    file: Path

    @property
    def gzipped(self) -> bool:
        return self.file.name.endswith(".gz")

    def size(self) -> int:
        """Bytes as served (decompressed); a gzip member's trailer holds that size."""
        if not self.gzipped:
            return self.file.stat().st_size
        with open(self.file, "rb") as fh:
            fh.seek(-4, os.SEEK_END)
            return int.from_bytes(fh.read(4), "little")

    def open(self) -> IO[bytes]:
        return gzip.open(self.file, "rb") if self.gzipped else open(self.file, "rb")

    def copy_to(self, out: IO[bytes], limit: int | None = None) -> None:
        """Write the served bytes to ``out`` (only the first ``limit`` bytes when given)."""
        with self.open() as fh:
            if limit is None:
                shutil.copyfileobj(fh, out, 1 << 20)
                return
            left = limit
            while left > 0:
                chunk = fh.read(min(left, 1 << 20))
                if not chunk:
                    break
                out.write(chunk)
                left -= len(chunk)


@dataclass
class Command:
    data: dict[str, Any]
    folder: Path
    resources: list[Resource] = field(default_factory=list)

    def log(self, name: str) -> str:
        """The saved log; empty when none was saved (the service sends a string, and the
        official SDK refuses a null)."""
        path = self.folder / name
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""


@dataclass
class Run:
    data: dict[str, Any]
    commands: list[Command] = field(default_factory=list)

    @property
    def started(self) -> str:
        return self.data.get("startDttm") or ""


@dataclass
class Schedule:
    data: dict[str, Any]
    runs: list[Run] = field(default_factory=list)  # newest first

    @property
    def slug(self) -> str:
        return self.data["slug"]


class Catalog:
    def __init__(self, root: str | os.PathLike[str], *, replicate: int | None = None) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise SourceError(f"{self.root}: not a folder")
        folders = [self.root] if is_schedule_folder(self.root) else sorted(
            p for p in self.root.iterdir() if p.is_dir() and is_schedule_folder(p)
        )
        if not folders:
            raise SourceError(f"{self.root}: no saved schedule runs here")
        self.schedules: dict[str, Schedule] = {}
        self.runs: dict[int, Run] = {}
        self.commands: dict[int, Command] = {}
        self.resources: dict[int, Resource] = {}
        self._next_command_id = 200_000_000
        for folder in folders:
            schedule = self._read_schedule(folder)
            if replicate:
                schedule.runs.extend(self._copies(schedule.runs, replicate - len(schedule.runs)))
            self.schedules[schedule.slug] = schedule

    # --- reading ------------------------------------------------------------------------

    def _read_schedule(self, folder: Path) -> Schedule:
        meta = folder / "schedule.json"
        data = read_json(meta) if meta.is_file() else {}
        data = dict(data) if isinstance(data, dict) else {}
        data.setdefault("slug", folder.name)
        data.setdefault("name", data["slug"])
        schedule = Schedule(data)
        for run_dir in run_folders(folder):
            raw = read_json(run_dir / "run.json")
            run = Run({k: raw.get(k) for k in _RUN_FIELDS})
            if not isinstance(run.data["id"], int):
                raise SourceError(f"{run_dir / 'run.json'}: no integer 'id'")
            for cdata, cmd_dir in command_folders(run_dir):
                command = Command({k: cdata.get(k) for k in _COMMAND_FIELDS}, cmd_dir)
                if not isinstance(command.data["id"], int) or command.data["id"] in self.commands:
                    command.data["id"] = self._new_command_id()
                command.resources = [self._add_resource(p, f) for p, f in _files(cmd_dir)]
                self.commands[command.data["id"]] = command
                run.commands.append(command)
            schedule.runs.append(run)
            self.runs[run.data["id"]] = run
        schedule.runs.sort(key=lambda r: (r.started, r.data["id"]), reverse=True)
        return schedule

    def _add_resource(self, path: str, file: Path) -> Resource:
        resource = Resource(len(self.resources) + 1, path, file)
        self.resources[resource.id] = resource
        return resource

    def _new_command_id(self) -> int:
        self._next_command_id += 1
        return self._next_command_id

    def _copies(self, runs: list[Run], count: int) -> list[Run]:
        """``count`` copies of ``runs``, older than all of them, with fresh ids."""
        if count <= 0 or not runs:
            return []
        starts = [_parse(r.started) for r in runs if _parse(r.started)]
        span = (max(starts) - min(starts) + timedelta(days=1)) if starts else timedelta(days=1)
        next_id = min(r.data["id"] for r in runs) - 1
        copies = []
        for k in range(count):
            original = runs[k % len(runs)]
            shift = span * (k // len(runs) + 1)
            run = Run({**original.data, "id": next_id, "startDttm": _shift(original.data["startDttm"], shift),
                       "endDttm": _shift(original.data["endDttm"], shift)})
            next_id -= 1
            for command in original.commands:
                copy = Command({**command.data, "id": self._new_command_id(),
                                "startDttm": _shift(command.data["startDttm"], shift),
                                "endDttm": _shift(command.data["endDttm"], shift)}, command.folder)
                copy.resources = [self._add_resource(r.path, r.file) for r in command.resources]
                self.commands[copy.data["id"]] = copy
                run.commands.append(copy)
            self.runs[run.data["id"]] = run
            copies.append(run)
        return copies


def _files(cmd_dir: Path) -> list[tuple[str, Path]]:
    found = []
    for dirpath, _dirs, names in os.walk(cmd_dir):
        for name in sorted(names):
            full = Path(dirpath) / name
            rel = full.relative_to(cmd_dir).as_posix()
            if rel in _NOT_RESOURCES:
                continue
            found.append((rel[:-3] if rel.endswith(".gz") else rel, full))
    return sorted(found)


def _parse(value: Any) -> datetime | None:
    try:
        return datetime.strptime(value, _TIME) if isinstance(value, str) else None
    except ValueError:
        return None


def _shift(value: Any, by: timedelta) -> Any:
    parsed = _parse(value)
    return (parsed - by).strftime(_TIME) if parsed else value

