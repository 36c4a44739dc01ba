"""The Bolt API's records as the client returns them: its own types, read defensively from
the JSON (a null where an object was expected is a missing field, never a KeyError).
``sources/`` turns them into the source vocabulary; nothing here knows about sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..errors import ApiError


def parse_timestamp(value: object) -> datetime | None:
    """Bolt's ``"2024-11-28 08:00:01"`` (UTC) or ISO 8601 -> naive UTC; anything else None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class BoltSchedule:
    slug: str
    name: str
    cron: str | None = None
    owner: str | None = None
    commands: tuple[str, ...] = ()
    git_branch: str | None = None
    suspended: bool | None = None

    @classmethod
    def from_json(cls, data: dict, fallback_slug: str) -> BoltSchedule:
        """A schedule as ``listBoltSchedules`` (or a saved ``schedule.json``) describes it."""
        slug = data.get("slug") if isinstance(data.get("slug"), str) else fallback_slug
        commands = data.get("commands")
        return cls(
            slug=slug,
            name=data.get("name") if isinstance(data.get("name"), str) else slug,
            cron=data.get("schedule"),
            owner=data.get("owner"),
            commands=tuple(c for c in commands if isinstance(c, str)) if isinstance(commands, list) else (),
            git_branch=data.get("gitBranch"),
            suspended=data.get("suspended"),
        )


@dataclass(frozen=True)
class BoltRun:
    run_id: int
    state: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    actor: str | None = None
    actor_email: str | None = None
    git_branch: str | None = None
    git_commit: str | None = None
    pull_request_id: str | None = None
    parent_run_id: int | None = None
    description: str | None = None

    @classmethod
    def from_json(cls, data: dict) -> BoltRun:
        """A run as ``listBoltRuns`` (or a saved ``run.json``) describes it; KeyError,
        TypeError or ValueError when it has no integer id."""
        git = data.get("gitInfo") if isinstance(data.get("gitInfo"), dict) else {}
        parent = data.get("parentScheduleRunId")
        pr = git.get("pullRequestId")
        return cls(
            run_id=int(data["id"]),
            state=data.get("state"),
            started_at=parse_timestamp(data.get("startDttm")),
            ended_at=parse_timestamp(data.get("endDttm")),
            actor=data.get("actor"),
            actor_email=data.get("actorEmail"),
            git_branch=git.get("branch"),
            git_commit=git.get("commitHash"),
            pull_request_id=None if pr is None else str(pr),
            parent_run_id=parent if isinstance(parent, int) else None,
            description=_text(data.get("description")),
        )


@dataclass(frozen=True)
class BoltCommand:
    id: int
    command: str
    started_at: datetime | None = None
    ended_at: datetime | None = None
    return_code: int | None = None

    @classmethod
    def from_json(cls, data: Any) -> BoltCommand:
        if not isinstance(data, dict) or not isinstance(data.get("id"), int):
            raise ApiError("boltRunStatus: a command without an integer id")
        code = data.get("returnCode")
        return cls(
            id=data["id"],
            command=data.get("command") if isinstance(data.get("command"), str) else "",
            started_at=parse_timestamp(data.get("startDttm")),
            ended_at=parse_timestamp(data.get("endDttm")),
            return_code=code if isinstance(code, int) else None,
        )


@dataclass(frozen=True)
class BoltResource:
    id: int
    path: str


@dataclass(frozen=True)
class RunStatus:
    state: str | None
    commands: list[BoltCommand]  # sorted by id: execution order
