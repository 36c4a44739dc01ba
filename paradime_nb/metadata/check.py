"""The health check of a schedule: every node with a health, and why, for alerting.

``get_health_check`` answers "is anything at or above this severity, and what": every
model, seed, snapshot, source, exposure and test of the latest manifest, each with its
health and its reasons in words. The CLI's ``check`` (exit codes, JSON, JUnit, GitHub
annotations) and ``report`` only lay this out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..store import Store
from ..vocabulary import CRITICAL, HEALTH_DISPLAY_ORDER, HEALTH_PROBLEMS, HEALTHY, UNKNOWN, WARNING
from .health import _reasons
from .health_cache import ensure_health
from .queries import rows
from .results import ResultList, RunSummary

HEALTH_ORDER = HEALTH_DISPLAY_ORDER
#: How bad each health is; a threshold means "this rank or worse".
HEALTH_RANK = {HEALTHY: 0, UNKNOWN: 1, WARNING: 2, CRITICAL: 3}
_BY_RANK = {rank: health for health, rank in HEALTH_RANK.items()}
#: The thresholds a check can fail on, mildest last.
THRESHOLDS = HEALTH_PROBLEMS
TEST_TYPES = ("test", "unit_test")
_ORIGINS_SHOWN = 5
SOURCE_TYPE = "source"
#: The kinds a check reports on, in the order a report lists them.
KINDS = ("model", "seed", "snapshot", SOURCE_TYPE, "exposure", "test")


@dataclass
class CheckedNode:
    """One node of the latest manifest with its health and the reasons for it."""

    unique_id: str
    name: str
    resource_type: str
    health_status: str
    status: str | None
    run_id: int | None
    message: str | None
    reasons: list[str] = field(default_factory=list)
    severity: str | None = None  # tests: error or warn
    failures: int | None = None  # tests: failing rows
    tested_node_name: str | None = None  # tests: what they test
    package_name: str | None = None
    original_file_path: str | None = None  # in the dbt project (models/..., tests/...)

    @property
    def kind(self) -> str:
        """``test`` for data and unit tests, else the resource type."""
        return "test" if self.resource_type in TEST_TYPES else self.resource_type

    @property
    def problem_message(self) -> str | None:
        """dbt's message when the node's own result is the problem (not a success's "OK")."""
        own = f"{self.status} in run" if self.status else None
        return self.message if own and any(r.startswith(own) for r in self.reasons) else None

    @property
    def rank(self) -> int:
        return HEALTH_RANK.get(self.health_status, HEALTH_RANK[UNKNOWN])


@dataclass
class HealthCheck:
    """The nodes of a schedule's latest manifest with their health, and the run it describes."""

    schedule_name: str
    run: RunSummary | None
    nodes: ResultList[CheckedNode]

    def at_or_above(self, threshold: str = CRITICAL) -> ResultList[CheckedNode]:
        """Nodes whose health is ``threshold`` (critical or warning, any letter case) or worse,
        worst first."""
        floor = HEALTH_RANK[_health_named(threshold)]
        found = [n for n in self.nodes if n.rank >= floor]
        return ResultList(sorted(found, key=lambda n: (-n.rank, KINDS.index(n.kind) if n.kind in KINDS else 99,
                                                       n.name, n.unique_id)), CheckedNode)

    @property
    def unhealthy(self) -> ResultList[CheckedNode]:
        """Every warning or critical node, worst first."""
        return self.at_or_above(WARNING)

    def counts(self) -> dict[str, dict[str, int]]:
        """kind -> health -> how many (every health present, zeros included)."""
        out: dict[str, dict[str, int]] = {}
        for node in self.nodes:
            bucket = out.setdefault(node.kind, {h: 0 for h in HEALTH_ORDER})
            bucket[node.health_status] = bucket.get(node.health_status, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: KINDS.index(kv[0]) if kv[0] in KINDS else 99))

    def failed(self, threshold: str = CRITICAL) -> bool:
        return bool(self.at_or_above(threshold))

    def to_frame(self) -> Any:
        return self.nodes.to_frame()

    def _repr_html_(self) -> str:
        return self.unhealthy._repr_html_()


def _health_named(name: str) -> str:
    """The health ``name`` spells, in any letter case (the vocabulary's spellings, or lower case)."""
    for health in THRESHOLDS:
        if isinstance(name, str) and name.lower() == health.lower():
            return health
    raise ValueError(f"threshold must be one of {', '.join(THRESHOLDS)}, not {name!r}")


def health_check(store: Store, schedule_name: str) -> HealthCheck:
    ensure_health(store, schedule_name)
    nodes = [_node(r) for r in rows(store, "health_check", schedule_name=schedule_name)]
    latest = rows(store, "latest_run", schedule_name=schedule_name)
    return HealthCheck(schedule_name, RunSummary(**latest[0]) if latest else None, ResultList(nodes, CheckedNode))


def _node(r: dict[str, Any]) -> CheckedNode:
    kind = r["resource_type"]
    if kind in TEST_TYPES:
        health = _BY_RANK[r["health_rank"]]
        reasons = _test_reasons(r, health)
    else:
        health = r["health_status"] or UNKNOWN
        if kind == SOURCE_TYPE:
            reasons = _source_reasons(r)
        elif r["parent_health"] and kind not in ("model", "seed", "snapshot"):
            reasons = _downstream_reasons(r)
        else:
            reasons = _reasons(r)
            if r["upstream_origins"] and (r["upstream_critical"] or r["upstream_source_error"] or r["upstream_source_warn"]):
                reasons.append(_origins(r["upstream_origins"]))
    return CheckedNode(
        unique_id=r["unique_id"], name=_display_name(r), resource_type=kind, health_status=health,
        status=r["status"], run_id=r["run_id"], message=r["message"], reasons=reasons if health != HEALTHY else [],
        severity=r["severity"], failures=r["failures"], tested_node_name=r["tested_node_name"],
        package_name=r["package_name"], original_file_path=r["original_file_path"],
    )


def _origins(names: list[str]) -> str:
    """The ancestors that are unhealthy on their own (critical, or a stale source)."""
    shown = names[:_ORIGINS_SHOWN]
    more = len(names) - len(shown)
    return "because of upstream " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _display_name(r: dict[str, Any]) -> str:
    if r["resource_type"] == SOURCE_TYPE and r["source_name"]:
        return f"{r['source_name']}.{r['name']}"
    return r["name"]


def _test_reasons(r: dict[str, Any], health: str) -> list[str]:
    status = r["status"]
    if status is None:
        return ["never executed in the loaded runs"]
    text = f"{status} in run {r['run_id']}"
    if r["failures"]:
        text += f" ({r['failures']} failing row{'s' if r['failures'] != 1 else ''})"
    out = [text]
    if health == WARNING and r["severity"] == "warn" and status != "warn":
        out.append("severity warn")
    if r["tested_node_name"]:
        out.append(f"on {r['tested_node_name']}")
    return out


def _source_reasons(r: dict[str, Any]) -> list[str]:
    out: list[str] = []
    status, age = r["status"], r["age_seconds"]
    if status is None:
        out.append("freshness never checked in the loaded runs")
    elif status == "runtime error":
        out.append(f"freshness check failed in run {r['run_id']}")
    elif status != "pass":
        limit = r["error_after_seconds"] if status == "error" else r["warn_after_seconds"]
        which = "error_after" if status == "error" else "warn_after"
        out.append(f"{_hours(age)} since the last load, past {which} ({_hours(limit)}) in run {r['run_id']}")
    for count, verb in ((r["tests_failed"], "failed"), (r["tests_errored"], "errored"), (r["tests_warned"], "warned")):
        if count:
            out.append(f"{count} test{'s' if count > 1 else ''} {verb}")
    return out


def _downstream_reasons(r: dict[str, Any]) -> list[str]:
    bad = [p for p in r["parent_health"] if HEALTH_RANK.get(p["health_status"], 0) >= HEALTH_RANK[WARNING]]
    out = [f"reads {p['name']} ({p['health_status']})" for p in bad]
    if not out and r["status"]:
        out.append(f"{r['status']} in run {r['run_id']}")
    if not out and r["health_status"] == UNKNOWN:
        out.append("nothing it reads was executed in the loaded runs")
    return out


def _hours(seconds: float | None) -> str:
    return "?" if seconds is None else f"{seconds / 3600:.1f} h"


def worst(nodes: Iterable[CheckedNode]) -> str:
    """The worst health among ``nodes`` (healthy when there are none)."""
    return _BY_RANK[max((n.rank for n in nodes), default=0)]
