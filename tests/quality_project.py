"""A small dbt project, written as manifest.json + catalog.json in the real dbt schema (v12),
in which every recommendation rule fires at least once.

The nodes are hand-written on top of real nodes of jaffle-daily's last manifest (so every
field dbt writes is there, and the files pass dbt's published schema), with the planted
cases spelled out below. ``EXPECTED`` is the rule-by-rule answer, written by hand.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from tests.conftest import JAFFLE

_TEMPLATE = JAFFLE / "48012" / "4_docs_generate" / "target"
P = "shop"

# The project (model -> parents), and what is planted:
#   stg_orders       staging, reads source raw.orders; unique + not_null on order_id     -> fans out to 4 models
#   events_clean     intermediate folder, reads source raw.events directly; no tests, no description
#   int_orders       reads stg_orders; unique_combination_of_columns; columns undocumented
#   fct_orders       public, contract not enforced; reads stg_orders and int_orders (a rejoin) and
#                    dim_customers v1 (deprecated 2020-01-01); group "sales" owns it; has an exposure
#   dim_customers v1 deprecated 2020-01-01 (past), read by fct_orders; v2 the latest, reads stg_orders
#   report_unused    reads fct_orders; nothing reads it; tested (not_null only: no primary key)
#   ephemeral_helper ephemeral, reads stg_orders, read by report_unused: no test rules apply
# Sources: raw.orders has freshness, raw.events has none. Exposures: sales_dash (owned),
# orphan_dash (owner without email or name).
EXPECTED = {
    "missing_tests": {"model.shop.events_clean", "model.shop.dim_customers.v1", "model.shop.dim_customers.v2"},
    "missing_primary_key_test": {"model.shop.events_clean", "model.shop.dim_customers.v1",
                                 "model.shop.dim_customers.v2", "model.shop.report_unused"},
    "undocumented_model": {"model.shop.events_clean"},
    # stg_orders and fct_orders: a column the catalog has and the YAML does not describe
    "undocumented_columns": {"model.shop.int_orders", "model.shop.report_unused", "model.shop.events_clean",
                             "model.shop.stg_orders", "model.shop.fct_orders"},
    "source_without_freshness": {"source.shop.raw.events"},
    "exposure_without_owner": {"exposure.shop.orphan_dash"},
    "public_model_without_contract": {"model.shop.fct_orders"},
    "source_outside_staging": {"model.shop.events_clean"},
    "unused_model": {"model.shop.report_unused", "model.shop.events_clean", "model.shop.dim_customers.v2"},
    "deprecated_model_referenced": {"model.shop.dim_customers.v1"},
    "past_deprecation_date": {"model.shop.dim_customers.v1"},
    "high_fan_out": {"model.shop.stg_orders"},
    "rejoin": {"model.shop.fct_orders"},
}
#: rules a manifest of schema v8 cannot answer
NEEDS_V9 = {"public_model_without_contract"}
NEEDS_V10 = {"deprecated_model_referenced", "past_deprecation_date"}


def _templates() -> tuple[dict, dict]:
    return (json.loads((_TEMPLATE / "manifest.json").read_text()),
            json.loads((_TEMPLATE / "catalog.json").read_text()))


def _column(name: str, description: str = "", data_type: str | None = None) -> dict:
    return {"name": name, "description": description, "meta": {}, "data_type": data_type, "constraints": [],
            "quote": None, "config": {"meta": {}, "tags": []}, "tags": [], "granularity": None, "doc_blocks": []}


def _model(base: dict, name: str, folder: str, parents: list[str], *, description: str = "A model.",
           columns: dict | None = None, version: int | None = None, latest: int | None = None,
           deprecation: str | None = None, access: str = "protected", group: str | None = None,
           owner: str | None = "team-a", materialized: str = "table") -> dict:
    n = copy.deepcopy(base)
    uid = f"model.{P}.{name}" + (f".v{version}" if version is not None else "")
    meta = {"owner": owner} if owner else {}
    n.update(
        name=name, unique_id=uid, package_name=P, path=f"{folder}/{name}.sql",
        original_file_path=f"models/{folder}/{name}.sql", fqn=[P, folder, name], alias=name,
        description=description, columns={c: _column(c, d) for c, d in (columns or {}).items()},
        meta=meta, group=group, access=access, version=version, latest_version=latest,
        deprecation_date=deprecation, tags=[folder], relation_name=f'"db"."main"."{name}"',
        depends_on={"macros": [], "nodes": parents}, refs=[], sources=[],
    )
    n["config"] = {**n["config"], "meta": meta, "group": group, "access": access, "materialized": materialized,
                   "tags": [folder], "contract": {"enforced": False, "alias_types": True}}
    n["contract"] = {"enforced": False, "alias_types": True, "checksum": None}
    return n


def _test(base: dict, name: str, model: str, column: str | None, test_name: str, kwargs: dict | None = None) -> dict:
    n = copy.deepcopy(base)
    uid = f"test.{P}.{name}.0000000000"
    n.update(name=name, unique_id=uid, package_name=P, fqn=[P, name], alias=name, column_name=column,
             attached_node=model, depends_on={"macros": [], "nodes": [model]}, original_file_path="models/schema.yml")
    n["test_metadata"] = {"name": test_name, "namespace": None,
                          "kwargs": {**({"column_name": column} if column else {}), **(kwargs or {}),
                                     "model": "{{ get_where_subquery(ref('x')) }}"}}
    return n


def _source(base: dict, name: str, fresh: bool) -> dict:
    n = copy.deepcopy(base)
    n.update(name=name, identifier=name, source_name="raw", unique_id=f"source.{P}.raw.{name}", package_name=P,
             fqn=[P, "raw", name], original_file_path="models/staging/sources.yml", description="Raw rows.")
    n["freshness"] = ({"warn_after": {"count": 12, "period": "hour"}, "error_after": {"count": 24, "period": "hour"},
                       "filter": None} if fresh else None)
    if isinstance(n.get("config"), dict):
        n["config"] = {**n["config"], "freshness": n["freshness"]}
    return n


def _exposure(base: dict, name: str, owner: dict, parents: list[str]) -> dict:
    n = copy.deepcopy(base)
    n.update(name=name, unique_id=f"exposure.{P}.{name}", package_name=P, fqn=[P, name], owner=owner,
             depends_on={"macros": [], "nodes": parents})
    return n


def build(folder: Path, schema_version: int = 12) -> Path:
    """Write the project's target files into ``folder`` and return it."""
    manifest, catalog = _templates()
    model = manifest["nodes"]["model.jaffle_shop.stg_orders"]
    test = next(v for v in manifest["nodes"].values() if v["resource_type"] == "test" and v.get("test_metadata"))
    source = manifest["sources"]["source.jaffle_shop.jaffle_raw.raw_orders"]
    exposure = next(iter(manifest["exposures"].values()))
    group = copy.deepcopy(next(iter(manifest["groups"].values())))
    src_orders, src_events = f"source.{P}.raw.orders", f"source.{P}.raw.events"
    stg, ints, fct = f"model.{P}.stg_orders", f"model.{P}.int_orders", f"model.{P}.fct_orders"
    dim1, dim2 = f"model.{P}.dim_customers.v1", f"model.{P}.dim_customers.v2"
    helper = f"model.{P}.ephemeral_helper"
    models = [
        _model(model, "stg_orders", "staging", [src_orders], columns={"order_id": "The key.", "status": "Status."}),
        _model(model, "events_clean", "intermediate", [src_events], description="", columns={"event_id": ""}),
        _model(model, "int_orders", "intermediate", [stg], columns={"order_id": "", "day": ""}),
        _model(model, "fct_orders", "marts", [stg, ints, dim1], access="public", group="sales", owner=None,
               columns={"order_id": "The key."}),
        _model(model, "dim_customers", "marts", [stg], version=1, latest=2, deprecation="2020-01-01T00:00:00Z",
               columns={"customer_id": "The key."}),
        _model(model, "dim_customers", "marts", [stg], version=2, latest=2, columns={"customer_id": "The key."}),
        _model(model, "ephemeral_helper", "marts", [stg], materialized="ephemeral", description="Inlined."),
        _model(model, "report_unused", "marts", [fct, helper], columns={"total": ""}),
    ]
    tests = [
        _test(test, "unique_stg_orders_order_id", stg, "order_id", "unique"),
        _test(test, "not_null_stg_orders_order_id", stg, "order_id", "not_null"),
        _test(test, "ucc_int_orders", ints, None, "unique_combination_of_columns",
              {"combination_of_columns": ["order_id", "day"]}),
        _test(test, "unique_fct_orders_order_id", fct, "order_id", "unique"),
        _test(test, "not_null_fct_orders_order_id", fct, "order_id", "not_null"),
        _test(test, "not_null_report_unused_total", f"model.{P}.report_unused", "total", "not_null"),
    ]
    group.update(name="sales", unique_id=f"group.{P}.sales", package_name=P,
                 owner={"email": "sales-data@example.com", "name": "Sales data"})
    manifest["nodes"] = {n["unique_id"]: n for n in models + tests}
    manifest["sources"] = {s["unique_id"]: s for s in (_source(source, "orders", True), _source(source, "events", False))}
    manifest["exposures"] = {e["unique_id"]: e for e in (
        _exposure(exposure, "sales_dash", {"email": "sales@example.com", "name": "Sales"}, [fct]),
        _exposure(exposure, "orphan_dash", {"email": None, "name": None}, [dim1]),
    )}
    manifest["groups"] = {group["unique_id"]: group}
    for key in ("metrics", "semantic_models", "saved_queries", "unit_tests", "functions", "disabled", "selectors"):
        if key in manifest:
            manifest[key] = {}
    manifest["parent_map"] = manifest["child_map"] = manifest["group_map"] = {}
    manifest["metadata"]["dbt_schema_version"] = f"https://schemas.getdbt.com/dbt/manifest/v{schema_version}.json"
    manifest["metadata"]["project_name"] = P

    entry = next(iter(catalog["nodes"].values()))
    catalog["nodes"] = {}
    for uid, cols in ((stg, ["order_id", "status", "loaded_at"]), (ints, ["order_id", "day"]),
                      (fct, ["order_id", "amount"]), (f"model.{P}.report_unused", ["total"])):
        e = copy.deepcopy(entry)
        e["unique_id"] = uid
        e["metadata"] = {**e["metadata"], "name": uid.split(".")[2], "schema": "main", "database": "db"}
        e["columns"] = {c: {"type": "INTEGER", "index": i, "name": c, "comment": None} for i, c in enumerate(cols, 1)}
        catalog["nodes"][uid] = e
    catalog["sources"] = {}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "catalog.json").write_text(json.dumps(catalog))
    return folder
