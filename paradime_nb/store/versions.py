"""Manifest and catalog rows stored once per content.

A project's manifest changes on deployments, not on every run: storing it per run made a
year of hourly runs gigabytes of duplicates. A run's parsed manifest rows (nodes, edges,
tests) hash to a version id; the rows are stored once per id and the run points at it
(``runs.manifest_id``). Catalogs likewise: relations with their stats (``catalog_id``) and
columns, the structure that rarely changes (``catalog_columns_id``).

The hash covers what the store reads (column names and values, in the parser's order),
not the file's bytes: ``generated_at`` and ``invocation_id`` differ on every run of an
unchanged project. A parser that reads more columns gives new ids, never a misread.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson


@dataclass(frozen=True)
class VersionGroup:
    """One kind of version: the runs column naming it and the per-run tables it holds
    (name the loader and the views use -> physical table)."""

    kind: str
    run_column: str
    prefix: str
    tables: tuple[tuple[str, str], ...]


GROUPS = (
    VersionGroup("manifest", "manifest_id", "m", (
        ("manifest_nodes", "manifest_node_versions"), ("node_edges", "manifest_edge_versions"),
        ("test_metadata", "manifest_test_versions"), ("manifest_columns", "manifest_column_versions"),
    )),
    VersionGroup("catalog", "catalog_id", "c", (("catalog_nodes", "catalog_node_versions"),)),
    VersionGroup("catalog_columns", "catalog_columns_id", "k", (("catalog_columns", "catalog_column_versions"),)),
)
#: The per-run names (views since schema v3) -> (group, physical table).
VERSIONED = {logical: (group, physical) for group in GROUPS for logical, physical in group.tables}
VERSION_TABLES = tuple(physical for group in GROUPS for _, physical in group.tables)


def content_id(group: VersionGroup, tables: dict[str, dict[str, list]]) -> str:
    """The version id of a group's rows (``tables``: logical name -> columns)."""
    digest = hashlib.blake2b(digest_size=16)
    for logical, _ in group.tables:
        digest.update(logical.encode())
        digest.update(orjson.dumps(tables.get(logical, {}), option=orjson.OPT_NON_STR_KEYS, default=str))
    return f"{group.prefix}-{digest.hexdigest()}"


def delete_unreferenced(cur, version_ids: set[str]) -> None:
    """Drop the rows of versions no stored run points at any more."""
    for group in GROUPS:
        for vid in sorted(v for v in version_ids if v and v.startswith(group.prefix + "-")):
            col = group.run_column
            if cur.execute(f"SELECT 1 FROM runs WHERE {col} = ? LIMIT 1", [vid]).fetchone():  # noqa: S608
                continue
            for _, physical in group.tables:
                cur.execute(f'DELETE FROM "{physical}" WHERE {col} = ?', [vid])  # noqa: S608
            cur.execute("DELETE FROM content_versions WHERE version_id = ?", [vid])
