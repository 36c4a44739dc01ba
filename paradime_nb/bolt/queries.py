"""The GraphQL documents we send: only the fields we read (no stdout/stderr logs)."""

LIST_SCHEDULES = """
query listBoltSchedules($offset: Int!, $limit: Int!, $showInactive: Boolean!) {
  listBoltSchedules(offset: $offset, limit: $limit, showInactive: $showInactive) {
    schedules { name slug schedule owner commands gitBranch suspended }
    totalCount
  }
}"""

LIST_RUNS = """
query listBoltRuns($slug: String, $offset: Int!, $limit: Int!) {
  listBoltRuns(slug: $slug, offset: $offset, limit: $limit) {
    ok
    runs { id state actor actorEmail startDttm endDttm parentScheduleRunId
           gitInfo { branch commitHash pullRequestId } }
  }
}"""

RUN_STATUS = """
query boltRunStatus($runId: Int!) {
  boltRunStatus(runId: $runId) { state commands { id command startDttm endDttm returnCode } }
}"""

COMMAND = """
query boltCommand($commandId: Int!) { boltCommand(commandId: $commandId) { resources { id path } } }"""

RESOURCE_URL = """
query boltResourceUrl($resourceId: Int!) { boltResourceUrl(resourceId: $resourceId) { url } }"""
