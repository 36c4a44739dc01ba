"""What the derivation reads (plain data from the store) and what it gives back."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# Edge kinds, weakest first: along a path the strongest wins.
PASSTHROUGH = "passthrough"
RENAMED = "renamed"
TRANSFORMED = "transformed"
AGGREGATED = "aggregated"
FILTER = "filter"  # used in a join key, filter or grouping, not selected: the edge has no target column
VALUE_KINDS = (PASSTHROUGH, RENAMED, TRANSFORMED, AGGREGATED)
EDGE_KINDS = (*VALUE_KINDS, FILTER)

# Per-node status of the derivation.
OK = "ok"
PARTIAL = "partial"
UNPARSED = "unparsed"
STATUSES = (OK, PARTIAL, UNPARSED)

#: Where a relation's columns came from.
FROM_CATALOG = "catalog"
FROM_MANIFEST = "manifest"

#: Bumped when the derivation changes what it produces: stored edges of another version are
#: derived again.
DERIVATION_VERSION = "1"


@dataclass(frozen=True)
class NodeSQL:
    """A node whose SQL is read: its compiled code and the nodes it may read."""

    unique_id: str
    resource_type: str
    compiled_code: str | None
    language: str | None = None
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Relation:
    """A node that compiled SQL can name: its relation's parts and its known columns."""

    unique_id: str
    resource_type: str
    name: str | None
    database: str | None
    schema: str | None
    identifier: str | None
    materialized: str | None = None
    columns: tuple[str, ...] = ()
    columns_from: str | None = None


@dataclass
class ManifestSQL:
    """Everything the derivation of one manifest reads."""

    adapter_type: str | None
    nodes: list[NodeSQL]
    relations: list[Relation]

    def key(self) -> str:
        """Identifies the derivation's input: same key, same edges."""
        import sqlglot  # noqa: PLC0415

        h = hashlib.sha256()
        for part in (DERIVATION_VERSION, sqlglot.__version__, self.adapter_type or ""):
            h.update(part.encode())
            h.update(b"\0")
        for n in sorted(self.nodes, key=lambda n: n.unique_id):
            for part in (n.unique_id, n.resource_type, n.compiled_code or "\1", n.language or "", *n.depends_on):
                h.update(part.encode())
                h.update(b"\0")
            h.update(b"\2")
        for r in sorted(self.relations, key=lambda r: r.unique_id):
            for part in (r.unique_id, r.resource_type, r.name or "", r.database or "", r.schema or "",
                         r.identifier or "", r.materialized or "", r.columns_from or "", *r.columns):
                h.update(part.encode())
                h.update(b"\0")
            h.update(b"\2")
        return h.hexdigest()[:32]


@dataclass(frozen=True)
class ColumnEdge:
    source_id: str
    source_column: str
    target_id: str
    target_column: str | None  # None: a filter / join key of the target node
    kind: str


@dataclass
class NodeLineage:
    """One node's derivation: its status, why, its output columns and incoming edges."""

    unique_id: str
    status: str
    reason: str | None
    dialect: str
    columns: list[str] = field(default_factory=list)
    edges: list[ColumnEdge] = field(default_factory=list)
