"""Performance over the runs, model and test history, against figures computed here from
the raw run_results.json of each run (final result per run, skipped left out)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from paradime_nb import Paradime
from tests.conftest import RUNS
from tests.test_metadata_oracle import BAD_TEST, TESTS, Graph, History, Run, final_results, quantile, read_runs

S = "jaffle-daily"
ALL_RUNS = read_runs()
LATEST_GRAPH = History(ALL_RUNS).graph


@pytest.fixture(scope="module")
def client():
    with Paradime.from_path(RUNS) as c:
        c.metadata.load(S, runs=100, progress=False)
        yield c


@pytest.fixture(scope="module")
def until_48010():
    """The history as it stood after the heavy backfill of 48010."""
    with Paradime.from_path(RUNS) as c:
        c.metadata.load(S, runs=100, progress=False)
        c.store.delete_runs(S, [r.run_id for r in ALL_RUNS if r.run_id > 48010])
        yield c


def window(runs: list[Run], days: float) -> list[Run]:
    since = max(r.started_at for r in runs) - timedelta(days=days)
    return [r for r in runs if r.started_at > since]


_GRAPHS: dict[int, Graph | None] = {}


def rtype(run: Run, uid: str) -> str | None:
    """A node's type from its run's manifest, else the latest one."""
    if run.run_id not in _GRAPHS:
        _GRAPHS[run.run_id] = Graph(run.manifest) if run.manifest else None
    nodes = _GRAPHS[run.run_id].nodes if _GRAPHS[run.run_id] else {}
    return (nodes.get(uid) or LATEST_GRAPH.nodes.get(uid) or {}).get("resource_type")


def model_times(runs: list[Run]) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for run in runs:
        for uid, r in final_results(run).items():
            if rtype(run, uid) == "model" and r["status"] != "skipped" and r.get("execution_time") is not None:
                out.setdefault(uid, []).append((run.started_at, run.run_id, r["execution_time"]))
    return {u: sorted(v) for u, v in out.items()}


def expected_model(times: list[tuple]) -> dict:
    values = [t for _, _, t in times]
    earlier = values[:-1]
    base = quantile(earlier, 0.5) if earlier else None
    last = values[-1]
    return {
        "runs": len(values), "mean": sum(values) / len(values), "p50": quantile(values, 0.5),
        "p95": quantile(values, 0.95), "max": max(values), "last": last, "last_run_id": times[-1][1],
        "baseline_median": base,
        "regression": len(earlier) >= 2 and last >= 1.5 * base and last - base >= 1.0,
    }


@pytest.mark.parametrize("days", [1, 3, 7, 30])
def test_performance_per_model_and_per_run(client, days):
    runs = window(ALL_RUNS, days)
    perf = client.metadata.get_performance_metrics(S, days=days)
    assert [r.run_id for r in perf.runs] == [r.run_id for r in runs]
    expected = model_times(runs)
    got = {m.unique_id: m for m in perf.models}
    assert set(got) == set(expected)
    for uid, times in expected.items():
        want, m = expected_model(times), got[uid]
        for key in ("mean", "p50", "p95", "max", "last", "baseline_median"):
            assert getattr(m, key) == pytest.approx(want[key]), (uid, key)
        assert (m.runs, m.last_run_id, m.regression) == (want["runs"], want["last_run_id"], want["regression"]), uid
        if want["baseline_median"]:
            assert m.change_pct == pytest.approx((want["last"] - want["baseline_median"]) / want["baseline_median"] * 100)
    for run, r in zip(runs, perf.runs):
        counted = [x for c in History.counted_commands(run) for x in c.results]
        assert r.wall_seconds == (run.ended_at - run.started_at).total_seconds()
        assert r.node_seconds == pytest.approx(sum(x.get("execution_time") or 0 for x in counted))
        assert r.nodes == len({x["unique_id"] for x in counted if x["status"] != "skipped"})
        assert r.models == len({x["unique_id"] for x in counted
                                if x["status"] != "skipped" and rtype(run, x["unique_id"]) == "model"})


def test_days_are_counted_back_from_the_latest_run(client):
    assert len(client.metadata.get_performance_metrics(S, days=7).runs) == 7
    assert len(client.metadata.get_performance_metrics(S, days=0.5).runs) == 1
    with pytest.raises(ValueError):
        client.metadata.get_performance_metrics(S, days=0)


def test_the_backfill_of_48010_is_a_regression_then(until_48010):
    runs = [r for r in ALL_RUNS if r.run_id <= 48010]
    perf = until_48010.metadata.get_performance_metrics(S, days=30)
    flagged = {m.unique_id for m in perf.models if m.regression}
    expected = {u for u, t in model_times(runs).items() if expected_model(t)["regression"]}
    assert flagged == expected == {"model.jaffle_shop.customer_order_stats"}
    assert [m.name for m in perf.regressions] == ["customer_order_stats"]
    slow = until_48010.metadata.get_slowest_models(S, limit=3)
    assert slow[0].name == "customer_order_stats" and slow[0].run_id == 48010
    assert len(slow) == 3 and slow[0].execution_time >= slow[1].execution_time >= slow[2].execution_time


# --- history -----------------------------------------------------------------------------


def expected_test_history(runs: list[Run]) -> dict[str, dict]:
    outcomes: dict[str, list[str]] = {}
    for run in runs:
        for uid, r in final_results(run).items():
            if rtype(run, uid) in TESTS and r["status"] in {"pass", "warn"} | BAD_TEST:
                outcomes.setdefault(uid, []).append(r["status"])
    out = {}
    for uid, statuses in outcomes.items():
        bad = [s != "pass" for s in statuses]
        flips = sum(a != b for a, b in zip(bad, bad[1:]))
        failures = sum(s in BAD_TEST for s in statuses)
        out[uid] = {"runs": len(statuses), "passes": statuses.count("pass"), "warnings": statuses.count("warn"),
                    "failures": failures, "flips": flips, "flaky": flips > 1, "statuses": statuses,
                    "fail_rate": failures / len(statuses), "last_status": statuses[-1]}
    return out


@pytest.mark.parametrize("days", [6, 30])
def test_test_history_and_flaky_tests(client, days):
    expected = expected_test_history(window(ALL_RUNS, days))
    got = {t.unique_id: t for t in client.metadata.get_test_history(S, days=days)}
    assert set(got) == set(expected)
    for uid, want in expected.items():
        t = got[uid]
        assert t.fail_rate == pytest.approx(want.pop("fail_rate")), uid
        assert {k: getattr(t, k) for k in want} == want, uid
    flaky = {u for u, w in expected.items() if w["flaky"]}
    assert flaky, "no flaky test in the window: a vacuous check"
    assert {u for u, t in got.items() if t.flaky} == flaky
    if days == 30:
        # assert_few_pending_returns: warn in 48004, fail in 48008, pass otherwise
        assert "test.jaffle_shop.assert_few_pending_returns" in flaky
        assert not got["test.jaffle_shop.not_null_customers_first_order.ae62960837"].flaky  # warns every day


def test_model_history_per_run_with_its_tests(client):
    uid = "model.jaffle_shop.int_payments_usd"
    history = client.metadata.get_model_history("int_payments_usd", S, last=20)
    expected = []
    for run in reversed(ALL_RUNS):
        final = final_results(run)
        if uid in final:
            expected.append((run, final))
    assert [h.run_id for h in history] == [run.run_id for run, _ in expected]
    for h, (run, final) in zip(history, expected):
        assert (h.status, h.execution_time) == (final[uid]["status"], pytest.approx(final[uid]["execution_time"]))
        graph = Graph(run.manifest)
        aimed = {t for t in graph.tests() if uid in graph.test_targets(t) and t in final}
        assert {t.unique_id: t.status for t in h.tests} == {t: final[t]["status"] for t in aimed}
        assert h.tests_failed == sum(final[t]["status"] in BAD_TEST for t in aimed)
    statuses = {h.run_id: h.status for h in history}
    assert statuses[48009] == "error" and statuses[48003] == "success"  # fail-fast; fixed by retry
    assert [h.run_id for h in client.metadata.get_model_history("int_payments_usd", S, last=3)] == [
        run.run_id for run, _ in expected[:3]]


def test_run_history_tells_each_day(client):
    runs = {r.run_id: r for r in client.metadata.get_run_history(S, last=None)}
    assert sorted(runs) == [r.run_id for r in ALL_RUNS]
    for run in ALL_RUNS:
        final = final_results(run)
        r = runs[run.run_id]
        kinds = {u: rtype(run, u) for u in final}
        tests = [x["status"] for u, x in final.items() if kinds[u] in TESTS]
        assert (r.tests_pass, r.tests_warn, r.tests_fail) == (
            tests.count("pass"), tests.count("warn"), sum(s in BAD_TEST for s in tests)), run.run_id
        built = [x["status"] for u, x in final.items() if kinds[u] in ("model", "seed", "snapshot")]
        assert (r.nodes_error, r.nodes_skipped) == (sum(s in ("error", "runtime error") for s in built),
                                                    built.count("skipped")), run.run_id
        assert r.state == run.state
    assert runs[48003].recovered_nodes == ["int_payments_usd"]
    assert runs[48009].errored_nodes == ["int_payments_usd"]
    assert runs[48005].sources_error == 2 and runs[48005].nodes_ok == 0
    assert len(client.metadata.get_run_history(S, last=2)) == 2
