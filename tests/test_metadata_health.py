"""Health, tests, freshness and the dashboard against the raw fixture JSON, run by run.

Runs are added to one store oldest first (what a schedule's history looks like as it
grows) and also loaded each alone; after each, every answer is compared with the oracle's
own reading of the same runs.
"""

from __future__ import annotations

from collections import Counter

import pytest

from paradime_nb import Paradime
from paradime_nb.store import prepare_run
from tests.conftest import RUNS
from tests.test_metadata_oracle import BAD_TEST, History, final_results, read_runs, seconds

S = "jaffle-daily"
ALL_RUNS = read_runs()
INDEXES = list(range(len(ALL_RUNS)))


def load_run(client: Paradime, run_id: int) -> None:
    """Store one given run (the public load() takes the latest N)."""
    schedule = next(s for s in client.source.schedules() if s.slug == S)
    run = next(r for r in client.source.runs(schedule) if r.run_id == run_id)
    for data in client.source.fetch(schedule, [run]):
        client.store.write_run(prepare_run(data))


def answers(client: Paradime) -> dict:
    m = client.metadata
    return {
        "health": m.get_model_health(S),
        "tests": m.get_test_results(S),
        "failed": m.get_test_results(S, failed_only=True),
        "failing_models": m.get_models_with_failing_tests(S),
        "fresh": m.get_source_freshness(S),
        "dash": m.get_health_dashboard(S),
    }


@pytest.fixture(scope="module")
def incremental() -> list[tuple[History, dict]]:
    out = []
    with Paradime.from_path(RUNS) as client:
        for i, run in enumerate(ALL_RUNS):
            load_run(client, run.run_id)
            out.append((History(ALL_RUNS[: i + 1]), answers(client)))
    return out


ALONE = [48003, 48005, 48006, 48009, 48011]  # retry, freshness gate, build skips, fail-fast, timeout


@pytest.fixture(scope="module")
def alone() -> list[tuple[History, dict]]:
    out = []
    for run in (r for r in ALL_RUNS if r.run_id in ALONE):
        with Paradime.from_path(RUNS) as client:
            load_run(client, run.run_id)
            out.append((History([run]), answers(client)))
    return out


def _check_health(history: History, got: dict) -> None:
    expected = history.model_health()
    health = {m.unique_id: m for m in got["health"]}
    assert {u: m.health_status for u, m in health.items()} == expected
    assert Counter(m.health_status for m in got["health"]) == Counter(expected.values())
    tests = history.test_map()
    for uid, m in health.items():
        ephemeral = history.graph.nodes[uid]["config"].get("materialized") == "ephemeral"
        found = None if ephemeral else history.result.get(uid)
        assert m.status == (found[0]["status"] if found else None), uid
        assert m.run_id == (found[1].run_id if found else None), uid
        statuses = [history.status(t) for t in tests.get(uid, [])]
        assert (m.tests_total, m.tests_failed, m.tests_warned) == (
            len(statuses), statuses.count("fail"), statuses.count("warn")), uid
        assert m.tests_errored == sum(s in ("error", "runtime error") for s in statuses), uid
        assert m.tests_not_run == statuses.count(None), uid
        assert (m.health_status == "Healthy") == (m.reasons == []), uid


@pytest.mark.parametrize("i", INDEXES, ids=[str(r.run_id) for r in ALL_RUNS])
def test_model_health_as_runs_accumulate(incremental, i):
    _check_health(*incremental[i])


@pytest.mark.parametrize("i", range(len(ALONE)), ids=[str(r) for r in ALONE])
def test_model_health_of_each_run_alone(alone, i):
    _check_health(*alone[i])


def test_the_fixture_story_shows_in_the_health_counts(incremental, alone):
    """Not vacuous: the runs give every health status somewhere."""
    seen = Counter(m.health_status for _, got in incremental + alone for m in got["health"])
    assert {"Healthy", "Warning", "Critical", "Unknown"} <= set(seen)
    by_run = {h.latest_run().run_id: got for h, got in alone}
    assert {m.name for m in by_run[48009]["health"] if m.health_status == "Critical"} == {"int_payments_usd"}
    latest = {m.name: m.health_status for m in incremental[-1][1]["health"]}
    assert latest["customers"] == "Warning"  # the chronic warn-severity not_null test


@pytest.mark.parametrize("i", INDEXES, ids=[str(r.run_id) for r in ALL_RUNS])
def test_failing_tests_and_the_models_they_test(incremental, i):
    history, got = incremental[i]
    assert {t.unique_id for t in got["failed"]} == history.failing_tests()
    assert all(t.status in BAD_TEST for t in got["failed"])
    by_id = {t.unique_id: t for t in got["tests"]}
    assert set(by_id) == set(history.graph.tests())
    for uid, t in by_id.items():
        assert t.status == history.status(uid), uid
        assert sorted(t.tested_nodes) == sorted(history.graph.test_targets(uid)), uid
        assert t.severity == (history.graph.severity(uid) if history.graph.rtype(uid) == "test" else None), uid
        assert t.name == history.graph.nodes[uid]["name"], uid
    failing_by_model: dict[str, set[str]] = {}
    for t in history.failing_tests():
        for target in history.graph.test_targets(t):
            if history.graph.rtype(target) == "model":
                failing_by_model.setdefault(target, set()).add(history.graph.nodes[t]["name"])
    assert {m.unique_id: set(m.failing_tests) for m in got["failing_models"]} == failing_by_model


def test_failing_tests_appear_in_the_history(incremental):
    """48004 (duplicate ids) and 48010 (a broken singular test) leave failing tests."""
    failed_sets = {h.latest_run().run_id: {t.name for t in got["failed"]} for h, got in incremental}
    assert "unique_stg_payments_payment_id" in failed_sets[48004]
    assert "assert_segments_cover_customers" in failed_sets[48010]
    assert failed_sets[48012] == set()


@pytest.mark.parametrize("i", INDEXES, ids=[str(r.run_id) for r in ALL_RUNS])
def test_source_freshness(incremental, i):
    history, got = incremental[i]
    sources = {u: n for u, n in history.graph.nodes.items() if n["resource_type"] == "source"}
    fresh = {f.unique_id: f for f in got["fresh"]}
    assert set(fresh) == set(sources)
    for uid, f in fresh.items():
        node = sources[uid]
        assert (f.source_name, f.table_name) == (node["source_name"], node["name"])
        checked = history.freshness.get(uid)
        if checked is None:
            assert f.status is None and f.run_id is None
            rules = node.get("freshness") or {}
        else:
            result, run = checked
            assert (f.status, f.run_id) == (result["status"], run.run_id)
            assert f.age_seconds == pytest.approx(result.get("max_loaded_at_time_ago_in_s"))
            rules = result.get("criteria") or {}
        warn, err = rules.get("warn_after") or {}, rules.get("error_after") or {}
        assert (f.warn_after_count, f.warn_after_period) == (warn.get("count"), warn.get("period"))
        assert (f.error_after_count, f.error_after_period) == (err.get("count"), err.get("period"))
        assert f.warn_after_seconds == seconds(warn.get("count"), warn.get("period"))
        assert f.error_after_seconds == seconds(err.get("count"), err.get("period"))


def test_freshness_story(incremental):
    by_run = {h.latest_run().run_id: {f.table_name: f.status for f in got["fresh"]} for h, got in incremental}
    assert by_run[48002]["raw_payments"] == "warn"
    assert by_run[48005] == {"raw_orders": "error", "raw_payments": "error", "raw_customers": "warn", "fx_rates": None}


@pytest.mark.parametrize("i", INDEXES, ids=[str(r.run_id) for r in ALL_RUNS])
def test_dashboard(incremental, i):
    history, got = incremental[i]
    dash = got["dash"]
    expected_health = Counter(history.model_health().values())
    assert {k: v for k, v in dash.models_by_health.items() if v} == dict(expected_health)
    tests = Counter(history.status(t) or "not run" for t in history.graph.tests())
    assert dash.tests_by_status == dict(tests)
    assert dash.tests_total == len(history.graph.tests())
    ran = sum(v for k, v in tests.items() if k not in ("not run", "skipped"))
    assert dash.test_success_rate == (pytest.approx(100 * tests["pass"] / ran) if ran else None)  # percent, as the SDK
    assert dash.failed_tests == sum(v for k, v in tests.items() if k in ("fail", "error", "runtime error"))
    statuses = [history.fresh_status(u) for u, n in history.graph.nodes.items() if n["resource_type"] == "source"]
    assert dash.sources_total == len(statuses)
    assert dash.sources_checked == sum(s is not None for s in statuses)
    assert (dash.sources_warn, dash.sources_error) == (statuses.count("warn"),
                                                       statuses.count("error") + statuses.count("runtime error"))
    latest = history.latest_run()
    assert (dash.run.run_id, dash.run.state, dash.run.started_at) == (latest.run_id, latest.state, latest.started_at)
    assert [s.name for s in dash.slowest_models] == slowest_names(history)[:5]


def slowest_names(history: History) -> list[str]:
    """The oracle's slowest models: the latest run with model results, skipped left out."""
    for run in reversed(history.runs):
        graph_types = {u: n["resource_type"] for u, n in (run.manifest or {}).get("nodes", {}).items()}
        if not graph_types:
            graph_types = {u: n["resource_type"] for u, n in history.graph.nodes.items()}
        models = [r for r in final_results(run).values()
                  if graph_types.get(r["unique_id"]) == "model" and r["status"] != "skipped"]
        if models:
            names = {u: n["name"] for u, n in history.graph.nodes.items()}
            ranked = sorted(models, key=lambda r: (-r["execution_time"], names.get(r["unique_id"], r["unique_id"])))
            return [names.get(r["unique_id"], r["unique_id"]) for r in ranked]
    return []
