"""The store against the real jaffle-daily runs: expectations come from the raw JSON."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

import pytest

from paradime_nb import Paradime
from tests import raw
from tests.conftest import JAFFLE, RUNS

RUN_DIRS = raw.run_dirs(JAFFLE)
RUN_IDS = [int(p.name) for p in RUN_DIRS]


@pytest.fixture(scope="module")
def client():
    c = Paradime.from_path(RUNS)
    report = c.metadata.load("jaffle-daily", runs=100, progress=False)
    assert sorted(report.loaded) == RUN_IDS
    yield c
    c.close()


def _count(client, table: str, run_id: int) -> int:
    return client.store.fetchall(f"SELECT count(*) FROM {table} WHERE run_id = ?", [run_id])[0][0]


@pytest.mark.parametrize("run_dir", RUN_DIRS, ids=lambda p: p.name)
def test_row_counts_per_table(client, run_dir):
    run_id = int(run_dir.name)
    cmds = raw.command_dirs(run_dir)
    assert _count(client, "commands", run_id) == len(cmds)
    assert _count(client, "dbt_run_results", run_id) == len(raw.executing_results(run_dir))
    assert _count(client, "dbt_source_freshness_results", run_id) == len(raw.freshness_rows(run_dir))

    manifest = raw.load_json(raw.latest_file(run_dir, "manifest.json"))
    nodes = raw.manifest_graph_nodes(manifest)
    assert _count(client, "model_metadata", run_id) == len(nodes)
    edges = sum(len((n.get("depends_on") or {}).get("nodes") or []) for n in nodes.values())
    assert _count(client, "node_edges", run_id) == edges
    tests = [n for n in nodes.values() if n["resource_type"] in ("test", "unit_test")]
    assert _count(client, "test_metadata", run_id) == len(tests)

    catalog_path = raw.latest_file(run_dir, "catalog.json")
    expected_catalog = 0
    if catalog_path is not None:
        catalog = raw.load_json(catalog_path)
        expected_catalog = len(catalog["nodes"]) + len(catalog["sources"])
    assert _count(client, "catalog_nodes", run_id) == expected_catalog


@pytest.mark.parametrize("run_dir", RUN_DIRS, ids=lambda p: p.name)
def test_results_by_status_per_run(client, run_dir):
    run_id = int(run_dir.name)
    got = dict(client.store.fetchall("SELECT status, count(*) FROM dbt_run_results WHERE run_id = ? GROUP BY 1", [run_id]))
    assert got == dict(raw.status_counts(run_dir))


@pytest.mark.parametrize("run_dir", RUN_DIRS, ids=lambda p: p.name)
def test_node_status_is_the_last_executing_command(client, run_dir):
    """docs generate marks every node success: it must never mask a real status."""
    run_id = int(run_dir.name)
    got = dict(client.store.fetchall("SELECT unique_id, status FROM run_node_results WHERE run_id = ?", [run_id]))
    assert got == raw.final_statuses(run_dir)


def test_failing_tests_of_a_test_command_that_exited_1(client):
    cmd = JAFFLE / "48004" / "5_test"
    assert json.loads((cmd / "command.json").read_text())["returnCode"] == 1
    results = raw.load_json(cmd / "target" / "run_results.json")["results"]
    expected = {r["unique_id"] for r in results if r["status"] in ("fail", "error")}
    assert expected, "the fixture should hold failing tests"
    got = {r[0] for r in client.store.fetchall(
        "SELECT unique_id FROM dbt_run_results WHERE run_id = 48004 AND status IN ('fail', 'error')")}
    assert got == expected


def test_retry_keeps_the_error_row_and_ends_success(client):
    run_dir = JAFFLE / "48003"
    run_cmd = raw.load_json(run_dir / "4_run" / "target" / "run_results.json")["results"]
    retry = raw.load_json(run_dir / "5_retry" / "target" / "run_results.json")["results"]
    errored = {r["unique_id"] for r in run_cmd if r["status"] == "error"}
    fixed = {r["unique_id"] for r in retry if r["status"] == "success"}
    both = errored & fixed
    assert both, "fixture: a model errors in dbt run and succeeds in dbt retry"
    for uid in both:
        rows = client.store.fetchall(
            "SELECT command_index, status FROM dbt_run_results WHERE run_id = 48003 AND unique_id = ? ORDER BY command_index",
            [uid])
        assert [s for _i, s in rows] == ["error", "success"]
        final = client.store.fetchall("SELECT status FROM run_node_results WHERE run_id = 48003 AND unique_id = ?", [uid])
        assert final == [("success",)]


def test_docs_generate_results_are_not_stored_as_statuses(client):
    docs = raw.load_json(JAFFLE / "48006" / "4_docs_generate" / "target" / "run_results.json")
    assert docs["args"]["which"] == "generate"
    cmd_index = [p.name for p in raw.command_dirs(JAFFLE / "48006")].index("4_docs_generate") + 1
    assert _count_where(client, "dbt_run_results", "run_id = 48006 AND command_index = ?", [cmd_index]) == 0
    row = client.store.fetchall(
        "SELECT dbt_command, executes_nodes FROM commands WHERE run_id = 48006 AND command_index = ?", [cmd_index])
    assert row == [("docs generate", False)]


def _count_where(client, table, where, params):
    return client.store.fetchall(f"SELECT count(*) FROM {table} WHERE {where}", params)[0][0]


def test_interrupted_command_loads_what_it_left(client):
    run_dir = JAFFLE / "48011"
    cmd = json.loads((run_dir / "3_run" / "command.json").read_text())
    assert cmd["returnCode"] == 124
    left = raw.load_json(run_dir / "3_run" / "target" / "run_results.json")["results"]
    rows = client.store.fetchall("SELECT count(*), any_value(exit_code) FROM dbt_run_results JOIN commands "
                                 "USING (schedule_name, run_id, command_index) WHERE run_id = 48011 AND command_index = 3")
    assert rows == [(len(left), 124)]


def test_freshness_rows_keep_names_and_thresholds(client):
    run_dir = JAFFLE / "48005"
    manifest = raw.load_json(raw.latest_file(run_dir, "manifest.json"))
    period = {"minute": 60, "hour": 3600, "day": 86400}
    for r in raw.freshness_rows(run_dir):
        src = manifest["sources"][r["unique_id"]]
        got = client.store.fetchall(
            "SELECT source_name, table_name, status, warn_after_count, warn_after_period, warn_after_seconds, "
            "error_after_seconds, age_seconds FROM dbt_source_freshness_results WHERE run_id = 48005 AND unique_id = ?",
            [r["unique_id"]])
        warn, err = r["criteria"]["warn_after"], r["criteria"]["error_after"]
        assert got == [(src["source_name"], src["name"], r["status"], warn["count"], warn["period"],
                        warn["count"] * period[warn["period"]], err["count"] * period[err["period"]],
                        pytest.approx(r["max_loaded_at_time_ago_in_s"]))]


def test_runs_and_commands_carry_run_identity(client):
    for run_dir in RUN_DIRS:
        meta = json.loads((run_dir / "run.json").read_text())
        row = client.store.fetchall(
            "SELECT state, strftime(started_at, '%Y-%m-%d %H:%M:%S'), git_branch, git_commit FROM runs WHERE run_id = ?",
            [meta["id"]])
        assert row == [(meta["state"], meta["startDttm"], meta["gitInfo"]["branch"], meta["gitInfo"]["commitHash"])]
        exits = [json.loads((c / "command.json").read_text())["returnCode"] for c in raw.command_dirs(run_dir)]
        got = [r[0] for r in client.store.fetchall(
            "SELECT exit_code FROM commands WHERE run_id = ? ORDER BY command_index", [meta["id"]])]
        assert got == exits


def test_reloading_is_a_no_op(client):
    before = {t: _total(client, t) for t in _TABLES}
    report = client.metadata.load("jaffle-daily", runs=100, progress=False)
    assert report.loaded == [] and sorted(report.already_stored) == RUN_IDS
    assert {t: _total(client, t) for t in _TABLES} == before


_TABLES = ("runs", "commands", "artifacts", "dbt_run_results", "dbt_source_freshness_results", "model_metadata",
           "node_edges", "test_metadata", "catalog_nodes", "catalog_columns", "schedules")


def _total(client, table):
    return client.store.fetchall(f"SELECT count(*) FROM {table}")[0][0]


def test_persisted_store_reopens_with_all_runs(tmp_path, client):
    db = tmp_path / "history.duckdb"
    with Paradime.from_path(RUNS, database=db) as first:
        first.metadata.load("jaffle-daily", runs=5, progress=False)
        first.metadata.load("Jaffle daily", runs=100, progress=False)  # display name; adds the other 7
    with Paradime.from_path(RUNS, database=db) as again:
        assert {t: _total(again, t) for t in _TABLES} == {t: _total(client, t) for t in _TABLES}
        report = again.metadata.load("jaffle-daily", runs=100, progress=False)
        assert report.loaded == []


def test_latest_n_runs_and_days():
    starts = sorted(((datetime.fromisoformat(json.loads((d / "run.json").read_text())["startDttm"]), int(d.name))
                     for d in RUN_DIRS), reverse=True)
    with Paradime.from_path(RUNS) as c:
        report = c.metadata.load("jaffle-daily", runs=3, progress=False)
        assert sorted(report.loaded) == sorted(run_id for _s, run_id in starts[:3])
    # every run started in the D days before the newest run, D chosen to fall between two runs
    cut = starts[6][0] - timedelta(hours=12)
    days = (starts[0][0] - cut).total_seconds() / 86400
    with Paradime.from_path(RUNS) as c:
        report = c.metadata.load("jaffle-daily", days=days, progress=False)
        assert sorted(report.loaded) == sorted(run_id for s, run_id in starts if s >= cut)
        assert len(report.loaded) == 7


def test_status_counts_over_all_runs_match_raw(client):
    expected = Counter()
    for run_dir in RUN_DIRS:
        expected.update(raw.status_counts(run_dir))
    got = dict(client.store.fetchall("SELECT status, count(*) FROM dbt_run_results GROUP BY 1"))
    assert got == dict(expected)


def test_list_runs_marks_what_is_stored():
    with Paradime.from_path(RUNS) as c:
        c.metadata.load("jaffle-daily", runs=2, progress=False)
        listing = c.metadata.list_runs("Jaffle daily", limit=5)
        newest = sorted(RUN_IDS, key=lambda i: json.loads((JAFFLE / str(i) / "run.json").read_text())["startDttm"],
                        reverse=True)
        assert listing["run_id"].tolist() == newest[:5]
        assert listing["loaded"].tolist() == [True, True, False, False, False]
        summary = c.metadata.stored_runs_summary()
        assert summary[["schedule_name", "runs_loaded", "latest_run_id"]].values.tolist() == [["jaffle-daily", 2, newest[0]]]
