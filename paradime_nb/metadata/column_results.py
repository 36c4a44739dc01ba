"""Typed results of the column lineage questions (``metadata/column_lineage.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from .results import LineageNode, LineageSummary, ResultList


@dataclass
class ColumnLineageNode:
    """A column reached by a column walk (the start column is level 0).

    ``column`` None means the node's rows: a join key, filter or grouping reaches it
    (``kind`` ``filter``) and the walk does not go on from there. ``kind`` is the edge by
    which it was first reached, ``via`` the column on the other end of that edge."""

    unique_id: str
    name: str | None
    resource_type: str | None
    column: str | None
    level: int
    kind: str | None
    via: str | None
    status: str | None
    health_status: str | None
    lineage_status: str | None
    exposures: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.name or self.unique_id}.{self.column}" if self.column else f"{self.name or self.unique_id} (rows)"


@dataclass
class StoppedNode:
    """Where column lineage is incomplete: a node whose SQL was not (fully) read."""

    unique_id: str
    name: str | None
    lineage_status: str
    reason: str | None


@dataclass
class ColumnEdgeRecord:
    source_id: str
    source_column: str
    target_id: str
    target_column: str | None
    kind: str


class ColumnLineageResult(ResultList[ColumnLineageNode]):
    """Columns of a walk, nearest first; ``edges`` among them (what a graph draws),
    ``stopped`` where lineage stops for want of parsed SQL, ``summary`` by health with the
    exposures reached."""

    record_type = ColumnLineageNode

    def __init__(self, items: Iterable[ColumnLineageNode] = (), *, root: tuple[str, str] = ("", ""),
                 root_id: str = "", direction: str = "", depth: int | None = None, edges: Iterable[ColumnEdgeRecord] = (),
                 stopped: Iterable[StoppedNode] = ()) -> None:
        super().__init__(items, ColumnLineageNode)
        self.root = root  # (node name, column)
        self.root_id = root_id
        self.direction = direction
        self.depth = depth
        self.edges = list(edges)
        self.stopped: ResultList[StoppedNode] = ResultList(stopped, StoppedNode)
        self.summary = _summary(self)

    @property
    def nodes(self) -> list[str]:
        """Distinct unique ids reached (the root's included), nearest first."""
        return list(dict.fromkeys(c.unique_id for c in self))

    def _repr_html_(self) -> str:
        head = (f"<p><b>{escape(self.direction)}</b> of {escape('.'.join(self.root))}: "
                f"{len(self)} columns, {escape(str(self.summary))}</p>")
        if self.stopped:
            head += "<p>lineage stops at: " + escape(", ".join(f"{s.name} ({s.reason})" for s in self.stopped)) + "</p>"
        return head + super()._repr_html_()


@dataclass
class ColumnImpact:
    """What changing one column touches downstream: columns, models by health,
    exposures (and those at risk), and where the answer is incomplete."""

    column: str
    columns: int
    models: list[str]
    by_health: dict[str, int]
    exposures: list[str]
    exposures_at_risk: list[str]
    stopped: list[StoppedNode]
    lineage: ColumnLineageResult = field(repr=False)

    def _repr_html_(self) -> str:
        text = (f"<p><b>{escape(self.column)}</b>: {self.columns} columns in {len(self.models)} models "
                f"({escape(', '.join(f'{v} {k}' for k, v in self.by_health.items()) or 'none')})")
        if self.exposures:
            text += f"; exposures: {escape(', '.join(self.exposures))}"
        if self.exposures_at_risk:
            text += f" (at risk: {escape(', '.join(self.exposures_at_risk))})"
        if self.stopped:
            text += f"; incomplete past: {escape(', '.join(s.name or s.unique_id for s in self.stopped))}"
        return text + "</p>" + self.lineage._repr_html_()


@dataclass
class ColumnLineageStatus:
    """How far one model's or snapshot's SQL was read."""

    unique_id: str
    name: str | None
    resource_type: str | None
    materialized: str | None
    lineage_status: str
    reason: str | None
    dialect: str | None
    columns: list[str]


def _summary(result: ColumnLineageResult) -> LineageSummary:
    """Counts by health over the distinct nodes reached (not the start node), with the
    exposures that read them, as the model-level walk reports them."""
    start = result.root_id
    seen: dict[str, LineageNode] = {}
    for c in result:
        if c.unique_id != start and c.unique_id not in seen:
            seen[c.unique_id] = LineageNode(c.unique_id, c.name, c.resource_type, c.level, c.status, c.health_status)
    return LineageSummary.of(list(seen.values()), [])
