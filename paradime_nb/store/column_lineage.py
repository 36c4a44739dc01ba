"""Column lineage in the store: derived once per distinct manifest input, on demand.

The derivation (``paradime_nb.columns``) reads plain data this module gathers from the
stored run (compiled code, relations, catalog or declared columns); its edges and statuses
are written in one transaction through ``Store.write_derived``, keyed by the input's hash
(``lineage_key``), so a run whose manifest reads the same as another's reuses its edges.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources

from ..columns import ManifestSQL, NodeSQL, Relation, derive_manifest
from ..columns.model import DERIVATION_VERSION, FILTER, OK, PARTIAL, UNPARSED
from .store import Store

__all__ = ["FILTER", "OK", "PARTIAL", "UNPARSED", "ensure_column_lineage", "manifest_sql", "stored_key"]

_lock = threading.Lock()
_EDGE_COLUMNS = ("lineage_key", "source_id", "source_column", "target_id", "target_column", "kind")
_STATUS_COLUMNS = ("lineage_key", "unique_id", "status", "reason", "dialect", "columns")


@lru_cache(maxsize=None)
def _queries() -> dict[str, str]:
    text = (resources.files(__package__) / "column_lineage.sql").read_text(encoding="utf-8")
    parts = re.split(r"^-- name: (\w+)\s*$", text, flags=re.M)
    return {name: body.strip().rstrip(";") for name, body in zip(parts[1::2], parts[2::2])}


def _rows(store: Store, name: str, **params) -> list[tuple]:
    return store.fetchall(_queries()[name], params)


def stored_key(store: Store, schedule_name: str, run_id: int) -> str | None:
    found = _rows(store, "run_key", schedule_name=schedule_name, run_id=run_id)
    return found[0][0] if found else None


def manifest_sql(store: Store, schedule_name: str, run_id: int) -> ManifestSQL:
    """What the derivation of the run's manifest reads, from the store."""
    params = {"schedule_name": schedule_name, "run_id": run_id}
    adapter = _rows(store, "adapter", **params)
    nodes = [NodeSQL(uid, rtype, code, language, tuple(parents))
             for uid, rtype, code, language, parents in _rows(store, "nodes", **params)]
    relations = [Relation(uid, rtype, name, db, schema, ident, mat, tuple(cols), source)
                 for uid, rtype, name, db, schema, ident, mat, cols, source in _rows(store, "relations", **params)]
    return ManifestSQL(adapter[0][0] if adapter else None, nodes, relations)


def ensure_column_lineage(store: Store, schedule_name: str, run_id: int) -> str:
    """The lineage key of the run's manifest, deriving and storing its edges first when no
    stored derivation has the same input."""
    key = stored_key(store, schedule_name, run_id)
    if key is not None:
        return key
    with _lock:  # one derivation at a time: a second caller finds the first one's rows
        key = stored_key(store, schedule_name, run_id)
        if key is not None:
            return key
        manifest = manifest_sql(store, schedule_name, run_id)
        key = manifest.key()
        link = [(_queries()["forget_run"], [schedule_name, run_id])]
        run_row = {"schedule_name": [schedule_name], "run_id": [run_id], "lineage_key": [key]}
        if _rows(store, "known_key", lineage_key=key)[0][0]:
            store.write_derived(link, {"column_lineage_runs": run_row})
            return key
        tables, manifest_row = derive_tables(manifest, key)
        forget = [(_queries()[name], [key]) for name in ("forget_edges", "forget_status", "forget_manifest")]
        store.write_derived(link + forget, {**tables, "column_lineage_manifests": manifest_row,
                                            "column_lineage_runs": run_row})
        return key


def derive_tables(manifest: ManifestSQL, key: str) -> tuple[dict[str, dict[str, list]], dict[str, list]]:
    """The edge and status rows of a manifest, and its summary row."""
    import sqlglot  # noqa: PLC0415

    started = time.perf_counter()
    edges: dict[str, list] = {c: [] for c in _EDGE_COLUMNS}
    status: dict[str, list] = {c: [] for c in _STATUS_COLUMNS}
    dialect = ""
    for node in derive_manifest(manifest):
        dialect = node.dialect
        for values in zip(_STATUS_COLUMNS, (key, node.unique_id, node.status, node.reason, node.dialect, node.columns)):
            status[values[0]].append(values[1])
        for e in node.edges:
            for name, value in zip(_EDGE_COLUMNS, (key, e.source_id, e.source_column, e.target_id, e.target_column,
                                                   e.kind)):
                edges[name].append(value)
    row = {
        "lineage_key": [key], "adapter_type": [manifest.adapter_type], "dialect": [dialect],
        "sqlglot_version": [sqlglot.__version__], "derivation_version": [DERIVATION_VERSION],
        "node_count": [len(status["unique_id"])], "edge_count": [len(edges["source_id"])],
        "derived_at": [datetime.now(timezone.utc).replace(tzinfo=None)],
        "seconds": [time.perf_counter() - started],
    }
    return {"column_lineage_edges": edges, "column_lineage_status": status}, row
