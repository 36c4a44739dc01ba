"""A local dbt ``target/`` folder: one run of one schedule, named after the project folder.

A target folder holds the artifacts of the last invocation of each kind, so one run is
made of one command per dbt invocation found there (grouped by ``invocation_id``). The run
id is the newest ``generated_at`` in epoch seconds: reloading after a new ``dbt build``
adds a run, reloading without one changes nothing.

Files written more than ``MAX_GAP_HOURS`` apart are not one run: a ``sources.json`` left
from a freshness check months before today's ``dbt build`` is a run of its own, older, so
its statuses do not count as today's. Each run's notes name the files kept apart. Files
without statuses (a catalog from an older ``dbt docs generate``) stay with the newest run
that has results, and the load report warns about the spread.
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
#: files whose generated_at are further apart than this belong to different runs (the
#: store's loader warns about wider spreads inside a run with the same threshold)
MAX_GAP_HOURS = 24
#: the artifact kinds whose statuses make a run's outcome (those are never mixed across runs)
_OUTCOMES = ("run_results", "sources")
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

    def _groups(self, files: list[tuple[str, Path, dict[str, str]]] | None = None) -> list[list[tuple[str, Path, dict[str, str]]]]:
        """The folder's files as runs, newest first: sorted by generated_at, a new run where
        two consecutive files are more than ``MAX_GAP_HOURS`` apart. Files without a
        readable generated_at go with the newest run."""
        files = self._files if files is None else files
        dated = sorted(((parse_timestamp(m.get("generated_at")), (n, p, m)) for n, p, m in files),
                       key=lambda item: _key(item[0]))
        groups: list[list[tuple[str, Path, dict[str, str]]]] = []
        undated, last = [], None
        for when, item in dated:
            if when is None:
                undated.append(item)
                continue
            if last is None or (when - last).total_seconds() > MAX_GAP_HOURS * 3600:
                groups.append([])
            groups[-1].append(item)
            last = when
        if not groups:
            return [undated] if undated else []
        groups[-1].extend(undated)
        # files that carry no statuses (a catalog from an older `dbt docs generate`, a
        # manifest alone) describe the project, not a run's outcome: they stay with the
        # newest run that has results (the load report still warns about the spread)
        outcomes = [g for g in groups if any(ARTIFACT_KINDS[n] in _OUTCOMES for n, _p, _m in g)]
        if not outcomes:
            return [[item for g in groups for item in g]]
        for group in groups:
            if group not in outcomes:
                outcomes[-1].extend(group)
        return outcomes[::-1]

    def _run(self, files: list[tuple[str, Path, dict[str, str]]] | None = None) -> RunInfo:
        files = self._files if files is None else files
        stamps = [parse_timestamp(m.get("generated_at")) for _n, _p, m in files]
        stamps = [s for s in stamps if s is not None]
        starts = [parse_timestamp(m.get("invocation_started_at")) for _n, _p, m in files]
        ended = max(stamps) if stamps else datetime.fromtimestamp(max(p.stat().st_mtime for _n, p, _m in files))
        starts = [s for s in starts if s is not None and s <= ended] or stamps  # a start after the end is not one
        run_id = int((ended - datetime(1970, 1, 1)).total_seconds())
        return RunInfo(run_id=run_id, state=None, started_at=min(starts) if starts else ended, ended_at=ended, actor="local")

    def runs(self, schedule: ScheduleInfo, *, limit: int | None = None, since: datetime | None = None) -> list[RunInfo]:
        return select_runs([self._run(group) for group in self._groups()], limit, since)

    def fetch(self, schedule: ScheduleInfo, runs: Sequence[RunInfo], *, progress: bool | None = None,
              refresh: bool = False) -> Iterator[RunData]:
        groups = self._groups()
        current = {info.run_id: (info, group) for group in groups for info in [self._run(group)]}
        for run in runs:
            if run.run_id not in current:
                raise RunNotFoundError(f"run {run.run_id} is no longer in {self.target} (a newer dbt invocation replaced it)")
            info, group = current[run.run_id]
            notes = [_apart(group, other, current) for other in groups if other is not group]
            yield RunData(schedule=schedule, run=info, commands=self._commands(group), notes=notes)

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


def _apart(group: list[tuple[str, Path, dict[str, str]]], other: list[tuple[str, Path, dict[str, str]]],
           runs: dict[int, tuple[RunInfo, list]]) -> str:
    """The note a run carries about files of the folder kept out of it."""
    other_id = next(run_id for run_id, (_info, g) in runs.items() if g is other)
    mine = [parse_timestamp(m.get("generated_at")) for _n, _p, m in group]
    theirs = [parse_timestamp(m.get("generated_at")) for _n, _p, m in other]
    mine = [t for t in mine if t is not None]
    theirs = [t for t in theirs if t is not None]
    days = (min(abs((a - b).total_seconds()) for a in mine for b in theirs) / 86400) if mine and theirs else None
    named = ", ".join(f"{n} (generated_at {m.get('generated_at', '?')})" for n, _p, m in other)
    newer = bool(mine and theirs and max(theirs) > max(mine))
    gap = f"{days:.1f} days apart from this run's files" if days is not None else "apart from this run's files"
    return (f"the target folder also holds {named}, written {gap}: read as run {other_id}, "
            f"{'newer' if newer else 'older'} and separate (its statuses are not this run's)")


def _key(value: datetime | None) -> datetime:
    return value or datetime.min
