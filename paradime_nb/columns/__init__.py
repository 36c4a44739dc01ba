"""Column-level lineage derived from compiled SQL (sqlglot): parsing, beside ``artifacts``.

It reads plain data (``ManifestSQL``: nodes' compiled code, relations and their columns)
and returns edges and per-node statuses; it knows nothing of DuckDB. The store keeps the
result per distinct input (``ManifestSQL.key()``), ``metadata`` answers questions from it.
"""

from __future__ import annotations

from collections.abc import Iterator

from .model import (
    AGGREGATED,
    EDGE_KINDS,
    FILTER,
    FROM_CATALOG,
    FROM_MANIFEST,
    OK,
    PARTIAL,
    PASSTHROUGH,
    RENAMED,
    STATUSES,
    TRANSFORMED,
    UNPARSED,
    ColumnEdge,
    ManifestSQL,
    NodeLineage,
    NodeSQL,
    Relation,
)

__all__ = [
    "AGGREGATED", "EDGE_KINDS", "FILTER", "FROM_CATALOG", "FROM_MANIFEST", "OK", "PARTIAL", "PASSTHROUGH", "RENAMED",
    "STATUSES", "TRANSFORMED", "UNPARSED", "ColumnEdge", "ManifestSQL", "NodeLineage", "NodeSQL", "Relation",
    "derive_manifest",
]


def derive_manifest(manifest: ManifestSQL) -> Iterator[NodeLineage]:
    """Each node's lineage, one node at a time; never raises for a node's SQL."""
    from .derive import derive_node  # noqa: PLC0415  (sqlglot: imported when deriving)
    from .dialects import dialect_for  # noqa: PLC0415
    from .relations import RelationIndex  # noqa: PLC0415

    dialect, known = dialect_for(manifest.adapter_type)
    index = RelationIndex(manifest.relations)
    for node in manifest.nodes:
        yield derive_node(node, index, dialect, known)
