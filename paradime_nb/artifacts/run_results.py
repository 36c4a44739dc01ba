"""run_results.json (v1-v6) -> one row per result, plus which dbt command wrote it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..vocabulary import NODE_EXECUTING_COMMANDS
from ..errors import InvalidArtifactError
from ._decode import require
from .values import dict_or_empty, integer, json_text, normalize_status, number, text

Columns = dict[str, list]

RESULT_COLUMNS = (
    "unique_id", "result_index", "status", "execution_time", "compile_started_at",
    "compile_completed_at", "execute_started_at", "execute_completed_at", "message",
    "failures", "thread_id", "rows_affected", "adapter_response", "relation_name",
)

# args.which of the dbt commands whose results are real node executions. `dbt retry`
# writes the which of the command it retries; `docs generate` ("generate") and `compile`
# mark every node "success" and must never count.
EXECUTING_WHICH = frozenset(NODE_EXECUTING_COMMANDS)


@dataclass
class ParsedRunResults:
    path: str
    schema_version: int
    dbt_version: str | None
    generated_at: str | None
    invocation_id: str | None
    which: str | None
    invocation_command: str | None
    elapsed_time: float | None
    args: str | None
    threads: int | None = None  # args.threads: only when given on the command line
    results: Columns = field(default_factory=dict)

    @property
    def executes_nodes(self) -> bool | None:
        """True/False from args.which; None when the file does not say (v1-v3 without args)."""
        if self.which is None:
            return None
        return self.which in EXECUTING_WHICH


def parse_run_results(doc: dict[str, Any], path: str, schema_version: int) -> ParsedRunResults:
    meta = dict_or_empty(doc.get("metadata"))
    args = dict_or_empty(doc.get("args"))
    rows = require(doc, "results", list, path)
    cols: Columns = {c: [] for c in RESULT_COLUMNS}
    for i, r in enumerate(rows):
        if not isinstance(r, dict):
            raise InvalidArtifactError(path, f"results[{i}] must be an object, found {type(r).__name__}")
        uid = r.get("unique_id")
        if not isinstance(uid, str):
            node = r.get("node")  # v1 kept the whole node under "node"
            uid = node.get("unique_id") if isinstance(node, dict) else None
            if not isinstance(uid, str):
                raise InvalidArtifactError(path, f"results[{i}] has no unique_id")
        compile_t, execute_t = _timing(r.get("timing"))
        adapter = r.get("adapter_response")
        cols["unique_id"].append(uid)
        cols["result_index"].append(i)
        cols["status"].append(normalize_status(r.get("status")))
        cols["execution_time"].append(number(r.get("execution_time")))
        cols["compile_started_at"].append(compile_t[0])
        cols["compile_completed_at"].append(compile_t[1])
        cols["execute_started_at"].append(execute_t[0])
        cols["execute_completed_at"].append(execute_t[1])
        cols["message"].append(text(r.get("message")))
        cols["failures"].append(integer(r.get("failures")))
        cols["thread_id"].append(text(r.get("thread_id")))
        cols["rows_affected"].append(integer(adapter.get("rows_affected")) if isinstance(adapter, dict) else None)
        cols["adapter_response"].append(json_text(adapter) if adapter else None)
        cols["relation_name"].append(text(r.get("relation_name")))
    which = args.get("which")
    return ParsedRunResults(
        path=path,
        schema_version=schema_version,
        dbt_version=text(meta.get("dbt_version")),
        generated_at=text(meta.get("generated_at")),
        invocation_id=text(meta.get("invocation_id")),
        which=which if isinstance(which, str) else None,
        invocation_command=text(args.get("invocation_command")),
        elapsed_time=number(doc.get("elapsed_time")),
        args=json_text(args) if args else None,
        threads=integer(args.get("threads")),
        results=cols,
    )


_NO_TIMING = (None, None)


def _timing(timing: Any) -> tuple[tuple[str | None, str | None], tuple[str | None, str | None]]:
    compile_t = execute_t = _NO_TIMING
    if isinstance(timing, list):
        for step in timing:
            if not isinstance(step, dict):
                continue
            name = step.get("name")
            pair = (text(step.get("started_at")), text(step.get("completed_at")))
            if name == "compile":
                compile_t = pair
            elif name == "execute":
                execute_t = pair
    return compile_t, execute_t
