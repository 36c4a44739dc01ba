"""Code written against the paradime-io SDK runs on paradime_nb (../shared/sdk-interface.md).

1. ``tests/sdk_usage.py`` (the SDK README's and usage example's calls) runs in a real
   process against the loopback Paradime server; every printed figure is checked against
   the oracle over the raw fixture JSON, on jaffle-daily and on a schedule whose latest run
   is still running (the on-demand load must take the latest *finished* run).
2. The SDK's result attributes and table columns, kept below as data taken from
   sdk-interface.md, all exist on our results and in the store.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from paradime_nb import Paradime
from paradime_nb.errors import InvalidArgumentError, QueryError
from tests.bolt_support import API_KEY, API_SECRET, no_secrets_in_logs, server  # noqa: F401
from tests.conftest import JAFFLE, ROOT, RUNS
from tests.test_metadata_oracle import OK, PERIOD, History, final_results, read_json, read_runs

S = "jaffle-daily"

# --- the SDK's interface as data (sdk-interface.md) ----------------------------------------

RESULT_ATTRIBUTES = {
    "ModelHealth": "unique_id name resource_type status execution_time executed_at health_status total_tests "
                   "failed_tests depends_on schema_name database_name error_message alias materialized_type "
                   "description meta tags owner package_name language access compiled_sql raw_sql columns "
                   "children_l1 parents_models parents_sources",
    "TestResult": "unique_id test_name status executed_at depends_on_nodes tested_models test_type severity "
                  "error_message",
    "SourceFreshness": "unique_id source_name name table_name freshness_status freshness_checked max_loaded_at "
                       "snapshotted_at max_loaded_at_time_ago_in_s hours_since_load warn_after_hours "
                       "error_after_hours criteria database schema_name identifier description source_description "
                       "meta tags owner loader columns tests",
    "ModelDependency": "unique_id name level resource_type status execution_time executed_at health_status",
    "DependencyImpact": "failed_model critical_models warning_models potentially_affected total_affected",
    "HealthDashboard": "schedule_name total_models healthy_models warning_models critical_models avg_execution_time "
                       "test_success_rate total_tests failed_tests sources_checked stale_sources last_updated",
    "PerformanceMetrics": "schedule_name time_period_days slowest_models average_execution_time total_runs "
                          "success_rate performance_trend",
    "MetadataResponse": "schedule_name models tests sources seeds snapshots exposures dependencies query_timestamp",
}
METHODS = (
    "get_model_health get_test_results get_source_freshness get_seed_data get_snapshot_data get_test_data "
    "get_exposure_data get_upstream_health get_upstream_model_health get_downstream_impact get_health_dashboard "
    "get_failing_models get_models_with_failing_tests get_slowest_models get_performance_summary "
    "get_performance_metrics query get_model_health_stream get_dependency_graph_cached query_sql "
    "refresh_metadata clear_cache close"
)
TABLE_COLUMNS = {
    "models_with_tests": "unique_id name resource_type status execution_time executed_at schedule_name depends_on "
                         "schema_name database_name error_message total_tests failed_tests health_status alias "
                         "materialized_type description meta tags owner package_name language access compiled_sql "
                         "raw_sql columns children_l1 parents_models parents_sources",
    "dbt_run_results": "unique_id name resource_type status execution_time executed_at schedule_name depends_on "
                       "error_message schema_name database_name materialized_type tags meta compile_started_at "
                       "compile_completed_at execute_started_at execute_completed_at thread_id adapter_response "
                       "alias description owner package_name compiled_sql original_file_path",
    "dbt_source_freshness_results": "unique_id source_name name table_name schedule_name freshness_status "
                                    "max_loaded_at snapshotted_at max_loaded_at_time_ago_in_s hours_since_load "
                                    "warn_after_hours error_after_hours criteria database schema_name identifier "
                                    "loader error_message",
    "model_metadata": "unique_id name resource_type depends_on config tags meta schedule_name description columns "
                      "parents children original_file_path",
    "dashboard_metrics": "schedule_name total_models healthy_models warning_models critical_models avg_execution_time "
                         "test_success_rate total_tests failed_tests sources_checked stale_sources last_updated",
    "latest_model_results": "schedule_name unique_id name status execution_time executed_at",
    "dbt_test_data": "schedule_name unique_id name status executed_at",
    "dbt_seed_data": "schedule_name unique_id name status executed_at health_status",
    "dbt_snapshot_data": "schedule_name unique_id name status executed_at health_status",
    "dbt_exposure_data": "schedule_name unique_id name health_status",
}


@pytest.fixture(scope="module")
def demo():
    client = Paradime.demo()
    client.metadata.load(S, runs=100, progress=False)
    yield client.metadata
    client.close()


def test_every_sdk_name_exists_on_our_results_and_in_the_store(demo):
    instances = {
        "ModelHealth": demo.get_model_health(S)[0],
        "TestResult": demo.get_test_results(S)[0],
        "SourceFreshness": demo.get_source_freshness(S)[0],
        "ModelDependency": demo.get_upstream_health("customers", S)[0],
        "DependencyImpact": demo.get_downstream_impact("stg_orders", S),
        "HealthDashboard": demo.get_health_dashboard(S),
        "PerformanceMetrics": demo.get_performance_summary(S),
        "MetadataResponse": demo.query(S),
    }
    missing = [f"{kind}.{name}" for kind, names in RESULT_ATTRIBUTES.items() for name in names.split()
               if not hasattr(instances[kind], name)]
    assert missing == []
    assert [m for m in METHODS.split() if not callable(getattr(demo, m, None))] == []
    for table, columns in TABLE_COLUMNS.items():
        have = set(demo.query_sql(f"SELECT * FROM {table} LIMIT 0").columns)
        assert sorted(set(columns.split()) - have) == [], table
        assert len(demo.query_sql(f"SELECT * FROM {table} WHERE schedule_name = ?", parameters=[S])) > 0, table


def test_health_spellings_compare_as_plain_strings_in_python_and_sql(demo):
    models = demo.get_model_health(S)
    assert {m.health_status for m in models} <= {"Healthy", "Warning", "Critical", "Unknown"}
    got = demo.query_sql("SELECT unique_id, health_status FROM models_with_tests WHERE schedule_name = ?",
                         parameters=[S])
    assert dict(zip(got["unique_id"], got["health_status"])) == {m.unique_id: m.health_status for m in models}
    dash = demo.get_health_dashboard(S)
    assert dash.healthy_models == sum(m.health_status == "Healthy" for m in models)


def test_sdk_attributes_agree_with_our_fields_and_the_raw_json(demo):
    runs = read_runs()
    history = History(runs)
    manifest = runs[-1].manifest
    catalog = {}
    for cmd in runs[-1].commands:  # the run's catalog.json (dbt docs generate)
        found = sorted((JAFFLE / str(runs[-1].run_id)).glob(f"{cmd.index}_*/**/catalog.json"))
        catalog = read_json(found[0])["nodes"] if found else catalog
    assert catalog
    for m in demo.get_model_health(S):
        node = manifest["nodes"][m.unique_id]
        assert m.depends_on == sorted(node["depends_on"]["nodes"])
        assert m.parents_models == sorted(p for p in node["depends_on"]["nodes"] if p.startswith("model."))
        assert m.schema_name == node["schema"] and m.raw_sql == node["raw_code"]
        assert m.tags == node["tags"] and set(m.columns) == set(catalog.get(m.unique_id, {}).get("columns", {}))
        assert m.children_l1 == sorted(manifest["child_map"][m.unique_id])
        assert m.failed_tests == m.tests_failed + m.tests_errored and m.total_tests == m.tests_total
    by_id = {s.unique_id: s for s in demo.get_source_freshness(S)}
    for uid, (result, _run) in history.freshness.items():
        s = by_id[uid]
        assert s.hours_since_load == pytest.approx(result["max_loaded_at_time_ago_in_s"] / 3600)
        warn = result["criteria"].get("warn_after") or {}
        if warn.get("count") is not None:
            assert s.warn_after_hours == pytest.approx(warn["count"] * PERIOD[warn["period"]] / 3600)
    dash = demo.get_health_dashboard(S)
    row = demo.query_sql("SELECT * FROM dashboard_metrics WHERE schedule_name = ?", parameters=[S]).iloc[0]
    for name in RESULT_ATTRIBUTES["HealthDashboard"].split():
        ours, view = getattr(dash, name), row[name]
        assert view == (pytest.approx(ours) if isinstance(ours, float) else ours), name
    trend = demo.get_performance_summary(S, days=7).performance_trend
    latest = runs[-1].started_at.date()
    assert [d["date"] for d in trend] == [latest - timedelta(days=6 - i) for i in range(7)]
    for day in trend:
        assert day["runs"] == sum(r.started_at.date() == day["date"] for r in runs)
    graph = demo.get_dependency_graph_cached(S)
    assert graph["model.jaffle_shop.customers"]["children"] == sorted(manifest["child_map"]["model.jaffle_shop.customers"])


def test_bad_arguments_get_typed_one_line_errors(demo):
    with pytest.raises(TypeError):
        demo.get_upstream_health("customers", S, levels=2)  # an unknown argument, as Python says it
    for bad in (-1, 1.5, "2", True):
        with pytest.raises(InvalidArgumentError, match="max_depth"):
            demo.get_upstream_health("customers", S, max_depth=bad)
        with pytest.raises(InvalidArgumentError, match="depth"):
            demo.get_downstream_impact("customers", S, depth=bad)
    with pytest.raises(QueryError) as info:
        demo.query_sql("SELECT count(*) FROM models_with_tests WHERE schedule_name = ? AND name = ?", S,
                       parameters=[S])
    assert str(info.value) == "the SQL has 2 placeholder(s) but 1 parameter(s) were given"
    # a ? in a literal or a comment is no placeholder
    got = demo.query_sql("SELECT '?' AS q, ? AS v -- ?", parameters=[1])
    assert got.to_dict("records") == [{"q": "?", "v": 1}]


# --- the usage script against the loopback server -------------------------------------------


def _copy_run(src: Path, dest: Path, **changes) -> None:
    shutil.copytree(src, dest)
    meta = json.loads((dest / "run.json").read_text())
    (dest / "run.json").write_text(json.dumps({**meta, **changes}))


def _run_script(srv, *args: str) -> list[str]:
    env = {**os.environ, **{f"PARADIME_{k.upper()}": v for k, v in srv.credentials().items() if v}, "HOME": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "tests.sdk_usage", *args], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.splitlines()


def _expected(runs, model: str) -> dict[str, list[str]]:
    """The script's lines, computed from the raw JSON by the oracle."""
    history = History(runs)
    g, health = history.graph, history.health()
    models = {u: h for u, h in health.items() if g.rtype(u) == "model"}
    name = {u: n["name"] for u, n in g.nodes.items()}
    tests_of = history.test_map()
    failing = history.failing_tests()
    counts = Counter(models.values())
    tests = [t for t in g.tests()]
    statuses = [history.status(t) for t in tests]
    ran = [s for s in statuses if s is not None and s != "skipped"]
    fresh = {u: f for u, (f, _r) in history.freshness.items() if u in g.nodes}
    stale = sum(normal in ("warn", "error", "runtime error") for normal in (f["status"].lower() for f in fresh.values()))
    out = {"head": [
        f"Healthy models: {counts['Healthy']}/{len(models)}",
        f"Warning models: {counts['Warning']}",
        f"Critical models: {counts['Critical']}",
        f"Tests: {len(failing)} failed of {len(tests)}",
        f"Test success rate: {100 * statuses.count('pass') / len(ran):.1f}%",
        f"Sources: {stale} stale of {len(fresh)} checked",
    ]}
    out["MODEL"] = sorted(
        f"MODEL {name[u]}: {h} tests={len(tests_of.get(u, []))} "
        f"failed={sum(t in failing for t in tests_of.get(u, []))}" for u, h in models.items())
    out["FAILING"] = sorted(f"FAILING {name[u]}: {sum(t in failing for t in tests_of.get(u, []))}"
                            for u in models if any(t in failing for t in tests_of.get(u, [])))
    out["FAILED TEST"] = sorted(f"FAILED TEST {t} [{history.status(t)}]: {history.result[t][0]['message']}"
                                for t in failing)
    out["SOURCE"] = []
    for u, f in fresh.items():
        hours = f.get("max_loaded_at_time_ago_in_s")
        warn = (f.get("criteria") or {}).get("warn_after") or {}
        warn_h = "-" if warn.get("count") is None else f"{warn['count'] * PERIOD[warn['period']] / 3600:g}"
        out["SOURCE"].append(f"SOURCE {g.nodes[u]['source_name']}.{g.nodes[u]['name']}: {f['status']} "
                             f"hours={'-' if hours is None else f'{hours / 3600:.2f}'} warn_after={warn_h}")
    out["SOURCE"].sort()
    root = next(u for u in models if name[u] == model)
    up = {u: d for u, d in g.bfs([root], "up").items() if u != root}
    out["UP"] = sorted(f"{'  ' * (d - 1)}L{d}: {name[u]} ({health.get(u, 'Unknown')})" for u, d in up.items())
    executed = [r for r in runs if any(g_rtype(r, u) == "model" for u in final_results(r))]
    last = final_results(executed[-1])
    times = sorted(((r["execution_time"], name.get(u, u)) for u, r in last.items()
                    if g_rtype(executed[-1], u) == "model" and r["status"] != "skipped"), reverse=True)
    out["SLOW"] = [f"SLOW {n}: {t:.4f}s" for t, n in times[:5]]
    by_schema: dict[str, list[int]] = {}
    for u, h in models.items():
        by_schema.setdefault(g.nodes[u]["schema"], []).append(h == "Critical")
    out["SCHEMA"] = [f"SCHEMA {s}: {sum(v)} critical of {len(v)}" for s, v in sorted(by_schema.items())]
    down = {u: d for u, d in g.bfs([root], "down", depth=10).items() if u != root}
    down_health = {**health, **history.downstream_health()}
    crit = sum(down_health.get(u) == "Critical" for u in down)
    warn = sum(down_health.get(u) == "Warning" for u in down)
    out["IMPACT"] = [f"IMPACT total={len(down)} critical={crit} warning={warn} other={len(down) - crit - warn}"]
    since = runs[-1].started_at - timedelta(days=7)
    window = [r for r in runs if r.started_at > since]
    results = [res for r in window for u, res in final_results(r).items() if g_rtype(r, u) == "model"]
    ok = sum(res["status"] in OK for res in results)
    out["PERF"] = [f"PERF runs={len(window)} success={100 * ok / len(results):.1f}% days=7"]
    return out


_TYPES: dict[int, dict[str, str]] = {}


def g_rtype(run, uid: str) -> str | None:
    """A node's type in that run's own manifest."""
    if run.run_id not in _TYPES:
        graph = History([run]).graph if run.manifest is not None else None
        _TYPES[run.run_id] = {u: n["resource_type"] for u, n in graph.nodes.items()} if graph else {}
    return _TYPES[run.run_id].get(uid)


def _check(lines: list[str], expected: dict[str, list[str]]) -> None:
    assert lines[:6] == expected["head"]
    for prefix in ("MODEL", "FAILING", "FAILED TEST", "SOURCE", "SCHEMA", "IMPACT", "PERF"):
        got = [line for line in lines if line.startswith(prefix + " ")]
        if prefix == "FAILING":
            got = [line for line in got if not line.startswith("FAILED")]
        assert sorted(got) == sorted(expected[prefix]), prefix
    assert sorted(line for line in lines if re.match(r"^\s*L\d+: ", line)) == expected["UP"]
    assert [line for line in lines if line.startswith("SLOW ")] == expected["SLOW"]


def test_the_sdk_usage_script_on_jaffle_daily(tmp_path):
    with server(RUNS) as srv:
        lines = _run_script(srv, S, "customers", "12")
    _check(lines, _expected(read_runs(), "customers"))


def test_the_sdk_usage_script_while_the_latest_run_is_still_running(tmp_path):
    """48003 and 48004 finished (48004: unique tests fail); 48013 is RUNNING. The first
    analysis loads the latest finished run, 48004, and every figure is that run's."""
    folder = tmp_path / "runs" / S
    folder.mkdir(parents=True)
    shutil.copy(JAFFLE / "schedule.json", folder)
    for run_id in ("48003", "48004"):
        _copy_run(JAFFLE / run_id, folder / run_id)
    _copy_run(JAFFLE / "48005", folder / "48013", id=48013, state="RUNNING", startDttm="2026-03-14 06:00:00",
              endDttm=None)
    with server(folder.parent) as srv:
        lines = _run_script(srv, S, "stg_payments")
    expected = _expected([r for r in read_runs() if r.run_id == 48004], "stg_payments")
    assert expected["FAILED TEST"] and "Critical models: 0" not in expected["head"]  # the run's story
    _check(lines, expected)


def test_a_running_latest_run_does_not_block_the_first_analysis(tmp_path):
    folder = tmp_path / "runs" / S
    folder.mkdir(parents=True)
    shutil.copy(JAFFLE / "schedule.json", folder)
    _copy_run(JAFFLE / "48011", folder / "48011")
    _copy_run(JAFFLE / "48012", folder / "48012")
    _copy_run(JAFFLE / "48012", folder / "48013", id=48013, state="RUNNING", startDttm="2026-03-14 06:00:00",
              endDttm=None)
    with Paradime.from_path(folder.parent) as client:
        assert client.metadata.get_health_dashboard(S).run.run_id == 48012
        report = client.metadata.load(S, runs=2)
        assert report.loaded == [48011] and report.already_stored == [48012] and report.skipped_running == [48013]
        assert "48013" in str(report)
        assert client.metadata.load(S, runs=1, include_running=True).loaded == [48013]


def test_a_v1_store_file_is_migrated_on_open(tmp_path):
    """v1 stored the SDK's names as tables: opening such a file renames them (the SDK's
    names become views) and keeps every row, in one transaction."""
    import duckdb

    path = tmp_path / "v1.duckdb"
    with Paradime.from_path(RUNS, database=path) as client:
        client.metadata.load(S, runs=2, progress=False)
        before = client.metadata.get_model_health(S)
        counts = client.store.fetchall("SELECT (SELECT count(*) FROM node_results), (SELECT count(*) FROM manifest_nodes)")
    from tests.test_store_versions import _downgrade_to_v2  # noqa: PLC0415

    _downgrade_to_v2(path)  # per-run manifest tables again (v3 stores each manifest once)
    con = duckdb.connect(str(path))  # turn the file back into what v1 wrote
    for (view,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'").fetchall():
        con.execute(f'DROP VIEW "{view}"')
    for new, old in (("node_results", "dbt_run_results"), ("freshness_results", "dbt_source_freshness_results"),
                     ("manifest_nodes", "model_metadata")):
        con.execute(f"ALTER TABLE {new} RENAME TO {old}")
    for column in ("raw_code", "compiled_code"):
        con.execute(f'ALTER TABLE model_metadata DROP COLUMN "{column}"')
    con.execute("UPDATE store_info SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with Paradime.from_source(None, database=path) as client:
        assert client.store.fetchall("SELECT value FROM store_info WHERE key = 'schema_version'") == [("3",)]
        assert client.store.fetchall(
            "SELECT (SELECT count(*) FROM dbt_run_results), (SELECT count(*) FROM model_metadata)") == counts
        after = client.metadata.get_model_health(S)
        assert [(m.unique_id, m.health_status, m.status) for m in after] == [
            (m.unique_id, m.health_status, m.status) for m in before]
