"""``BoltSource``: schedule runs from the Paradime Bolt API.

Round trips per load: one ``listBoltRuns`` (more pages only when more runs are asked
for), then per run one ``boltRunStatus``, one ``boltCommand`` per command and, per file
the store reads (``wanted_files``: one manifest per run), one ``boltResourceUrl`` and a
download. Everything after the listing runs on a bounded thread pool, across commands
and across runs: ``fetch`` yields runs in order while later ones still download.
Downloads land in a disk cache, so a new kernel does not fetch them again.
"""

from __future__ import annotations

import functools
import io
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from ..bolt.cache import ArtifactCache, default_cache_dir, workspace_key
from ..bolt.client import MAX_PAGE, BoltClient, BoltCommand, BoltResource, RunStatus, split_options
from ..config import resolve_credentials
from ..errors import ApiError, ConfigurationError, ScheduleNotFoundError
from .commands import wanted_files
from .model import NO_ARTIFACTS_NOTE, RUNNING_STATES, ArtifactFile, CommandInfo, RunData, RunInfo, RunSource
from .model import ScheduleInfo, run_info, schedule_info, select_runs




class _Cancelled(Exception):
    """A later run's work, abandoned because an earlier run failed or the load stopped."""


class BoltSource(RunSource):
    """Runs of a Paradime workspace. ``cache_dir=False`` keeps downloads in a temporary
    folder removed on ``close()``; ``progress=False`` silences the download bar."""

    slow = True  # downloads take time: loads show a progress bar

    def __init__(
        self,
        client: BoltClient,
        *,
        cache_dir: str | Path | bool | None = None,
        max_workers: int = 32,
        runs_in_flight: int = 8,
        progress: bool | None = None,
        page_size: int = 100,
    ) -> None:
        if max_workers < 1 or runs_in_flight < 1:
            raise ConfigurationError("max_workers and runs_in_flight must be at least 1")
        self.client = client
        self.description = f"the Paradime workspace at {client.endpoint}"
        self.max_workers = max_workers
        self.runs_in_flight = runs_in_flight
        self.progress = progress
        self.page_size = min(max(page_size, 1), MAX_PAGE)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if cache_dir is False:
            self._tmp = tempfile.TemporaryDirectory(prefix="paradime_nb-")
            root: Path = Path(self._tmp.name)
        else:
            root = default_cache_dir() if cache_dir in (None, True) else Path(cache_dir)  # type: ignore[arg-type]
        creds = client.transport.credentials
        self.cache = ArtifactCache(root, workspace_key(creds.api_endpoint, creds.workspace_uid))

    @classmethod
    def from_credentials(
        cls,
        api_key: str | None = None,
        api_secret: str | None = None,
        api_endpoint: str | None = None,
        workspace_uid: str | None = None,
        cache_dir: str | Path | bool | None = None,
        *,
        credentials_file: str | Path | None = None,
        **options: Any,
    ) -> BoltSource:
        """Credentials as ``resolve_credentials`` finds them; ``options`` are ``HttpOptions``
        fields (timeouts, retries, ``max_download_mb``) and this class's keywords."""
        credentials = resolve_credentials(
            api_key, api_secret, api_endpoint, workspace_uid, credentials_file=credentials_file,
        )
        options.setdefault("pool_size", options.get("max_workers", 32))
        http_options, rest = split_options(options)
        unknown = set(rest) - {"max_workers", "runs_in_flight", "progress", "page_size"}
        if unknown:
            raise ConfigurationError(f"unknown option(s) for the Paradime API: {', '.join(sorted(unknown))}")
        return cls(BoltClient(credentials, http_options), cache_dir=cache_dir, **rest)

    def __repr__(self) -> str:
        return f"BoltSource(endpoint={self.client.endpoint!r}, cache={str(self.cache.folder)!r})"

    def close(self) -> None:
        self.client.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def clear_cache(self, schedule: str | None = None) -> None:
        """Delete downloaded artifacts of this workspace (or of one schedule slug)."""
        self.cache.clear(schedule)

    # --- schedules and runs ---------------------------------------------------------------

    def schedules(self) -> list[ScheduleInfo]:
        """Active schedules, then inactive ones: two requests at once (only names the store
        does not know yet are resolved here)."""
        with ThreadPoolExecutor(1) as pool:
            inactive = pool.submit(self.client.list_schedules, show_inactive=True)
            return [schedule_info(s) for s in self.client.list_schedules() + inactive.result()]

    def runs(self, schedule: ScheduleInfo, *, limit: int | None = None, since: datetime | None = None) -> list[RunInfo]:
        """Newest first. One request unless more than a page of runs is needed."""
        page = min(limit, MAX_PAGE) if limit is not None else self.page_size
        found: list[RunInfo] = []
        offset = 0
        while True:
            got = self.client.list_runs(schedule.slug, offset=offset, limit=page)
            if got is None:
                self.schedule(schedule.slug)  # raises with close matches when the slug is unknown
                raise ScheduleNotFoundError(schedule.slug, (), self.description)
            found.extend(run_info(r) for r in got)
            offset += page
            oldest = got[-1].started_at if got else None
            if (len(got) < page or (limit is not None and len(found) >= limit)
                    or (since is not None and oldest is not None and oldest < since)):
                return select_runs(found, limit, since)

    # --- fetching -----------------------------------------------------------------------

    def fetch(self, schedule: ScheduleInfo, runs: Sequence[RunInfo], *, progress: bool | None = None,
              refresh: bool = False) -> Iterator[RunData]:
        runs = list(runs)
        if not runs:
            return
        cancel = threading.Event()
        bar = _DownloadBar(self.progress if progress is None else progress)
        pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix="paradime-io")
        planners = ThreadPoolExecutor(min(self.runs_in_flight, len(runs)), thread_name_prefix="paradime-run")

        def submit(fn: Callable[..., Any], *args: Any) -> Future:
            def guarded() -> Any:
                if cancel.is_set():
                    raise _Cancelled
                return fn(*args)
            return pool.submit(guarded)

        try:
            futures = [planners.submit(self._collect, schedule, run, submit, bar, refresh) for run in runs]
            for future in futures:
                yield future.result()
        finally:
            cancel.set()
            planners.shutdown(wait=True, cancel_futures=True)
            pool.shutdown(wait=True, cancel_futures=True)
            bar.close()

    def _collect(self, schedule: ScheduleInfo, run: RunInfo, submit: Callable[..., Future], bar: _DownloadBar,
                 refresh: bool = False) -> RunData:
        """One run: its commands, their files, the wanted ones downloaded (or from the cache,
        unless ``refresh``: then asked and downloaded again, and the cache rewritten)."""
        slug, run_id = schedule.slug, run.run_id
        cached = None if run.is_running or refresh else _from_index(self.cache.read_index(slug, run_id))
        if cached is not None:
            status, resources = cached
        else:
            status = self.client.run_status(run_id)
            lists = [submit(self.client.command_resources, c.id) for c in status.commands]
            resources = [f.result() for f in lists]
        finished = not run.is_running and (status.state or "").upper() not in RUNNING_STATES
        wanted = wanted_files(
            [(i + 1, c.command, [r.path for r in res]) for i, (c, res) in enumerate(zip(status.commands, resources))]
        )
        files: dict[tuple[int, str], Future | ArtifactFile] = {}
        for i, (command, res) in enumerate(zip(status.commands, resources)):
            by_path = {r.path: r for r in res}
            for path in sorted(p for (index, p) in wanted if index == i + 1):
                what = f"{slug} run {run_id} command {i + 1} {path}"
                if finished:
                    target = self.cache.file_path(slug, run_id, command.id, path)
                    if target.is_file() and not refresh:
                        files[(i + 1, path)] = _disk_file(path, target)
                    else:
                        files[(i + 1, path)] = submit(self._download_to_cache, by_path[path], target, what, bar)
                else:  # a file of a running command may still change: keep it out of the cache
                    files[(i + 1, path)] = submit(self._download_to_memory, by_path[path], what, bar)
        resolved = {key: f.result() if isinstance(f, Future) else f for key, f in files.items()}
        commands = [
            CommandInfo(
                index=i + 1, command=c.command, return_code=c.return_code, started_at=c.started_at,
                ended_at=c.ended_at, command_id=c.id,
                files=tuple(resolved[key] for key in sorted(resolved) if key[0] == i + 1),
            )
            for i, c in enumerate(status.commands)
        ]
        if finished and cached is None:
            self.cache.write_index(slug, run_id, _to_index(status, resources))
        notes = [] if any(c.files for c in commands) else [NO_ARTIFACTS_NOTE]
        return RunData(schedule=schedule, run=run, commands=commands, notes=notes)

    def _download_to_cache(self, resource: BoltResource, target: Path, what: str, bar: _DownloadBar) -> ArtifactFile:
        with self.cache.writing(target) as fh:
            size = self.client.download(resource.id, fh, what=what)
        bar.update(size)
        return _disk_file(resource.path, target)

    def _download_to_memory(self, resource: BoltResource, what: str, bar: _DownloadBar) -> ArtifactFile:
        buffer = io.BytesIO()
        size = self.client.download(resource.id, buffer, what=what)
        bar.update(size)
        data = buffer.getvalue()
        return ArtifactFile(resource.path, lambda: data, size)


def _disk_file(path: str, target: Path) -> ArtifactFile:
    return ArtifactFile(path, functools.partial(target.read_bytes), target.stat().st_size)


def _to_index(status: RunStatus, resources: list[list[BoltResource]]) -> dict[str, Any]:
    return {
        "state": status.state,
        "commands": [
            {
                "id": c.id, "command": c.command, "returnCode": c.return_code,
                "startDttm": c.started_at.isoformat() if c.started_at else None,
                "endDttm": c.ended_at.isoformat() if c.ended_at else None,
                "resources": [[r.id, r.path] for r in res],
            }
            for c, res in zip(status.commands, resources)
        ],
    }


def _from_index(data: dict[str, Any] | None) -> tuple[RunStatus, list[list[BoltResource]]] | None:
    """The cached commands of a finished run; None when absent or unreadable."""
    if data is None:
        return None
    try:
        commands = [BoltCommand.from_json(c) for c in data["commands"]]
        resources = [[BoltResource(int(i), str(p)) for i, p in c.get("resources") or []] for c in data["commands"]]
    except (KeyError, TypeError, ValueError, ApiError):
        return None
    return RunStatus(data.get("state"), commands), resources


class _DownloadBar:
    """A tqdm bar over downloaded bytes, drawn only once a load has lasted half a second."""

    def __init__(self, progress: bool | None) -> None:
        self._bar: Any = None
        self._lock = threading.Lock()
        if progress is not False:
            from .progress import progress_bar  # noqa: PLC0415

            self._bar = progress_bar(desc="downloading artifacts", unit="B", unit_scale=True, delay=0.5, leave=False)

    def update(self, size: int) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.update(size)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
