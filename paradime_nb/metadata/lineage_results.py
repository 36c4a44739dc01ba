"""Results of the lineage questions: walked nodes with their level and health, the tests
reached, a summary, and the edges among the nodes (what a graph draws)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from html import escape

from ..vocabulary import CRITICAL, HEALTH_PROBLEMS, UNKNOWN, WARNING
from .result_list import ResultList, count_values


@dataclass
class LineageNode:
    """A node reached by a lineage walk. ``level`` is the shortest distance from the start
    (in ``select_nodes``: 0 for selected nodes, negative for ancestors)."""

    unique_id: str
    name: str | None
    resource_type: str | None
    level: int | None
    status: str | None
    health_status: str | None
    execution_time: float | None = None
    executed_at: datetime | None = None


class LineageResult(ResultList[LineageNode]):
    """Nodes of a walk (no tests), with the tests reached kept apart in ``tests`` and
    ``summary``: counts by health and the exposures reached."""

    record_type = LineageNode

    def __init__(self, items: Iterable[LineageNode] = (), *, root: list[str] | None = None, direction: str = "",
                 depth: int | None = None, tests: Iterable[LineageNode] = (),
                 edges: Iterable[tuple[str, str]] | None = None) -> None:
        super().__init__(items, LineageNode)
        #: the (parent, child) edges among the nodes when asked for (``with_edges=True``):
        #: a notebook then draws the result as a graph
        self.edges: list[tuple[str, str]] | None = None if edges is None else list(edges)
        self.root = list(root or [])
        self.direction = direction
        self.depth = depth
        self.tests: ResultList[LineageNode] = ResultList(tests, LineageNode)
        self.summary = LineageSummary.of(self, self.tests)

    @property
    def unique_ids(self) -> list[str]:
        return [n.unique_id for n in self]

    # --- the SDK's DependencyImpact names (affected nodes by their health) ---------------

    @property
    def failed_model(self) -> str:
        """The node whose impact this is (its unique id when one root)."""
        return ", ".join(self.root)

    @property
    def critical_models(self) -> list[str]:
        return [n.name or n.unique_id for n in self if n.health_status == CRITICAL]

    @property
    def warning_models(self) -> list[str]:
        return [n.name or n.unique_id for n in self if n.health_status == WARNING]

    @property
    def potentially_affected(self) -> list[str]:
        """Affected nodes neither critical nor warning today (healthy or unknown)."""
        return [n.name or n.unique_id for n in self if n.health_status not in HEALTH_PROBLEMS]

    @property
    def total_affected(self) -> int:
        return len(self)

    def _repr_html_(self) -> str:
        head = f"<p><b>{escape(self.direction)}</b> of {escape(', '.join(self.root))}: {escape(str(self.summary))}</p>"
        return head + super()._repr_html_()


@dataclass
class LineageSummary:
    """Counts by health (nodes and tests apart), and the exposures reached."""

    nodes: int
    by_health: dict[str, int]
    by_resource_type: dict[str, int]
    tests: int
    tests_by_health: dict[str, int]
    exposures: list[str]
    exposures_at_risk: list[str]

    @classmethod
    def of(cls, nodes: list[LineageNode], tests: list[LineageNode]) -> LineageSummary:
        exposures = [n for n in nodes if n.resource_type == "exposure"]
        return cls(
            nodes=len(nodes),
            by_health=count_values(n.health_status or UNKNOWN for n in nodes),
            by_resource_type=count_values(n.resource_type or "unknown" for n in nodes),
            tests=len(tests),
            tests_by_health=count_values(t.health_status or UNKNOWN for t in tests),
            exposures=[n.name or n.unique_id for n in exposures],
            exposures_at_risk=[n.name or n.unique_id for n in exposures if n.health_status in HEALTH_PROBLEMS],
        )

    def __str__(self) -> str:
        health = ", ".join(f"{v} {k}" for k, v in self.by_health.items()) or "none"
        text = f"{self.nodes} nodes ({health}), {self.tests} tests"
        if self.exposures:
            text += f"; exposures: {', '.join(self.exposures)}"
        if self.exposures_at_risk:
            text += f" (at risk: {', '.join(self.exposures_at_risk)})"
        return text
