"""manifest.json (v1-v12) -> columns for the node, edge and test tables.

Names come from the manifest (``name``, ``version``, ``source_name``), never from splitting
unique ids. One pass over the nodes, appending to column lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidArtifactError
from ._decode import refuse_duplicate_ids, require
from ._decode import schema_version as read_schema_version
from ._stream import members
from .values import criterion, dict_or_empty, integer, json_text, string_list, text

Columns = dict[str, list]

NODE_COLUMNS = (
    "unique_id", "resource_type", "name", "package_name", "version", "latest_version",
    "is_latest_version", "materialized", "database_name", "schema_name", "alias",
    "relation_name", "tags", "meta", "owner", "description", "original_file_path", "path",
    "access", "group_name", "language", "enabled", "fqn", "source_name", "identifier",
    "loader", "loaded_at_field", "warn_after_count", "warn_after_period", "warn_after_seconds",
    "error_after_count", "error_after_period", "error_after_seconds", "freshness_filter",
    "exposure_type", "exposure_label", "exposure_url", "maturity", "checksum",
    "raw_code", "compiled_code",
)
EDGE_COLUMNS = ("parent_id", "child_id")
DECLARED_COLUMNS = ("unique_id", "column_name", "column_index", "data_type", "description")
TEST_COLUMNS = (
    "unique_id", "test_type", "test_name", "test_namespace", "tested_node", "column_name",
    "severity", "warn_if", "error_if", "store_failures", "test_kwargs",
)

# The manifest sections whose entries are graph nodes. Macros, docs and groups are not.
_SECTIONS = ("nodes", "sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests", "functions")
# Nodes that are relations other SQL reads (their code and declared columns are kept).
_RELATIONS = frozenset(("model", "snapshot", "seed", "source"))
_REF_RE = re.compile(r"""\b(ref|source)\(\s*(['"])([^'"]+)\2(?:\s*,\s*(['"])([^'"]+)\4)?""")


@dataclass
class ParsedManifest:
    path: str
    schema_version: int
    dbt_version: str | None
    generated_at: str | None
    invocation_id: str | None
    project_name: str | None
    adapter_type: str | None
    nodes: Columns = field(default_factory=dict)
    edges: Columns = field(default_factory=dict)
    tests: Columns = field(default_factory=dict)
    columns: Columns = field(default_factory=dict)  # columns declared in YAML
    pending: list = field(default_factory=list, repr=False)  # generic tests to resolve by name
    rows: list = field(default_factory=list, repr=False)  # node tuples before transposing

    @property
    def node_count(self) -> int:
        return len(self.nodes["unique_id"])


def parse_manifest(doc: dict[str, Any], path: str, schema_version: int) -> ParsedManifest:
    require(doc, "nodes", dict, path)
    out = _new(path, schema_version, doc.get("metadata"))
    for section in _SECTIONS:
        _add_section(out, section, doc.get(section), path)
    return _finish(out)


def parse_manifest_stream(data: bytes, path: str) -> ParsedManifest:
    """The same columns as ``parse_manifest``, decoding one node at a time (large files).

    Raises ``Fallback`` when the file needs the whole-document reader to be read exactly."""
    parts = {section: _new(path, 0, None) for section in _SECTIONS}
    meta: Any = None
    seen: set[str] = set()
    events = members(data, path, frozenset(_SECTIONS))
    try:
        for top, key, value in events:
            if top == "metadata":
                meta = value
                read_schema_version({"metadata": meta}, path, expected="manifest")  # fail early on a wrong file
            elif top in parts:
                if top not in seen and top == "nodes":
                    require({top: value if key is None else {}}, top, dict, path)
                seen.add(top)
                if key is None:
                    _add_section(parts[top], top, value, path)
                else:
                    _add_entry(parts[top], top, key, value, path)
    except InvalidArtifactError:
        for _event in events:  # text that is not JSON further on is the error to report,
            pass  # as the whole-document reader reports it
        raise
    _kind, version = read_schema_version({"metadata": meta} if meta is not None else {}, path, expected="manifest")
    if "nodes" not in seen:
        require({}, "nodes", dict, path)
    out = _new(path, version, meta)
    for part in parts.values():  # _SECTIONS order, as parse_manifest adds them
        offset = len(out.tests["unique_id"])
        out.rows.extend(part.rows)
        for name, values in part.edges.items():
            out.edges[name].extend(values)
        for name, values in part.tests.items():
            out.tests[name].extend(values)
        for name, values in part.columns.items():
            out.columns[name].extend(values)
        out.pending.extend((row + offset, model, parents) for row, model, parents in part.pending)
    return _finish(out)


def _new(path: str, schema_version: int, metadata: Any) -> ParsedManifest:
    meta = dict_or_empty(metadata)
    return ParsedManifest(
        path=path,
        schema_version=schema_version,
        dbt_version=text(meta.get("dbt_version")),
        generated_at=text(meta.get("generated_at")),
        invocation_id=text(meta.get("invocation_id")),
        project_name=text(meta.get("project_name")),
        adapter_type=text(meta.get("adapter_type")),
        edges={c: [] for c in EDGE_COLUMNS},
        tests={c: [] for c in TEST_COLUMNS},
        columns={c: [] for c in DECLARED_COLUMNS},
    )


def _add_section(out: ParsedManifest, section: str, entries: Any, path: str) -> None:
    if entries is None:
        return
    if not isinstance(entries, dict):
        raise InvalidArtifactError(path, f"'{section}' must be an object, found {type(entries).__name__}")
    for key, node in entries.items():
        _add_entry(out, section, key, node, path)


def _add_entry(out: ParsedManifest, section: str, key: str, node: Any, path: str) -> None:
    if not isinstance(node, dict):
        raise InvalidArtifactError(path, f"{section}[{key!r}] must be an object, found {type(node).__name__}")
    _add_node(out, key, node, section)


def _finish(out: ParsedManifest) -> ParsedManifest:
    """Transpose the node tuples into columns and resolve generic tests by name."""
    columns = list(zip(*out.rows)) if out.rows else [() for _ in NODE_COLUMNS]
    out.nodes = {name: list(values) for name, values in zip(NODE_COLUMNS, columns)}
    out.rows = []
    refuse_duplicate_ids(out.nodes["unique_id"], out.path)
    if out.pending:
        _resolve_pending(out)
    return out


_DEFAULT_TYPE = {
    "sources": "source", "exposures": "exposure", "metrics": "metric",
    "semantic_models": "semantic_model", "saved_queries": "saved_query",
    "unit_tests": "unit_test", "functions": "function",
}


def _add_node(out: ParsedManifest, key: str, node: dict, section: str) -> None:
    uid = node.get("unique_id")
    uid = uid if isinstance(uid, str) else key
    rtype = node.get("resource_type")
    rtype = rtype if isinstance(rtype, str) else _DEFAULT_TYPE.get(section, "unknown")
    config = dict_or_empty(node.get("config"))
    meta = node.get("meta") or config.get("meta") or {}
    version = node.get("version")
    latest = node.get("latest_version")
    name = text(node.get("name"))

    freshness = dict_or_empty(node.get("freshness") or config.get("freshness")) if rtype == "source" else {}
    warn = criterion(freshness, "warn_after")
    err = criterion(freshness, "error_after")
    owner = _owner(node, meta)
    checksum = node.get("checksum")

    is_exposure = rtype == "exposure"
    enabled = config.get("enabled")
    out.rows.append((  # in NODE_COLUMNS order; one tuple per node, transposed once at the end
        uid,
        rtype,
        name,
        text(node.get("package_name")),
        None if version is None else str(version),
        None if latest is None else str(latest),
        version is None or latest is None or str(version) == str(latest),
        text(config.get("materialized")),
        text(node.get("database")),
        text(node.get("schema")),
        text(node.get("alias")),
        text(node.get("relation_name")),
        string_list(node.get("tags")) or [],
        json_text(meta) if meta else None,
        owner,
        text(node.get("description")) or None,
        text(node.get("original_file_path")),
        text(node.get("path")),
        text(node.get("access") or config.get("access")),
        text(node.get("group") or config.get("group")),
        text(node.get("language")),
        enabled if isinstance(enabled, bool) else True,
        string_list(node.get("fqn")),
        text(node.get("source_name")),
        text(node.get("identifier")),
        text(node.get("loader")) or None,
        text(node.get("loaded_at_field") or config.get("loaded_at_field")),
        *warn,
        *err,
        text(freshness.get("filter")),
        text(node.get("type")) if is_exposure else None,
        text(node.get("label")) if is_exposure else None,
        text(node.get("url")) if is_exposure else None,
        text(node.get("maturity")),
        text(checksum.get("checksum")) if isinstance(checksum, dict) else text(checksum),
        *(_code(node) if rtype not in _TESTS else _NO_CODE),
    ))

    if rtype in _RELATIONS:
        _add_declared_columns(out, uid, node)

    parents = dict_or_empty(node.get("depends_on")).get("nodes")
    parents = [p for p in parents if isinstance(p, str)] if isinstance(parents, list) else []
    if parents:
        out.edges["parent_id"].extend(parents)
        out.edges["child_id"].extend([uid] * len(parents))

    if rtype in ("test", "unit_test"):
        _add_test(out, uid, rtype, node, config, parents)


# Code is kept for every node but tests: tests are most of a large project's nodes and their
# SQL is generated. The whole config and the documented columns are not kept (re-encoded
# JSON costs memory on large manifests: the 200 MB manifest test measures it); the SDK's
# `config` and `columns` are built in the views from what is stored.
_TESTS = frozenset({"test", "unit_test"})
_NO_CODE = (None, None)


def _code(node: dict) -> tuple[str | None, str | None]:
    raw = node.get("raw_code") if "raw_code" in node else node.get("raw_sql")
    compiled = node.get("compiled_code") if "compiled_code" in node else node.get("compiled_sql")
    return text(raw) or None, text(compiled) or None


def _add_declared_columns(out: ParsedManifest, uid: str, node: dict) -> None:
    """The columns declared in YAML (a dict by name; the entry's ``name`` is the column's
    spelling): column lineage reads them where the catalog has no entry."""
    declared = node.get("columns")
    if not isinstance(declared, dict):
        return
    c = out.columns
    for index, (key, column) in enumerate(declared.items(), start=1):
        column = dict_or_empty(column)
        c["unique_id"].append(uid)
        c["column_name"].append(text(column.get("name")) or text(key))
        c["column_index"].append(index)
        c["data_type"].append(text(column.get("data_type")))
        c["description"].append(text(column.get("description")) or None)


def _owner(node: dict, meta: Any) -> str | None:
    owner = node.get("owner")
    if isinstance(owner, dict):  # exposures: {email, name}
        return text(owner.get("email") or owner.get("name"))
    if isinstance(meta, dict) and meta.get("owner") is not None:
        return text(meta.get("owner"))
    return text(owner)


def _add_test(out: ParsedManifest, uid: str, rtype: str, node: dict, config: dict, parents: list[str]) -> None:
    t = out.tests
    test_meta = node.get("test_metadata")
    if rtype == "unit_test":
        test_type, test_name, namespace, kwargs = "unit", None, None, None
        tested = parents[0] if len(parents) == 1 else _by_name(parents, text(node.get("model")))
    elif isinstance(test_meta, dict):
        test_type = "generic"
        test_name = text(test_meta.get("name"))
        namespace = text(test_meta.get("namespace"))
        kwargs = dict_or_empty(test_meta.get("kwargs"))
        attached = node.get("attached_node")
        tested = attached if isinstance(attached, str) else None
        if tested is None:
            out.pending.append((len(t["unique_id"]), kwargs.get("model"), parents))
    else:
        test_type, test_name, namespace, kwargs = "singular", None, None, None
        attached = node.get("attached_node")
        tested = attached if isinstance(attached, str) else (parents[0] if len(parents) == 1 else None)
    column = node.get("column_name")
    if column is None and kwargs:
        column = kwargs.get("column_name")
    severity = config.get("severity")
    store_failures = config.get("store_failures")
    t["unique_id"].append(uid)
    t["test_type"].append(test_type)
    t["test_name"].append(test_name)
    t["test_namespace"].append(namespace)
    t["tested_node"].append(tested)
    t["column_name"].append(text(column))
    t["severity"].append(severity.lower() if isinstance(severity, str) else ("error" if rtype == "test" else None))
    t["warn_if"].append(text(config.get("warn_if")))
    t["error_if"].append(text(config.get("error_if")))
    t["store_failures"].append(store_failures if isinstance(store_failures, bool) else None)
    t["test_kwargs"].append(json_text(kwargs) if kwargs else None)


def _by_name(parents: list[str], name: str | None) -> str | None:
    """The unit test's model among its parents: ids end in ``.name`` or ``.name.vN``."""
    if not name:
        return parents[0] if parents else None
    for p in parents:
        if p.endswith("." + name) or f".{name}.v" in p:
            return p
    return parents[0] if parents else None


def _resolve_pending(out: ParsedManifest) -> None:
    """Old manifests have no ``attached_node``: resolve the ref()/source() of a generic
    test's ``kwargs.model`` by manifest names (preferring the test's own parents)."""
    n = out.nodes
    by_name: dict[str, list[str]] = {}
    by_source: dict[tuple[str | None, str | None], str] = {}
    for uid, rtype, name, source_name in zip(n["unique_id"], n["resource_type"], n["name"], n["source_name"]):
        if rtype == "source":
            by_source[(source_name, name)] = uid
        elif rtype in ("model", "seed", "snapshot"):
            by_name.setdefault(name, []).append(uid)
    tested = out.tests["tested_node"]
    for row, model, parents in out.pending:
        match = _REF_RE.search(model) if isinstance(model, str) else None
        found = None
        if match:
            kind, first, second = match.group(1), match.group(3), match.group(5)
            if kind == "source" and second:
                found = by_source.get((first, second))
            else:
                candidates = by_name.get(second or first, [])
                found = next((c for c in candidates if c in parents), candidates[0] if candidates else None)
        tested[row] = found or (parents[0] if parents else None)
    out.pending.clear()
