"""catalog.json (v1, `dbt docs generate`) -> relation facts and columns from the warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidArtifactError
from ._decode import refuse_duplicate_ids, require
from .values import dict_or_empty, integer, number, text

Columns = dict[str, list]

CATALOG_COLUMNS = ("unique_id", "table_type", "table_owner", "table_comment", "column_count", "row_count", "bytes",
                   "database_name", "schema_name", "table_name")
CATALOG_COLUMN_COLUMNS = ("unique_id", "column_name", "column_index", "data_type", "column_comment")


@dataclass
class ParsedCatalog:
    path: str
    schema_version: int
    dbt_version: str | None
    generated_at: str | None
    invocation_id: str | None
    nodes: Columns = field(default_factory=dict)
    columns: Columns = field(default_factory=dict)


def parse_catalog(doc: dict[str, Any], path: str, schema_version: int) -> ParsedCatalog:
    meta = dict_or_empty(doc.get("metadata"))
    out = ParsedCatalog(
        path=path,
        schema_version=schema_version,
        dbt_version=text(meta.get("dbt_version")),
        generated_at=text(meta.get("generated_at")),
        invocation_id=text(meta.get("invocation_id")),
        nodes={c: [] for c in CATALOG_COLUMNS},
        columns={c: [] for c in CATALOG_COLUMN_COLUMNS},
    )
    require(doc, "nodes", dict, path)
    for section in ("nodes", "sources"):
        entries = doc.get(section)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            raise InvalidArtifactError(path, f"'{section}' must be an object, found {type(entries).__name__}")
        for key, entry in entries.items():
            if not isinstance(entry, dict):
                raise InvalidArtifactError(path, f"{section}[{key!r}] must be an object, found {type(entry).__name__}")
            _add(out, key, entry)
    refuse_duplicate_ids(out.nodes["unique_id"], path)
    return out


def _stat(stats: dict, *names: str) -> Any:
    for name in names:
        stat = stats.get(name)
        if isinstance(stat, dict) and stat.get("include", True) is not False:
            return stat.get("value")
    return None


def _add(out: ParsedCatalog, key: str, entry: dict) -> None:
    uid = entry.get("unique_id")
    uid = uid if isinstance(uid, str) else key
    meta = dict_or_empty(entry.get("metadata"))
    stats = dict_or_empty(entry.get("stats"))
    columns = dict_or_empty(entry.get("columns"))
    n = out.nodes
    n["unique_id"].append(uid)
    n["table_type"].append(text(meta.get("type")))
    n["table_owner"].append(text(meta.get("owner")))
    n["table_comment"].append(text(meta.get("comment")))
    n["column_count"].append(len(columns))
    rows = _stat(stats, "row_count", "num_rows")
    n["row_count"].append(integer(rows) if not isinstance(rows, float) else integer(round(rows)))
    size = _stat(stats, "bytes", "num_bytes")
    n["bytes"].append(integer(size) if not isinstance(size, float) else integer(round(number(size) or 0)))
    n["database_name"].append(text(meta.get("database")))
    n["schema_name"].append(text(meta.get("schema")))
    n["table_name"].append(text(meta.get("name")))
    c = out.columns
    for col_key, col in columns.items():
        if not isinstance(col, dict):
            continue
        c["unique_id"].append(uid)
        c["column_name"].append(text(col.get("name")) or col_key)
        c["column_index"].append(integer(col.get("index")))
        c["data_type"].append(text(col.get("type")))
        c["column_comment"].append(text(col.get("comment")))
