"""One run's files -> parsed tables, ready for one bulk transaction.

Everything that can fail on bad input (reading, decoding, validating) happens here,
before the store is touched, so a bad file leaves the store as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..artifacts import ParsedCatalog, ParsedFreshness, ParsedManifest, ParsedRunResults, artifact_kind, read_artifact
from ..errors import ArtifactNotFoundError, MissingSchemaVersionError
from ..sources.commands import EXECUTING, command_kind
from ..sources.model import RunData
from .bulk import gc_paused
from .versions import GROUPS, content_id

# args.which -> the subcommand users type
_WHICH_NAMES = {"generate": "docs generate", "freshness": "source freshness", "source": "source freshness"}


@dataclass
class PreparedRun:
    """Column dicts per store table, plus the constant run identity added at insert."""

    schedule_name: str
    run_id: int
    tables: dict[str, dict[str, list]] = field(default_factory=dict)
    run_row: dict[str, Any] = field(default_factory=dict)
    schedule_row: dict[str, Any] = field(default_factory=dict)

    def add(self, table: str, columns: dict[str, list], **constant: Any) -> None:
        """Append ``columns`` (plus per-row constants) to ``table``."""
        n = len(next(iter(columns.values()))) if columns else 0
        if n == 0:
            return
        target = self.tables.setdefault(table, {})
        if not target:
            for key in list(columns) + list(constant):
                target[key] = []
        for key, values in columns.items():
            target[key].extend(values)
        for key, value in constant.items():
            target[key].extend([value] * n)

    def row_count(self, table: str) -> int:
        cols = self.tables.get(table)
        return len(next(iter(cols.values()))) if cols else 0


def prepare_run(data: RunData, *, strict: bool = False, source: str = "") -> PreparedRun:
    with gc_paused():
        return _prepare_run(data, strict=strict, source=source)


def _prepare_run(data: RunData, *, strict: bool, source: str) -> PreparedRun:
    run, schedule = data.run, data.schedule
    prepared = PreparedRun(schedule_name=schedule.slug, run_id=run.run_id)
    manifest: ParsedManifest | None = None
    manifest_index: int | None = None
    catalog: ParsedCatalog | None = None
    seen_invocations: set[tuple[str, str]] = set()
    freshness_parts: list[tuple[int, ParsedFreshness]] = []
    commands: dict[str, list] = {k: [] for k in _COMMAND_COLUMNS}
    artifacts: dict[str, list] = {k: [] for k in _ARTIFACT_COLUMNS}
    dbt_version = None
    too_old: list[str] = []

    for cmd in data.commands:
        line_kind = command_kind(cmd.command)
        dbt_command, executes, result_count, freshness_count = line_kind, None, None, None
        for file in cmd.files:
            kind = artifact_kind(file.path)
            if kind is None:
                continue
            where = _display_path(data, cmd.index, file.path)
            try:
                raw = file.read()
            except OSError as exc:
                raise ArtifactNotFoundError(where, f"cannot be read ({exc.strerror or exc})") from None
            try:
                parsed = read_artifact(raw, where, kind, strict=strict)
            except MissingSchemaVersionError:
                too_old.append(where)  # the other files are read: the error names every such file
                continue
            used, note = True, None
            key = (kind, parsed.invocation_id or f"{cmd.index}:{file.path}")
            if kind in ("run_results", "sources") and key in seen_invocations:
                used, note = False, "same dbt invocation as an earlier command's file"
            seen_invocations.add(key)
            dbt_version = parsed.dbt_version or dbt_version
            if isinstance(parsed, ParsedManifest):
                if manifest is not None:
                    _carry_code(manifest, parsed)
                manifest, manifest_index = parsed, cmd.index
            elif isinstance(parsed, ParsedCatalog):
                catalog = parsed
            elif isinstance(parsed, ParsedRunResults):
                dbt_command = _WHICH_NAMES.get(parsed.which or "", parsed.which) or dbt_command
                counts = parsed.executes_nodes
                if counts is None:  # no args.which (old files): trust the command line
                    counts = line_kind in EXECUTING or line_kind is None
                executes = counts
                if not counts:
                    used, note = False, f"`dbt {dbt_command}` results do not count for node status"
                elif used:
                    result_count = len(parsed.results["unique_id"])
                    prepared.add(
                        "node_results", parsed.results,
                        command_index=cmd.index, dbt_command=dbt_command, invocation_id=parsed.invocation_id,
                    )
            elif isinstance(parsed, ParsedFreshness):
                dbt_command = dbt_command or "source freshness"
                if used:
                    freshness_count = len(parsed.results["unique_id"])
                    freshness_parts.append((cmd.index, parsed))
            _artifact_row(artifacts, cmd.index, file.path, kind, parsed, len(raw), used, note)
        _command_row(commands, cmd, dbt_command, executes, result_count, freshness_count)
    if too_old:
        raise MissingSchemaVersionError(too_old)

    prepared.add("commands", commands)
    prepared.add("artifacts", artifacts)
    names: dict[str, tuple[str | None, str | None]] = {}
    if manifest is not None:
        prepared.add("manifest_nodes", manifest.nodes)
        prepared.add("node_edges", manifest.edges)
        prepared.add("test_metadata", manifest.tests)
        prepared.add("manifest_columns", manifest.columns)
        nodes = manifest.nodes
        for uid, rtype, source_name, name in zip(nodes["unique_id"], nodes["resource_type"], nodes["source_name"], nodes["name"]):
            if rtype == "source":
                names[uid] = (source_name, name)
    for index, parsed in freshness_parts:
        ids = parsed.results["unique_id"]
        prepared.add(
            "freshness_results",
            {
                **parsed.results,
                "source_name": [names.get(u, (None, None))[0] for u in ids],
                "table_name": [names.get(u, (None, None))[1] for u in ids],
            },
            command_index=index,
            invocation_id=parsed.invocation_id,
        )
    if catalog is not None:
        prepared.add("catalog_nodes", catalog.nodes)
        prepared.add("catalog_columns", catalog.columns)

    present = {"manifest": manifest is not None, "catalog": catalog is not None, "catalog_columns": catalog is not None}
    versions = {group.run_column: content_id(group, prepared.tables) if present[group.kind] else None
                for group in GROUPS}
    notes = list(data.notes)
    spread = _time_spread(artifacts)
    if spread is not None:
        notes.append(spread)
    if manifest is None:
        notes.append("no manifest.json: this run has results but no node metadata")
    prepared.run_row = {
        "schedule_name": schedule.slug,
        "run_id": run.run_id,
        "state": run.state,
        "started_at": run.started_at,
        "ended_at": run.ended_at,
        "duration_seconds": (run.ended_at - run.started_at).total_seconds() if run.started_at and run.ended_at else None,
        "actor": run.actor,
        "actor_email": run.actor_email,
        "git_branch": run.git_branch,
        "git_commit": run.git_commit,
        "pull_request_id": run.pull_request_id,
        "parent_run_id": run.parent_run_id,
        "description": run.description,
        "notes": notes,
        "dbt_version": dbt_version,
        "manifest_command_index": manifest_index,
        "node_count": manifest.node_count if manifest is not None else 0,
        "loaded_at": datetime.now(timezone.utc).replace(tzinfo=None),
        **versions,
    }
    prepared.schedule_row = {
        "schedule_name": schedule.slug,
        "display_name": schedule.name,
        "cron": schedule.cron,
        "owner": schedule.owner,
        "commands": list(schedule.commands),
        "git_branch": schedule.git_branch,
        "suspended": schedule.suspended,
        "source": source,
    }
    return prepared


def _carry_code(earlier: ParsedManifest, later: ParsedManifest) -> None:
    """The run's node tables come from its last manifest, but `dbt test` or `dbt source
    freshness` compile no model: a model's compiled SQL from an earlier command of the same
    run is kept where the last manifest has none (column lineage reads it)."""
    code = later.nodes.get("compiled_code")
    before = dict(zip(earlier.nodes.get("unique_id", ()), earlier.nodes.get("compiled_code", ())))
    if code is None or not before:
        return
    for i, uid in enumerate(later.nodes["unique_id"]):
        if code[i] is None and before.get(uid) is not None:
            code[i] = before[uid]


#: artifacts of one run written further apart than this are not one invocation's
MAX_SPREAD_HOURS = 24


def _time_spread(artifacts: dict[str, list]) -> str | None:
    """A warning when the run's files were written far apart (a run whose commands left
    files of different days: its results are read as one run). Names every file written
    more than ``MAX_SPREAD_HOURS`` before the newest, with its generated_at, and the spread."""
    stamps = []
    for index, path, written in zip(artifacts["command_index"], artifacts["path"], artifacts["generated_at"]):
        try:
            when = datetime.fromisoformat(str(written).replace("Z", "+00:00")) if written else None
        except ValueError:
            when = None
        if when is not None:
            utc = when.replace(tzinfo=None) if when.tzinfo is None else when.astimezone(timezone.utc).replace(tzinfo=None)
            stamps.append((utc, f"command {index} {path}"))
    if len(stamps) < 2:
        return None
    (first, _name), (last, last_name) = min(stamps), max(stamps)
    hours = (last - first).total_seconds() / 3600
    if hours <= MAX_SPREAD_HOURS:
        return None
    old = [f"{name} (generated_at {when:%Y-%m-%d %H:%M:%S})" for when, name in sorted(stamps)
           if (last - when).total_seconds() / 3600 > MAX_SPREAD_HOURS]
    return (f"files written {hours / 24:.1f} days apart: {', '.join(old)} before {last_name} "
            f"(generated_at {last:%Y-%m-%d %H:%M:%S}); different dbt invocations read as one run, "
            "their statuses may not belong together")


def _display_path(data: RunData, index: int, path: str) -> str:
    return f"{data.schedule.slug}/run {data.run.run_id}/command {index}/{path}"


_COMMAND_COLUMNS = (
    "command_index", "command_id", "command", "dbt_command", "exit_code", "started_at", "ended_at",
    "duration_seconds", "executes_nodes", "result_count", "freshness_count",
)
_ARTIFACT_COLUMNS = (
    "command_index", "path", "kind", "schema_version", "dbt_version", "generated_at", "invocation_id",
    "which", "invocation_command", "elapsed_time", "size_bytes", "used", "note", "threads", "adapter_type",
)


def _command_row(cols: dict[str, list], cmd: Any, dbt_command: str | None, executes: bool | None,
                 result_count: int | None, freshness_count: int | None) -> None:
    if executes is None:
        executes = dbt_command in EXECUTING
    duration = (cmd.ended_at - cmd.started_at).total_seconds() if cmd.started_at and cmd.ended_at else None
    values = (
        cmd.index, cmd.command_id, cmd.command, dbt_command, cmd.return_code, cmd.started_at, cmd.ended_at,
        duration, executes, result_count, freshness_count,
    )
    for key, value in zip(_COMMAND_COLUMNS, values):
        cols[key].append(value)


def _artifact_row(cols: dict[str, list], index: int, path: str, kind: str, parsed: Any, size: int,
                  used: bool, note: str | None) -> None:
    values = (
        index, path, kind, parsed.schema_version, parsed.dbt_version, parsed.generated_at, parsed.invocation_id,
        getattr(parsed, "which", None), getattr(parsed, "invocation_command", None),
        getattr(parsed, "elapsed_time", None), size, used, note, getattr(parsed, "threads", None),
        getattr(parsed, "adapter_type", None),
    )
    for key, value in zip(_ARTIFACT_COLUMNS, values):
        cols[key].append(value)
