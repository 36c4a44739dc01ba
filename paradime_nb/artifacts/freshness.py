"""sources.json (v1-v3, `dbt source freshness`) -> one row per source checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidArtifactError
from ._decode import require
from .values import criterion, dict_or_empty, normalize_status, number, text

Columns = dict[str, list]

FRESHNESS_COLUMNS = (
    "unique_id", "status", "max_loaded_at", "snapshotted_at", "age_seconds",
    "warn_after_count", "warn_after_period", "warn_after_seconds",
    "error_after_count", "error_after_period", "error_after_seconds",
    "freshness_filter", "error", "execution_time", "execute_started_at", "execute_completed_at",
)


@dataclass
class ParsedFreshness:
    path: str
    schema_version: int
    dbt_version: str | None
    generated_at: str | None
    invocation_id: str | None
    elapsed_time: float | None
    results: Columns = field(default_factory=dict)


def _keep_last(cols: Columns) -> None:
    """Two results for one source: the later one is the check's outcome (as the later of
    two run results is a node's status)."""
    ids = cols["unique_id"]
    last = {uid: i for i, uid in enumerate(ids)}
    if len(last) == len(ids):
        return
    keep = sorted(last.values())
    for name, values in cols.items():
        cols[name] = [values[i] for i in keep]


def parse_freshness(doc: dict[str, Any], path: str, schema_version: int) -> ParsedFreshness:
    meta = dict_or_empty(doc.get("metadata"))
    rows = require(doc, "results", list, path)
    cols: Columns = {c: [] for c in FRESHNESS_COLUMNS}
    for i, r in enumerate(rows):
        if not isinstance(r, dict) or not isinstance(r.get("unique_id"), str):
            raise InvalidArtifactError(path, f"results[{i}] must be an object with a unique_id")
        criteria = dict_or_empty(r.get("criteria"))
        warn = criterion(criteria, "warn_after")
        err = criterion(criteria, "error_after")
        started = completed = None
        timing = r.get("timing")
        if isinstance(timing, list):
            for step in timing:
                if isinstance(step, dict) and step.get("name") == "execute":
                    started, completed = text(step.get("started_at")), text(step.get("completed_at"))
        cols["unique_id"].append(r["unique_id"])
        cols["status"].append(normalize_status(r.get("status")))
        cols["max_loaded_at"].append(text(r.get("max_loaded_at")))
        cols["snapshotted_at"].append(text(r.get("snapshotted_at")))
        cols["age_seconds"].append(number(r.get("max_loaded_at_time_ago_in_s")))
        cols["warn_after_count"].append(warn[0])
        cols["warn_after_period"].append(warn[1])
        cols["warn_after_seconds"].append(warn[2])
        cols["error_after_count"].append(err[0])
        cols["error_after_period"].append(err[1])
        cols["error_after_seconds"].append(err[2])
        cols["freshness_filter"].append(text(criteria.get("filter")))
        cols["error"].append(text(r.get("error") or r.get("message")))
        cols["execution_time"].append(number(r.get("execution_time")))
        cols["execute_started_at"].append(started)
        cols["execute_completed_at"].append(completed)
    _keep_last(cols)
    return ParsedFreshness(
        path=path,
        schema_version=schema_version,
        dbt_version=text(meta.get("dbt_version")),
        generated_at=text(meta.get("generated_at")),
        invocation_id=text(meta.get("invocation_id")),
        elapsed_time=number(doc.get("elapsed_time")),
        results=cols,
    )
