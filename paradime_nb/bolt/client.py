"""``BoltClient``: the Bolt operations paradime_nb needs, as typed Python calls.

Each method is one GraphQL round trip (``list_schedules`` and ``download`` may take a few).
Answers are read defensively: a null where an object was expected becomes a typed error
or an empty list, never a ``KeyError``.
"""

from __future__ import annotations

from dataclasses import fields
from typing import IO, Any

from ..config import Credentials
from ..errors import ApiError, DownloadError, RunNotFoundError
from . import queries
from .http import HttpOptions, Transport, UrlExpiredError
from .models import BoltCommand, BoltResource, BoltRun, BoltSchedule, RunStatus

__all__ = ["MAX_PAGE", "BoltClient", "BoltCommand", "BoltResource", "BoltRun", "BoltSchedule", "RunStatus",
           "split_options"]

MAX_PAGE = 1000  # listBoltRuns accepts 1..1000


def split_options(options: dict[str, Any]) -> tuple[HttpOptions, dict[str, Any]]:
    """``HttpOptions`` fields out of a keyword dict; the rest is returned."""
    names = {f.name for f in fields(HttpOptions)}
    mine = {k: v for k, v in options.items() if k in names}
    return HttpOptions(**mine), {k: v for k, v in options.items() if k not in names}


class BoltClient:
    def __init__(self, credentials: Credentials, options: HttpOptions | None = None) -> None:
        self.transport = Transport(credentials, options)

    @property
    def endpoint(self) -> str:
        return self.transport.endpoint

    def close(self) -> None:
        self.transport.close()

    def __repr__(self) -> str:
        return f"BoltClient(endpoint={self.endpoint!r}, mode={self.transport.credentials.mode!r})"

    def list_schedules(self, *, show_inactive: bool = False, page_size: int = 100) -> list[BoltSchedule]:
        """Every schedule (active ones, or with ``show_inactive`` the inactive ones)."""
        found: list[BoltSchedule] = []
        offset = 0
        while True:
            answer = self.transport.graphql(
                "listBoltSchedules", queries.LIST_SCHEDULES,
                {"offset": offset, "limit": page_size, "showInactive": show_inactive},
            )
            if not isinstance(answer, dict):
                raise ApiError("listBoltSchedules: no answer")
            page = [s for s in answer.get("schedules") or [] if isinstance(s, dict) and isinstance(s.get("slug"), str)]
            found.extend(BoltSchedule.from_json(s, s["slug"]) for s in page)
            offset += page_size
            total = answer.get("totalCount")
            if len(page) < page_size or (isinstance(total, int) and offset >= total):
                return found

    def list_runs(self, slug: str, *, offset: int = 0, limit: int = 100) -> list[BoltRun] | None:
        """One page of runs, newest first; None when the API does not know the slug."""
        if not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit must be 1..{MAX_PAGE}")
        answer = self.transport.graphql("listBoltRuns", queries.LIST_RUNS, {"slug": slug, "offset": offset, "limit": limit})
        if not isinstance(answer, dict) or answer.get("ok") is False:
            return None
        runs = []
        for item in answer.get("runs") or []:
            try:
                runs.append(BoltRun.from_json(item))
            except (KeyError, TypeError, ValueError):
                raise ApiError(f"listBoltRuns: a run of {slug!r} without an integer id") from None
        return runs

    def run_status(self, run_id: int) -> RunStatus:
        """``boltRunStatus`` without stdout/stderr: the run state and its commands."""
        answer = self.transport.graphql("boltRunStatus", queries.RUN_STATUS, {"runId": run_id})
        if not isinstance(answer, dict):
            raise RunNotFoundError(f"run {run_id} not found in the Paradime workspace")
        commands = sorted((BoltCommand.from_json(c) for c in answer.get("commands") or []), key=lambda c: c.id)
        return RunStatus(answer.get("state"), commands)

    def command_resources(self, command_id: int) -> list[BoltResource]:
        """The files a command left (empty when it left none)."""
        answer = self.transport.graphql("boltCommand", queries.COMMAND, {"commandId": command_id})
        resources = answer.get("resources") if isinstance(answer, dict) else None
        return [
            BoltResource(r["id"], r["path"])
            for r in resources or []
            if isinstance(r, dict) and isinstance(r.get("id"), int) and isinstance(r.get("path"), str)
        ]

    def resource_url(self, resource_id: int, *, what: str = "") -> str:
        answer = self.transport.graphql("boltResourceUrl", queries.RESOURCE_URL, {"resourceId": resource_id})
        url = answer.get("url") if isinstance(answer, dict) else None
        if not isinstance(url, str) or not url:
            raise DownloadError(f"{what or f'resource {resource_id}'}: the API gave no download URL")
        return url

    def download(self, resource_id: int, dest: IO[bytes], *, what: str = "") -> int:
        """Resolve a URL and stream the file into ``dest``; an expired URL is resolved once more."""
        what = what or f"resource {resource_id}"
        try:
            return self.transport.download(self.resource_url(resource_id, what=what), dest, what=what)
        except UrlExpiredError:
            pass
        try:
            return self.transport.download(self.resource_url(resource_id, what=what), dest, what=what)
        except UrlExpiredError as exc:
            raise DownloadError(f"{exc} twice, even with a freshly resolved URL") from None
