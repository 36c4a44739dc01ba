"""Run forensics against an independent reading of the raw fixture JSON (forensics_oracle):
timeline, critical path, replay and run diff on every jaffle-daily run and on big-2000,
old dbt releases, and the bad inputs (unknown run, no timings, a run still going)."""

from __future__ import annotations

import json
import shutil

import networkx as nx
import pytest

from paradime_nb import Paradime
from paradime_nb.errors import (
    InvalidArgumentError,
    NodeNotFoundError,
    NotLoadedError,
    RunNotStoredError,
    RunTimingError,
)
from paradime_nb.metadata.forensics.replay import replay_tolerance

from . import forensics_oracle as oracle
from . import raw
from .conftest import BIG, GENERATED, JAFFLE

JAFFLE_RUNS = raw.run_dirs(JAFFLE)
BIG_2000 = BIG / "big-2000"
ERROR = {"error", "fail", "runtime error"}
WARN = {"warn", "partial success"}


@pytest.fixture(scope="module")
def jaffle():
    client = Paradime.from_path(JAFFLE.parent)
    client.metadata.load("jaffle-daily", runs=100, progress=False)
    yield client.metadata
    client.close()


@pytest.fixture(scope="module")
def big():
    client = Paradime.from_path(BIG)
    client.metadata.load("big-2000", runs=10, progress=False)
    yield client.metadata
    client.close()


def _run_id(run_dir) -> int:
    return oracle.run_info(run_dir)["id"]


# --- timeline --------------------------------------------------------------------------------


def _check_timeline(metadata, schedule, run_dir):
    timeline = metadata.get_run_timeline(schedule, _run_id(run_dir))
    expected = sorted((pos, x["uid"], x["status"], x["thread"], x["start"], x["end"])
                      for pos, xs in oracle.executions(run_dir).items() for x in xs)
    got = sorted((n.command_index, n.unique_id, n.status, n.thread_id, n.started_at, n.ended_at)
                 for n in timeline.nodes)
    assert got == expected
    untimed = sorted((pos, x["uid"]) for pos, xs in oracle.executions(run_dir).items() for x in xs
                     if x["start"] is None or x["end"] is None)
    assert sorted((u.command_index, u.unique_id) for u in timeline.untimed) == untimed
    threads = {x["thread"] for xs in oracle.executions(run_dir).values() for x in xs if x["start"] and x["end"]}
    assert set(timeline.threads) == threads
    cmds = oracle.commands(run_dir)
    assert [c.command for c in timeline.commands] == [c["command"] for c in cmds]
    gaps = [None] + [(b["start"] - a["end"]).total_seconds() for a, b in zip(cmds, cmds[1:])]
    assert [c.gap_before_seconds for c in timeline.commands] == pytest.approx(gaps)
    info = oracle.run_info(run_dir)
    wall = (oracle.ts(info["endDttm"].replace(" ", "T")) - oracle.ts(info["startDttm"].replace(" ", "T"))).total_seconds()
    assert timeline.wall_seconds == pytest.approx(wall)
    for n in timeline.nodes:
        if n.started_at is not None:
            assert n.duration_seconds == pytest.approx((n.ended_at - n.started_at).total_seconds(), abs=1e-6)
    return timeline


@pytest.mark.parametrize("run_dir", JAFFLE_RUNS, ids=lambda p: p.name)
def test_timeline_matches_raw_on_every_jaffle_run(jaffle, run_dir):
    timeline = _check_timeline(jaffle, "jaffle-daily", run_dir)
    assert not timeline.in_progress
    assert len(timeline.to_frame()) == len(timeline.nodes)


def test_timeline_of_a_retry_run_holds_both_executions(jaffle):
    timeline = jaffle.get_run_timeline("jaffle-daily", 48003)
    runs = [(n.dbt_command, n.status) for n in timeline.nodes if n.name == "int_payments_usd"]
    assert runs == [("run", "error"), ("run", "success")]
    assert any("skipped" in note for note in timeline.notes)


# --- critical path ---------------------------------------------------------------------------


def _check_path(metadata, schedule, run_dir):
    path = metadata.get_critical_path(schedule, _run_id(run_dir))
    expected = oracle.critical_paths(run_dir)
    if not expected:
        assert not path.computable and path.reason
        return path
    assert path.computable
    got: dict[int, list[str]] = {}
    for n in path.nodes:
        got.setdefault(n.command_index, []).append(n.unique_id)
    assert got == expected
    for a, b in zip(path.nodes, path.nodes[1:]):
        if a.command_index == b.command_index:
            assert b.started_at >= a.ended_at or b.waited_for == "command start"
            assert b.waited_on == a.unique_id
    slack = {(s.command_index, s.unique_id): s for s in path.slack}
    assert all(s.slack_seconds >= 0 for s in path.slack)
    assert all(slack[(n.command_index, n.unique_id)].critical for n in path.nodes)
    assert path.path_seconds == pytest.approx(sum(n.duration_seconds for n in path.nodes))
    assert path.path_seconds <= path.wall_seconds
    return path


@pytest.mark.parametrize("run_dir", JAFFLE_RUNS, ids=lambda p: p.name)
def test_critical_path_matches_raw_on_every_jaffle_run(jaffle, run_dir):
    _check_path(jaffle, "jaffle-daily", run_dir)


def test_critical_path_of_the_backfill_run_is_the_backfill(jaffle):
    path = jaffle.get_critical_path("jaffle-daily", 48010)
    slowest = max(path.nodes, key=lambda n: n.duration_seconds)
    assert slowest.name == "customer_order_stats" and slowest.waited_for == "parent"
    assert slowest.share == pytest.approx(slowest.duration_seconds / path.wall_seconds)


@pytest.mark.slow
@pytest.mark.parametrize("run_dir", raw.run_dirs(BIG_2000), ids=lambda p: p.name)
def test_timeline_critical_path_and_replay_match_raw_on_big_2000(big, run_dir):
    _check_timeline(big, "big-2000", run_dir)
    _check_path(big, "big-2000", run_dir)
    _check_replay(big, "big-2000", run_dir)


# --- critical path and slack as networkx longest paths ---------------------------------------
#
# Per command, the graph of what each node waited for is rebuilt from the raw JSON (the
# oracle's statement of dbt's DAG: every executed ancestor, build's test gates) plus each
# node's thread predecessor, keeping the edges that had ended when the node started. A node
# weighs the time from its release (the last such end, or the command's first start) to
# its own end, so the heaviest path from the command's start is the chain that bounded the
# command: networkx's dag_longest_path must be the critical path. A node's slack is the
# command's last end less its own end less the heaviest path after it.

START = "<command start>"


def _longest_paths(timed: dict[str, dict], deps: dict[str, set[str]]) -> tuple[list[str], dict[str, float]]:
    order = sorted(timed.values(), key=lambda x: (x["start"], x["end"]))
    first = oracle.seconds(order[0]["start"])
    end = {x["uid"]: oracle.seconds(x["end"]) for x in order}
    start = {x["uid"]: oracle.seconds(x["start"]) for x in order}
    g = nx.DiGraph()
    g.add_nodes_from(end)
    on_thread: dict[str, str] = {}
    for x in order:
        uid = x["uid"]
        waited = [d for d in deps[uid] if d in timed]
        if x["thread"]:
            if x["thread"] in on_thread:
                waited.append(on_thread[x["thread"]])
            on_thread[x["thread"]] = uid
        g.add_edges_from((d, uid) for d in waited if end[d] <= start[uid] + oracle.TOLERANCE)
    assert nx.is_directed_acyclic_graph(g)
    weight = {}
    for uid in end:
        release = max([first] + [end[p] for p in g.predecessors(uid)])
        weight[uid] = end[uid] - min(release, start[uid])  # a node cannot start before its release
    g.add_edges_from((START, uid) for uid in end)
    for a, b in g.edges:
        g.edges[a, b]["weight"] = weight[b]
    path = nx.dag_longest_path(g, weight="weight")
    assert path[0] == START
    after: dict[str, float] = {}
    for uid in reversed(list(nx.topological_sort(g))):
        after[uid] = max([0.0] + [weight[s] + after[s] for s in g.successors(uid)])
    last = max(end.values())
    return path[1:], {uid: max(0.0, last - end[uid] - after[uid]) for uid in end}


def _check_longest_paths(path, dags: dict[int, tuple[dict, dict]]):
    assert path.computable == bool(dags)
    slack = {(s.command_index, s.unique_id): s.slack_seconds for s in path.slack}
    expected_slack = {}
    for pos, (timed, deps) in dags.items():
        chain, floats = _longest_paths(timed, deps)
        assert [n.unique_id for n in path.nodes if n.command_index == pos] == chain, f"command {pos}"
        expected_slack.update({(pos, uid): s for uid, s in floats.items()})
    assert slack.keys() == expected_slack.keys()
    wrong = {k: (slack[k], v) for k, v in expected_slack.items() if abs(slack[k] - v) > 1e-4}
    assert wrong == {}


@pytest.mark.parametrize("run_dir", JAFFLE_RUNS, ids=lambda p: p.name)
def test_critical_path_and_slack_are_networkx_longest_paths_on_every_jaffle_run(jaffle, run_dir):
    _check_longest_paths(jaffle.get_critical_path("jaffle-daily", _run_id(run_dir)), oracle.run_dags(run_dir))


@pytest.mark.slow
@pytest.mark.parametrize("run_dir", raw.run_dirs(BIG_2000), ids=lambda p: p.name)
def test_critical_path_and_slack_are_networkx_longest_paths_on_big_2000(big, run_dir):
    _check_longest_paths(big.get_critical_path("big-2000", _run_id(run_dir)), oracle.run_dags(run_dir))


@pytest.mark.parametrize("version", sorted(p.name for p in GENERATED.iterdir() if p.is_dir()))
def test_critical_path_and_slack_are_networkx_longest_paths_on_every_dbt_release(version):
    folder = GENERATED / version / "6_build"
    doc = raw.load_json(folder / "run_results.json")
    executions = [{"uid": r["unique_id"], "thread": r.get("thread_id"), "start": oracle.span(r)[0],
                   "end": oracle.span(r)[1], "which": doc["args"].get("which")} for r in doc["results"]]
    dags = oracle.command_dags(raw.manifest_graph_nodes(raw.load_json(folder / "manifest.json")), {1: executions})
    with Paradime.from_path(folder) as client:
        client.metadata.load("6_build", progress=False)
        path = client.metadata.get_critical_path("6_build")
    assert {n.command_index for n in path.nodes} <= {1}
    _check_longest_paths(path, dags)


# --- replay ----------------------------------------------------------------------------------


def _check_replay(metadata, schedule, run_dir):
    if not oracle.critical_paths(run_dir):
        with pytest.raises(RunTimingError):
            metadata.what_if(schedule, {}, _run_id(run_dir))
        return
    result = metadata.what_if(schedule, {}, _run_id(run_dir))
    assert result.real_wall_seconds == pytest.approx(metadata.get_run_timeline(schedule, _run_id(run_dir)).wall_seconds)
    assert abs(result.replayed_wall_seconds - result.real_wall_seconds) <= replay_tolerance(result.real_wall_seconds)
    assert result.within_tolerance and result.estimated_wall_seconds == result.replayed_wall_seconds


@pytest.mark.parametrize("run_dir", JAFFLE_RUNS, ids=lambda p: p.name)
def test_replaying_a_run_unchanged_gives_its_wall_time(jaffle, run_dir):
    _check_replay(jaffle, "jaffle-daily", run_dir)


def test_what_if_moves_the_wall_time_by_the_critical_path(jaffle):
    path = jaffle.get_critical_path("jaffle-daily", 48010)
    backfill = next(n for n in path.nodes if n.name == "customer_order_stats")
    doubled = jaffle.what_if("jaffle-daily", {"customer_order_stats": "2x"}, 48010)
    assert doubled.saving_seconds == pytest.approx(backfill.duration_seconds, abs=0.01)
    assert doubled.changes[0].seconds_after == pytest.approx(2 * backfill.duration_seconds)
    gone = jaffle.what_if("jaffle-daily", {"model.jaffle_shop.customer_order_stats": 0}, 48010)
    assert -backfill.duration_seconds - 0.01 <= gone.saving_seconds < -backfill.duration_seconds + 1.0
    loose = max((s for s in path.slack if s.slack_seconds > 0.05), key=lambda s: s.slack_seconds)
    grown = jaffle.what_if("jaffle-daily", {loose.unique_id: loose.duration_seconds + loose.slack_seconds / 2}, 48010)
    assert grown.saving_seconds == pytest.approx(0.0, abs=0.01)


# --- comparing runs --------------------------------------------------------------------------


def _transition(a, b):
    if b in ERROR and a not in ERROR:
        return "newly failing"
    if a in ERROR and b is not None and b not in ERROR and b != "skipped":
        return "fixed"
    if b == "skipped" and a != "skipped":
        return "newly skipped"
    if b in WARN and a not in WARN:
        return "newly warning"
    return None


def _last_freshness(run_dir):
    return {r["unique_id"]: r["status"] for r in raw.freshness_rows(run_dir)}


def _final_times(run_dir):
    """unique id -> (status, execution_time) of its last result in the run."""
    return {r["unique_id"]: (r["status"], r.get("execution_time")) for _, _, r in raw.executing_results(run_dir)}


def _check_diff(metadata, schedule, da, db):
    diff = metadata.compare_runs(schedule, _run_id(da), _run_id(db))
    fa, fb = raw.final_statuses(da), raw.final_statuses(db)
    expected = {(u, _transition(fa.get(u), fb.get(u))) for u in set(fa) | set(fb)} - {(u, None) for u in set(fa) | set(fb)}
    sa, sb = _last_freshness(da), _last_freshness(db)
    expected |= {(u, _transition(sa.get(u), sb.get(u))) for u in set(sa) | set(sb) if _transition(sa.get(u), sb.get(u))}
    assert {(s.unique_id, s.transition) for s in diff.statuses} == expected
    tests = lambda final: {u for u, s in final.items() if u.split(".")[0] in ("test", "unit_test") and s in ERROR}  # noqa: E731
    assert {t.unique_id for t in diff.new_test_failures} == tests(fb) - tests(fa)
    assert {t.unique_id for t in diff.resolved_test_failures} == {u for u in tests(fa) - tests(fb)
                                                                 if fb.get(u) not in (None, "skipped")}
    ma, mb = oracle.manifest(da), oracle.manifest(db)
    assert {n.unique_id for n in diff.nodes if n.change == "added"} == set(mb) - set(ma)
    assert {n.unique_id for n in diff.nodes if n.change == "removed"} == set(ma) - set(mb)
    checksum = lambda n: n["checksum"].get("checksum") if isinstance(n.get("checksum"), dict) else n.get("checksum")  # noqa: E731
    assert {n.unique_id for n in diff.nodes if "checksum" in n.fields} == {
        u for u in set(ma) & set(mb) if checksum(ma[u]) != checksum(mb[u])}
    config = lambda n, key: (n.get("config") or {}).get(key)  # noqa: E731
    for field, key in (("materialized", "materialized"), ("enabled", "enabled")):
        assert {n.unique_id for n in diff.nodes if field in n.fields} == {
            u for u in set(ma) & set(mb) if config(ma[u], key) != config(mb[u], key)}, field
    # freshness: the last check of each source, its status or its max_loaded_at moved
    la, lb = ({r["unique_id"]: r for r in raw.freshness_rows(d)} for d in (da, db))
    assert {f.unique_id for f in diff.freshness} == {
        u for u in set(la) | set(lb) if (la.get(u) or {}).get("status") != (lb.get(u) or {}).get("status")
        or (la.get(u) or {}).get("max_loaded_at") != (lb.get(u) or {}).get("max_loaded_at")}
    # durations: both runs timed it, neither skipped it, at least 1 s and 20 % apart
    ta, tb = _final_times(da), _final_times(db)
    moved = {}
    for u in set(ta) & set(tb):
        (st_a, a), (st_b, b) = ta[u], tb[u]
        if a is not None and b is not None and "skipped" not in (st_a, st_b) and abs(b - a) >= 1.0 and (
                not a or abs(b - a) / a >= 0.2):
            moved[u] = b - a
    assert {d.unique_id: d.delta_seconds for d in diff.durations} == pytest.approx(moved)
    on_path = {n.unique_id for p in (_run_id(da), _run_id(db)) for n in metadata.get_critical_path(schedule, p).nodes}
    assert {d.unique_id for d in diff.durations if d.on_critical_path} == set(moved) & on_path
    info_a, info_b = oracle.run_info(da), oracle.run_info(db)
    assert (diff.a.git_commit, diff.b.git_commit) == (info_a["gitInfo"]["commitHash"], info_b["gitInfo"]["commitHash"])
    assert diff.b.commands == [c["command"] for c in oracle.commands(db)]
    assert diff.a.commands == [c["command"] for c in oracle.commands(da)]
    wall = {i.name: i for i in diff.wall_time if i.kind == "command"}
    assert sum((i.seconds_b or 0) for i in wall.values()) == pytest.approx(
        sum((c["end"] - c["start"]).total_seconds() for c in oracle.commands(db)))
    assert diff.wall_delta_seconds == pytest.approx(diff.b.wall_seconds - diff.a.wall_seconds)
    assert len(diff.to_frame()) == (len(diff.nodes) + len(diff.statuses) + len(diff.new_test_failures)
                                    + len(diff.resolved_test_failures) + len(diff.freshness) + len(diff.durations))
    return diff


@pytest.mark.parametrize("pair", list(zip(JAFFLE_RUNS, JAFFLE_RUNS[1:])), ids=lambda p: f"{p[0].name}-{p[1].name}")
def test_compare_runs_matches_raw(jaffle, pair):
    _check_diff(jaffle, "jaffle-daily", *pair)


@pytest.mark.slow
def test_compare_runs_matches_raw_on_big_2000(big):
    first, second = raw.run_dirs(BIG_2000)
    diff = _check_diff(big, "big-2000", first, second)
    assert diff.statuses and diff.durations  # the two runs differ in both


def test_compare_runs_names_the_configuration_that_changed(tmp_path):
    target = tmp_path / "runs" / "jaffle-daily"
    target.mkdir(parents=True)
    shutil.copy(JAFFLE / "schedule.json", target / "schedule.json")
    for run_id in (48011, 48012):
        shutil.copytree(JAFFLE / str(run_id), target / str(run_id))
    for path in (target / "48012").rglob("manifest.json"):  # a deployment: orders becomes incremental, retagged
        doc = json.loads(path.read_text())
        node = doc["nodes"]["model.jaffle_shop.orders"]
        node["config"]["materialized"] = "incremental"
        node["config"]["tags"] = node["tags"] = ["marts"]
        path.write_text(json.dumps(doc))
    with Paradime.from_path(tmp_path / "runs") as client:
        client.metadata.load("jaffle-daily", runs=2, progress=False)
        diff = client.metadata.compare_runs("jaffle-daily", 48011, 48012)
    changed = {n.unique_id: n.fields for n in diff.nodes if n.change == "changed"}
    assert {"materialized", "tags"} <= set(changed["model.jaffle_shop.orders"])
    untouched = oracle.manifest(JAFFLE / "48012")
    assert all("materialized" not in fields and "tags" not in fields
               for uid, fields in changed.items() if uid != "model.jaffle_shop.orders" and uid in untouched)


def test_compare_the_passing_and_the_failing_run(jaffle):
    diff = jaffle.compare_runs("jaffle-daily", 48008, 48009)
    failing = raw.final_statuses(JAFFLE / "48009")
    assert [s.name for s in diff.transitions("newly failing")] == ["int_payments_usd"]
    assert failing["model.jaffle_shop.int_payments_usd"] == "error"
    messages = {t.name: t.message for t in diff.resolved_test_failures}
    assert "assert_few_pending_returns" in messages and messages["assert_few_pending_returns"]
    assert diff.a.git_commit != diff.b.git_commit and "commit" in diff.explanation


def test_compare_runs_defaults_to_the_latest_two_finished(jaffle):
    diff = jaffle.compare_runs("jaffle-daily")
    assert (diff.a.run_id, diff.b.run_id) == (48011, 48012)
    backfill = jaffle.compare_runs("jaffle-daily", 48008, 48010)
    slower = {d.name: d for d in backfill.durations}
    assert slower["customer_order_stats"].delta_seconds > 10 and slower["customer_order_stats"].on_critical_path


# --- old dbt releases ----------------------------------------------------------------------


@pytest.mark.parametrize("version", sorted(p.name for p in GENERATED.iterdir() if p.is_dir()))
def test_build_of_every_dbt_release(version):
    folder = GENERATED / version / "6_build"
    doc = raw.load_json(folder / "run_results.json")
    with Paradime.from_path(folder) as client:
        client.metadata.load("6_build", progress=False)
        assert client.store.fetchall("SELECT threads FROM artifacts WHERE kind = 'run_results'") == [
            (doc["args"].get("threads"),)]
        timeline = client.metadata.get_run_timeline("6_build")
        assert len(timeline.nodes) == len(doc["results"])
        path = client.metadata.get_critical_path("6_build")
        timed = [r for r in doc["results"] if all(oracle.span(r))]
        assert path.computable == bool(timed)
        if timed:
            last = max(timed, key=lambda r: oracle.span(r)[1])
            assert path.nodes[-1].unique_id == last["unique_id"]


# --- bad input -------------------------------------------------------------------------------


def test_unknown_run_id_names_the_nearest_stored_runs(jaffle):
    with pytest.raises(RunNotStoredError) as err:
        jaffle.get_run_timeline("jaffle-daily", 48020)
    assert err.value.nearest == [48012, 48011, 48010] and "48012" in str(err.value)
    with pytest.raises(RunNotStoredError) as err:
        jaffle.get_critical_path("jaffle-daily", 47999)
    assert err.value.nearest[0] == 48001
    with pytest.raises(RunNotStoredError):
        jaffle.compare_runs("jaffle-daily", "last", 48012)


def test_what_if_refuses_unknown_nodes_and_values(jaffle):
    with pytest.raises(NodeNotFoundError):
        jaffle.what_if("jaffle-daily", {"no_such_model": 3}, 48010)
    for value in ("fast", -1, float("nan"), float("inf"), True, None, [2], "-2x"):
        with pytest.raises(InvalidArgumentError) as err:
            jaffle.what_if("jaffle-daily", {"orders": value}, 48010)
        message = str(err.value)
        assert "\n" not in message and "'orders'" in message and repr(value) in message
        assert "seconds" in message and "'2x'" in message  # what is allowed
    for changes in (["orders"], "orders=2x", None):
        with pytest.raises(InvalidArgumentError, match="what_if: changes must map node names to seconds"):
            jaffle.what_if("jaffle-daily", changes, 48010)
    for key in (3, "", "  ", None):
        with pytest.raises(InvalidArgumentError, match="what_if: a node to change is named by a non-empty string"):
            jaffle.what_if("jaffle-daily", {key: 2}, 48010)
    # numbers and factors of every spelling the docs give are fine
    assert jaffle.what_if("jaffle-daily", {"orders": 0, "customers": "x0.5", "stg_orders": " 2X "}, 48010).changes


def test_every_forensics_entry_point_refuses_bad_arguments_with_one_line(jaffle):
    calls = [  # (the call, what its one-line message names)
        (lambda: jaffle.get_run_timeline("jaffle-daily", 48010.0), "run_id must be None or a run id"),
        (lambda: jaffle.get_critical_path("jaffle-daily", [48010]), "run_id must be None or a run id"),
        (lambda: jaffle.what_if("jaffle-daily", {}, True), "run_id must be None or a run id"),
        (lambda: jaffle.compare_runs("jaffle-daily", 48008, 4.8), "run_b must be None or a run id"),
        (lambda: jaffle.compare_runs("jaffle-daily", run_b=48009), "run_b given without run_a"),
        (lambda: jaffle.compare_runs("jaffle-daily", 48008, 48009, duration_threshold=-1),
         "duration_threshold must be a number of seconds >= 0, not -1"),
        (lambda: jaffle.compare_runs("jaffle-daily", 48008, 48009, duration_threshold="1s"),
         "duration_threshold must be a number of seconds >= 0, not '1s'"),
    ]
    for call, says in calls:
        with pytest.raises(InvalidArgumentError) as err:
            call()
        assert says in str(err.value) and "\n" not in str(err.value)
    # a run id as NumPy hands it over (a frame's cell) is a run id
    import numpy as np

    assert jaffle.get_critical_path("jaffle-daily", np.int64(48010)).run_id == 48010


def _copy_run(tmp_path, run_id: int, edit) -> Paradime:
    target = tmp_path / "runs" / "jaffle-daily"
    target.mkdir(parents=True)
    shutil.copy(JAFFLE / "schedule.json", target / "schedule.json")
    shutil.copytree(JAFFLE / str(run_id), target / str(run_id))
    edit(target / str(run_id))
    return Paradime.from_path(tmp_path / "runs")


def test_a_run_without_timings_says_so(tmp_path):
    def strip(run_dir):
        for path in run_dir.rglob("run_results.json"):
            doc = json.loads(path.read_text())
            for r in doc["results"]:
                r["timing"] = []
            path.write_text(json.dumps(doc))

    with _copy_run(tmp_path, 48002, strip) as client:
        client.metadata.load("jaffle-daily", progress=False)
        timeline = client.metadata.get_run_timeline("jaffle-daily")
        assert timeline.untimed and all("no timing" in u.reason for u in timeline.untimed)
        assert len(timeline.untimed) == len(timeline.nodes)
        path = client.metadata.get_critical_path("jaffle-daily")
        assert not path.computable and "timings" in path.reason and "cannot be computed" in str(path)
        with pytest.raises(RunTimingError):
            client.metadata.what_if("jaffle-daily", {})


def test_a_run_still_in_progress_is_partial_and_flagged(tmp_path):
    def running(run_dir):
        info = json.loads((run_dir / "run.json").read_text())
        info.update(state="RUNNING", endDttm=None)
        (run_dir / "run.json").write_text(json.dumps(info))
        last = raw.command_dirs(run_dir)[-1]
        command = json.loads((last / "command.json").read_text())
        command.update(returnCode=None, endDttm=None)
        (last / "command.json").write_text(json.dumps(command))
        shutil.rmtree(last / "target")

    with _copy_run(tmp_path, 48002, running) as client:
        client.metadata.load("jaffle-daily", include_running=True, progress=False)
        timeline = client.metadata.get_run_timeline("jaffle-daily")
        assert timeline.in_progress and "partial" in " ".join(timeline.notes)
        assert timeline.commands[-1].running and timeline.wall_seconds is None
        assert len(timeline.nodes) == sum(len(xs) for xs in oracle.executions(JAFFLE / "48002").values())
        path = client.metadata.get_critical_path("jaffle-daily")
        assert path.computable and path.partial
        with pytest.raises(RunTimingError):
            client.metadata.what_if("jaffle-daily", {})
        with pytest.raises(NotLoadedError):
            client.metadata.compare_runs("jaffle-daily")


def test_a_store_written_before_the_threads_column_opens_and_loads(tmp_path):
    from paradime_nb.store import Store

    path = tmp_path / "old.duckdb"
    store = Store(path)
    store.connection.execute("ALTER TABLE artifacts DROP COLUMN threads")
    store.close()
    folder = GENERATED / "dbt-1.0.9" / "6_build"
    with Paradime.from_path(folder, database=path) as client:
        client.metadata.load("6_build", progress=False)
        stored = client.store.fetchall("SELECT threads FROM artifacts WHERE kind = 'run_results'")
        assert client.metadata.get_critical_path("6_build").computable
    assert stored == [(raw.load_json(folder / "run_results.json")["args"]["threads"],)]
