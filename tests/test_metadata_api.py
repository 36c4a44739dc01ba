"""The analyses as a user meets them: loading on demand, odd statuses, result types,
read-only stores, hostile names, and the demo summary."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys

import pytest

from paradime_nb import Paradime
from paradime_nb.errors import NodeNotFoundError, ScheduleNotFoundError
from paradime_nb.metadata import MetadataClient
from paradime_nb.metadata.results import LineageNode, ResultList
from paradime_nb.store import Store
from tests.conftest import JAFFLE, RUNS
from tests.test_metadata_oracle import History, read_runs

S = "jaffle-daily"


def test_an_analysis_loads_the_latest_run_when_nothing_is_stored():
    latest = read_runs()[-1]
    with Paradime.from_path(RUNS) as client:
        health = client.metadata.get_model_health("Jaffle daily")  # display name works too
        assert client.store.stored_runs(S).keys() == {latest.run_id}
        assert {m.unique_id: m.health_status for m in health} == History([latest]).model_health()


def test_unknown_schedule_is_a_typed_error():
    with Paradime.from_path(RUNS) as client, pytest.raises(ScheduleNotFoundError):
        client.metadata.get_model_health("jaffle-dialy")


def _odd_copy(tmp_path):
    """The latest run with statuses dbt may write but the fixtures lack: partial success,
    no-op, a capitalised Fusion status, a string nobody knows; and an odd freshness status."""
    latest = max((p for p in JAFFLE.iterdir() if p.is_dir()), key=lambda p: p.name)
    schedule = tmp_path / S
    schedule.mkdir()
    shutil.copy(JAFFLE / "schedule.json", schedule)
    shutil.copytree(latest, schedule / latest.name)
    changes = {
        "model.jaffle_shop.orders": "partial success",
        "model.jaffle_shop.stg_customers": "no-op",
        "model.jaffle_shop.customer_order_stats": "Success",
        "model.jaffle_shop.orders_daily": "interrupted-by-operator",
        "test.jaffle_shop.unique_orders_order_id.fed79b3a6e": "Fail",
    }
    for path in (schedule / latest.name).rglob("run_results.json"):
        doc = json.loads(path.read_text())
        if doc.get("args", {}).get("which") != "build":
            continue
        for r in doc["results"]:
            if r["unique_id"] in changes:
                r["status"] = changes[r["unique_id"]]
        path.write_text(json.dumps(doc))
    for path in (schedule / latest.name).rglob("sources.json"):
        doc = json.loads(path.read_text())
        for r in doc["results"]:
            if r["unique_id"].endswith(".raw_payments"):
                r["status"] = "stale-ish"
        path.write_text(json.dumps(doc))
    return schedule


def test_odd_statuses_never_crash_and_follow_the_rules(tmp_path):
    folder = _odd_copy(tmp_path)
    history = History(read_runs(folder))
    with Paradime.from_path(tmp_path) as client:
        m = client.metadata
        health = {h.name: h for h in m.get_model_health(S)}
        for name, want in (("orders", "partial success"), ("stg_customers", "no-op"),
                           ("orders_daily", "interrupted-by-operator")):
            assert health[name].status == want
        # "Success"/"Fail" are dbt Fusion's spellings: read as dbt-core's
        assert health["customer_order_stats"].status == "success"
        assert health["stg_customers"].health_status == "Healthy"
        assert health["orders_daily"].health_status == "Warning"
        assert health["orders"].health_status == "Critical"  # its unique test now fails
        oracle = {history.graph.nodes[u]["name"]: h for u, h in history.model_health().items()}
        assert {n: h.health_status for n, h in health.items()} == oracle
        # every other analysis answers too
        m.get_health_dashboard(S)
        m.get_test_results(S)
        m.get_source_freshness(S)
        m.get_downstream_impact("stg_orders", S)
        m.select_nodes(S, "+orders")
        m.get_performance_metrics(S)
        m.get_test_history(S)
        m.get_model_history("orders", S)
        m.get_run_history(S)
        odd = [f for f in m.get_source_freshness(S) if f.status == "stale-ish"]
        assert len(odd) == 1
        # an unrecognised freshness status is not a pass: downstream models are warned
        assert health["stg_payments"].upstream_source_warn and health["stg_payments"].health_status == "Warning"


def test_results_are_dataclasses_with_frames_and_html():
    with Paradime.from_path(RUNS) as client:
        m = client.metadata
        m.load(S, runs=100, progress=False)
        for result in (m.get_model_health(S), m.get_test_results(S), m.get_source_freshness(S),
                       m.get_slowest_models(S), m.get_test_history(S), m.get_model_history("orders", S),
                       m.get_run_history(S), m.get_upstream_model_health("orders", S), m.get_performance_metrics(S).models):
            assert isinstance(result, ResultList) and len(result) > 0
            record = result[0]
            assert dataclasses.is_dataclass(record)
            frame = result.to_frame()
            assert list(frame.columns) == [f.name for f in dataclasses.fields(record)]
            assert len(frame) == len(result)
            html = result._repr_html_()
            assert html.startswith(("<table", "<p>")) and "</table>" in html
        dash = m.get_health_dashboard(S)
        assert "jaffle-daily" in dash._repr_html_()
        assert set(dash.to_frame()["metric"]) >= {"models", "tests", "sources"}
        perf = m.get_performance_metrics(S)
        assert "<table" in perf._repr_html_() and len(perf.to_frame()) == len(perf.models)
        empty = ResultList([], LineageNode)
        assert list(empty.to_frame().columns) == [f.name for f in dataclasses.fields(LineageNode)]
        assert "0 rows" in empty._repr_html_()


def test_names_are_bound_never_formatted_into_sql():
    with Paradime.from_path(RUNS) as client:
        client.metadata.load(S, progress=False)
        before = client.store.fetchall("SELECT count(*) FROM runs")
        for hostile in ("x'; DROP TABLE runs; --", "orders' OR '1'='1", "$schedule_name"):
            with pytest.raises(NodeNotFoundError):
                client.metadata.get_downstream_impact(hostile, S)
        assert client.metadata.select_nodes(S, "tag:x'OR'1'='1") == []
        assert client.store.fetchall("SELECT count(*) FROM runs") == before


def test_lineage_works_on_a_read_only_store(tmp_path):
    path = tmp_path / "history.duckdb"
    with Paradime.from_path(RUNS, database=path) as client:
        client.metadata.load(S, runs=2, progress=False)
        expected = [(n.unique_id, n.level) for n in client.metadata.get_downstream_impact("stg_orders", S)]
    store = Store(path, read_only=True)
    try:
        metadata = MetadataClient(store, None)
        got = [(n.unique_id, n.level) for n in metadata.get_downstream_impact("stg_orders", S)]
        assert got == expected and got
        assert metadata.get_model_health(S)
    finally:
        store.close()


def test_the_demo_summary_tells_the_story():
    out = subprocess.run([sys.executable, "-m", "paradime_nb", "demo"], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    with Paradime.demo() as client:
        client.metadata.load(S, runs=100, progress=False)
        health = client.metadata.get_health_dashboard(S).models_by_health
        runs = client.metadata.get_run_history(S, None)
        warned = [t.name for t in client.metadata.get_test_results(S) if t.status == "warn"]
    assert f"{health['Healthy']} Healthy, {health['Warning']} Warning, {health['Critical']} Critical" in out
    for r in runs:
        assert f"  {r.run_id} " in out
    for name in warned:
        assert name in out
    assert "Slowest models" in out and "int_payments_usd" in out  # the earlier failures show in the history


def test_importing_the_package_stays_cheap():
    code = "import sys, paradime_nb; print(sorted(m for m in ('pandas', 'duckdb', 'pyarrow') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
