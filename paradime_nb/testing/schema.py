"""The Bolt GraphQL schema the loopback server validates against, and its resolvers.

Types follow ``paradime-api.md``; the extra fields and the ``scheduleName`` arguments the
official ``paradime-io`` SDK asks for are declared too (mostly null), so that SDK can be
pointed at the server. graphql-core is imported here only: it is a test/server extra.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, GraphQLSchema, build_schema

from .catalog import Catalog, Command, Run, Schedule

SDL = """
type Query {
  listBoltSchedules(offset: Int!, limit: Int!, showInactive: Boolean!): BoltSchedules
  boltScheduleName(slug: String, scheduleName: String): BoltScheduleInfo
  listBoltRuns(slug: String, scheduleName: String, offset: Int!, limit: Int!): BoltScheduleRuns
  boltRunStatus(runId: Int!): BoltRunStatus
  boltCommand(commandId: Int!): BoltCommand
  boltResourceUrl(resourceId: Int!): BoltResourceUrl
}
type BoltSchedules { schedules: [BoltSchedule!]! totalCount: Int! }
type BoltDeferredSchedule { enabled: Boolean deferredScheduleName: String successfulRunOnly: Boolean }
type BoltNotificationItem { channel: String events: [String] templateSlug: String templateName: String }
type BoltNotifications {
  emailNotifications: [BoltNotificationItem]
  slackNotifications: [BoltNotificationItem]
  msTeamsNotifications: [BoltNotificationItem]
}
type BoltSchedule {
  name: String! slug: String! schedule: String owner: String
  lastRunAt: String lastRunState: String nextRunAt: String
  id: Int uuid: String source: String commands: [String!] gitBranch: String suspended: Boolean
  turboCi: BoltDeferredSchedule deferredSchedule: BoltDeferredSchedule
  slackOn: [String] slackNotify: [String] emailOn: [String] emailNotify: [String]
  notifications: BoltNotifications
}
type BoltScheduleInfo {
  ok: Boolean! latestRunId: Int commands: [String!] owner: String schedule: String
  uuid: String source: String suspended: Boolean
}
type BoltGitInfo { branch: String commitHash: String pullRequestId: Int }
type BoltRun {
  id: Int! state: String actor: String actorEmail: String startDttm: String endDttm: String
  parentScheduleRunId: Int gitInfo: BoltGitInfo
}
type BoltScheduleRuns { ok: Boolean! runs: [BoltRun!] }
type BoltCommandStatus {
  id: Int! command: String startDttm: String endDttm: String stdout: String stderr: String returnCode: Int
}
type BoltRunStatus { state: String commands: [BoltCommandStatus!] }
type BoltResource { id: Int! path: String! }
type BoltCommand { resources: [BoltResource!] }
type BoltResourceUrl { url: String }
"""


def build() -> GraphQLSchema:
    return build_schema(SDL)


class Root:
    """Top-level resolvers over a ``Catalog``; ``url_for(resource_id)`` signs download URLs."""

    def __init__(self, catalog: Catalog, url_for: Callable[[int], str]) -> None:
        self.catalog = catalog
        self.url_for = url_for

    def _schedule(self, slug: str | None, scheduleName: str | None) -> Schedule | None:  # noqa: N803
        key = slug or scheduleName
        for schedule in self.catalog.schedules.values():
            if key in (schedule.slug, schedule.data.get("name")):
                return schedule
        return None

    def listBoltSchedules(self, _info: Any, offset: int, limit: int, showInactive: bool) -> dict:  # noqa: N802, N803
        chosen = [s for s in self.catalog.schedules.values() if bool(s.data.get("suspended")) == showInactive]
        return {"schedules": [_schedule_json(s) for s in chosen[offset : offset + limit]], "totalCount": len(chosen)}

    def boltScheduleName(self, _info: Any, slug: str | None = None,  # noqa: N802
                         scheduleName: str | None = None) -> dict:  # noqa: N803
        schedule = self._schedule(slug, scheduleName)
        if schedule is None:
            return {"ok": False}
        return {
            "ok": True, "latestRunId": schedule.runs[0].data["id"] if schedule.runs else None,
            "commands": schedule.data.get("commands"), "owner": schedule.data.get("owner"),
            "schedule": schedule.data.get("schedule"), "uuid": f"uuid-{schedule.slug}", "source": "ui",
            "suspended": schedule.data.get("suspended"),
        }

    def listBoltRuns(self, _info: Any, offset: int, limit: int, slug: str | None = None,  # noqa: N802
                     scheduleName: str | None = None) -> dict:  # noqa: N803
        if not 1 <= limit <= 1000:
            raise GraphQLError("limit must be between 1 and 1000")
        schedule = self._schedule(slug, scheduleName)
        if schedule is None:
            return {"ok": False, "runs": []}
        return {"ok": True, "runs": [dict(r.data) for r in schedule.runs[offset : offset + limit]]}

    def boltRunStatus(self, _info: Any, runId: int) -> dict | None:  # noqa: N802, N803
        run = self.catalog.runs.get(runId)
        if run is None:
            return None
        return {"state": run.data.get("state"), "commands": [_command_json(c) for c in run.commands]}

    def boltCommand(self, _info: Any, commandId: int) -> dict | None:  # noqa: N802, N803
        command = self.catalog.commands.get(commandId)
        if command is None:
            return None
        return {"resources": [{"id": r.id, "path": r.path} for r in command.resources]}

    def boltResourceUrl(self, _info: Any, resourceId: int) -> dict | None:  # noqa: N802, N803
        if resourceId not in self.catalog.resources:
            raise GraphQLError(f"resource {resourceId} not found")
        return {"url": self.url_for(resourceId)}


def _schedule_json(schedule: Schedule) -> dict:
    data = schedule.data
    latest: Run | None = schedule.runs[0] if schedule.runs else None
    return {
        **{k: data.get(k) for k in ("name", "slug", "schedule", "owner", "commands", "gitBranch", "suspended")},
        "lastRunAt": latest.data.get("startDttm") if latest else None,
        "lastRunState": latest.data.get("state") if latest else None,
        "uuid": f"uuid-{schedule.slug}", "source": "ui",
    }


def _command_json(command: Command) -> dict:
    return {
        **command.data,
        "stdout": lambda _info: command.log("stdout.txt"),
        "stderr": lambda _info: command.log("stderr.txt"),
    }
