"""A local dbt ``target/`` folder: one run of one schedule, named after the project folder.

A target folder holds the artifacts of the last invocation of each kind, so one run is
made of one command per dbt invocation found there (grouped by ``invocation_id``). The run
id is the newest ``generated_at`` in epoch seconds: reloading after a new ``dbt build``
adds a run, reloading without one changes nothing.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from ..artifacts import ARTIFACT_KINDS
from ..errors import RunNotFoundError, SourceError
from .model import ArtifactFile, CommandInfo, RunData, RunInfo, RunSource, ScheduleInfo, parse_timestamp, select_runs

_PEEK = 8192
_FIELD_RE = {
    key: re.compile(rf'"{key}"\s*:\s*"([^"]*)"'.encode())
    for key in ("invocation_id", "generated_at", "invocation_started_at", "which", "invocation_command")
}
_KIND_COMMAND = {"manifest": "dbt parse", "sources": "dbt source freshness", "catalog": "dbt docs generate"}


def find_target(path: Path) -> Path | None:
    """``path`` itself when it holds artifacts, else its ``target/`` subfolder."""
    for candidate in (path, path / "target"):
        if candidate.is_dir() and any((candidate / n).is_file() or (candidate / f"{n}.gz").is_file() for n in ARTIFACT_KINDS):
            return candidate
    return None


def _peek(path: Path) -> dict[str, str]:
    """Metadata fields from the head and tail of a file, without decoding all of it."""
    with open(path, "rb") as fh:
        head = fh.read(_PEEK)
        if head[:2] == b"\x1f\x8b":
            fh.seek(0)
            data = zlib.decompressobj(16 + zlib.MAX_WBITS)
            head = data.decompress(fh.read(1 << 16), _PEEK)
            tail = b""
        else:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - _PEEK))
            tail = fh.read()
    found = {}
    for key, regex in _FIELD_RE.items():
        match = regex.search(head) or regex.search(tail)
        if match:
            found[key] = match.group(1).decode("utf-8", "replace")
    return found


class TargetFolderSource(RunSource):
    def __init__(self, path: str | Path, schedule_name: str | None = None) -> None:
        given = Path(path)
        target = find_target(given)
        if target is None:
            raise SourceError(f"{given}: no dbt artifacts (manifest.json, run_results.json, ...) here or in {given / 'target'}")
        self.target = target
        self.description = str(target)
        project = target.parent if target.name == "target" else target
        slug = schedule_name or project.resolve().name or "local"
        self._schedule = ScheduleInfo(slug=slug, name=slug)

    def schedules(self) -> list[ScheduleInfo]:
        return [self._schedule]

    @property
    def _files(self) -> list[tuple[str, Path, dict[str, str]]]:
        """Peeked afresh on each call: a new dbt invocation rewrites the folder."""
        files = []
        for name in ARTIFACT_KINDS:
            for candidate in (self.target / name, self.target / f"{name}.gz"):
                if candidate.is_file():
                    files.append((name, candidate, _peek(candidate)))
                    break
        return files

    def _run(self, files: list[tuple[str, Path, dict[str, str]]] | None = None) -> RunInfo:
        files = self._files if files is None else files
        stamps = [parse_timestamp(m.get("generated_at")) for _n, _p, m in files]
        stamps = [s for s in stamps if s is not None]
        starts = [parse_timestamp(m.get("invocation_started_at")) for _n, _p, m in files]
        starts = [s for s in starts if s is not None] or stamps
        ended = max(stamps) if stamps else datetime.fromtimestamp(max(p.stat().st_mtime for _n, p, _m in files))
        run_id = int((ended - datetime(1970, 1, 1)).total_seconds())
        return RunInfo(run_id=run_id, state=None, started_at=min(starts) if starts else ended, ended_at=ended, actor="local")

    def runs(self, schedule: ScheduleInfo, *, limit: int | None = None, since: datetime | None = None) -> list[RunInfo]:
        return select_runs([self._run()], limit, since)

    def fetch(self, schedule: ScheduleInfo, runs: Sequence[RunInfo], *, progress: bool | None = None,
              refresh: bool = False) -> Iterator[RunData]:
        files = self._files
        current = self._run(files)
        for run in runs:
            if run.run_id != current.run_id:
                raise RunNotFoundError(f"run {run.run_id} is no longer in {self.target} (a newer dbt invocation replaced it)")
            yield RunData(schedule=schedule, run=current, commands=self._commands(files))

    def _commands(self, files: list[tuple[str, Path, dict[str, str]]]) -> list[CommandInfo]:
        groups: dict[str, list[tuple[str, Path, dict[str, str]]]] = {}
        for item in files:
            key = item[2].get("invocation_id") or item[0]
            groups.setdefault(key, []).append(item)
        ordered = sorted(groups.values(), key=lambda g: min(m.get("generated_at", "") for _n, _p, m in g))
        commands = []
        for index, group in enumerate(ordered, start=1):
            kinds = {ARTIFACT_KINDS[n]: m for n, _p, m in group}
            if "run_results" in kinds:
                meta = kinds["run_results"]
                line = meta.get("invocation_command") or f"dbt {meta.get('which', 'run')}"
            else:
                line = next(_KIND_COMMAND[k] for k in ("sources", "catalog", "manifest") if k in kinds)
            started = min((parse_timestamp(m.get("invocation_started_at")) for _n, _p, m in group), default=None, key=_key)
            ended = max((parse_timestamp(m.get("generated_at")) for _n, _p, m in group), default=None, key=_key)
            files = tuple(
                ArtifactFile(f"target/{n}", functools.partial(Path.read_bytes, p), p.stat().st_size) for n, p, _m in group
            )
            commands.append(CommandInfo(index=index, command=line, started_at=started, ended_at=ended, files=files))
        return commands


def _key(value: datetime | None) -> datetime:
    return value or datetime.min
