"""Lineage and name resolution against the oracle's own BFS over the raw manifest.

Every model, seed, snapshot and source of the latest jaffle manifest is walked up and
down at depth 1, 2 and unlimited (levels compared, tests apart); a few are asked through
the public API, which adds status, health and tests; the big-2000 project is cross-checked
the same way, with its health counts.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter

import pytest

from paradime_nb import Paradime
from paradime_nb.errors import AmbiguousNodeError, NodeNotFoundError
from paradime_nb.metadata import lineage
from tests.conftest import BIG, JAFFLE, PUBLIC, RUNS
from tests.test_metadata_oracle import Graph, History, read_runs

S = "jaffle-daily"
HISTORY = History(read_runs())
GRAPH = HISTORY.graph
WALKABLE = sorted(u for u, n in GRAPH.nodes.items() if n["resource_type"] in ("model", "seed", "snapshot", "source"))


@pytest.fixture(scope="module")
def client():
    with Paradime.from_path(RUNS) as c:
        c.metadata.load(S, runs=100, progress=False)
        yield c


def expected_walk(graph: Graph, uid: str, direction: str, depth: int | None) -> dict[str, int]:
    return graph.bfs([uid], direction, depth)


def expected_tests(graph: Graph, walked: dict[str, int], max_level: int | None) -> dict[str, int]:
    """Tests depending on a walked node: 1 + the nearest such parent's level."""
    out: dict[str, int] = {}
    for t in graph.tests():
        levels = [abs(walked[p]) + 1 for p in graph.parents[t] if p in walked]
        if levels and (max_level is None or min(levels) <= max_level):
            out[t] = min(levels)
    return out


@pytest.mark.parametrize("direction", ["up", "down"])
@pytest.mark.parametrize("depth", [1, 2, None])
def test_walk_levels_for_every_node(client, direction, depth):
    lineage.ensure_graph(client.store, S)
    deepest = 0
    for uid in WALKABLE:
        got = lineage.walk(client.store, S, [uid], direction, depth)
        assert got == expected_walk(GRAPH, uid, direction, depth), uid
        deepest = max(deepest, *got.values())
    assert deepest == depth if depth is not None else deepest >= 3


def test_walk_from_several_nodes_takes_the_nearest(client):
    start = ["model.jaffle_shop.stg_orders", "model.jaffle_shop.orders"]
    assert lineage.walk(client.store, S, start, "down") == GRAPH.bfs(start, "down")
    assert lineage.walk(client.store, S, start, "down", 0) == dict.fromkeys(start, 0)
    assert lineage.walk(client.store, S, [], "down") == {}


def _nodes_of(graph: Graph, walked: dict[str, int], root: str) -> dict[str, int]:
    return {u: lvl for u, lvl in walked.items() if u != root}


API_CASES = [
    ("model.jaffle_shop.stg_payments", "down"), ("stg_orders", "down"), ("int_payments_usd", "down"),
    ("customers", "up"), ("rpt_revenue_summary", "up"), ("jaffle_raw.raw_orders", "down"),
]


@pytest.mark.parametrize("name,direction", API_CASES)
@pytest.mark.parametrize("depth", [1, 2, None])
def test_upstream_and_downstream_through_the_api(client, name, direction, depth):
    uid = name if name in GRAPH.nodes else next(
        u for u, n in GRAPH.nodes.items()
        if (n["name"] == name and n["resource_type"] != "source")
        or f"{n.get('source_name')}.{n['name']}" == name)
    call = client.metadata.get_downstream_impact if direction == "down" else client.metadata.get_upstream_model_health
    result = call(name, S, depth=depth)
    walked = expected_walk(GRAPH, uid, direction, depth)
    assert {n.unique_id: n.level for n in result} == _nodes_of(GRAPH, walked, uid)
    assert result.root == [uid]
    assert all(n.resource_type not in ("test", "unit_test") for n in result)
    tests = expected_tests(GRAPH, walked, depth if direction == "down" else None)
    assert {t.unique_id: t.level for t in result.tests} == tests
    health = {**HISTORY.health(), **HISTORY.downstream_health()}
    for n in result:
        assert n.name == GRAPH.nodes[n.unique_id]["name"]
        assert n.resource_type == GRAPH.rtype(n.unique_id)
        assert n.health_status == health.get(n.unique_id), n.unique_id
        if n.resource_type == "source":
            assert n.status == HISTORY.fresh_status(n.unique_id)
        elif GRAPH.nodes[n.unique_id].get("config", {}).get("materialized") != "ephemeral":
            assert n.status == HISTORY.status(n.unique_id), n.unique_id
    for t in result.tests:
        assert t.status == HISTORY.status(t.unique_id)
    exposures = sorted(GRAPH.nodes[u]["name"] for u in walked if GRAPH.rtype(u) == "exposure")
    assert sorted(result.summary.exposures) == exposures
    assert result.summary.by_health == dict(sorted(Counter(n.health_status or "Unknown" for n in result).items()))


def test_downstream_reaches_the_dashboards(client):
    impact = client.metadata.get_downstream_impact("int_payments_usd", S)
    assert impact.summary.exposures == ["finance_revenue_dashboard"]
    assert "finance_revenue_dashboard" in {n.name for n in impact if n.resource_type == "exposure"}


def test_the_health_of_upstream_shows_an_earlier_failure():
    """With 48001-48004 loaded, stg_payments is critical (failing unique test): customers
    sees it upstream."""
    runs = read_runs()[:4]
    history = History(runs)
    with Paradime.from_path(RUNS) as c:
        c.metadata.load(S, runs=100, progress=False)
        c.store.delete_runs(S, [r.run_id for r in read_runs()[4:]])
        up = c.metadata.get_upstream_model_health("customers", S)
    health = history.health()
    got = {n.unique_id: n.health_status for n in up}
    assert got["model.jaffle_shop.stg_payments"] == health["model.jaffle_shop.stg_payments"] == "Critical"
    assert {u: h for u, h in got.items() if u in health} == {u: health[u] for u in got if u in health}


def test_the_cached_graph_follows_the_latest_manifest():
    """48010 deployed customer_segments: the walk sees it exactly when that manifest is the
    latest stored one, whatever was cached before."""
    later = [r.run_id for r in read_runs() if r.run_id >= 48010]
    with Paradime.from_path(RUNS) as c:
        c.metadata.load(S, runs=100, progress=False)
        names = lambda: {n.name for n in c.metadata.get_downstream_impact("customer_order_stats", S)}  # noqa: E731
        first = names()
        c.store.delete_runs(S, later)
        without = names()
        walked = lineage.walk(c.store, S, ["model.jaffle_shop.customer_order_stats"], "down")
        assert "model.jaffle_shop.customer_segments" not in walked
        c.metadata.load(S, runs=100, progress=False)
        again = names()
    assert "customer_segments" in first and "customer_segments" not in without and "customer_segments" in again


# --- names -------------------------------------------------------------------------------


def test_names_resolve_like_dbt(client):
    m = client.metadata
    by_uid = m.get_upstream_model_health("model.jaffle_shop.orders", S)
    assert [n.unique_id for n in m.get_upstream_model_health("orders", S)] == [n.unique_id for n in by_uid]
    # a bare name means the model/seed; a source is source_name.table_name
    seed = m.get_downstream_impact("raw_orders", S)
    source = m.get_downstream_impact("jaffle_raw.raw_orders", S)
    assert seed.root == ["seed.jaffle_shop.raw_orders"]
    assert source.root == ["source.jaffle_shop.jaffle_raw.raw_orders"]
    assert m.get_downstream_impact("ORDERS", S).root == ["model.jaffle_shop.orders"]


def test_unknown_names_suggest_close_ones(client):
    with pytest.raises(NodeNotFoundError) as err:
        client.metadata.get_upstream_model_health("customer", S)
    assert "customers" in err.value.suggestions
    assert "customer" in str(err.value) and S in str(err.value)
    with pytest.raises(NodeNotFoundError):
        client.metadata.get_model_history("no_such_model_at_all", S)


def test_versioned_models_resolve_to_their_latest_version():
    folder = next(p for p in sorted((PUBLIC / "datacoves__balboa").iterdir()) if p.name.startswith("2026"))
    manifest = json.loads((folder / "manifest.json").read_text())
    versions = {n["version"]: k for k, n in manifest["nodes"].items() if n["name"] == "stg_country_populations"}
    latest = next(n["latest_version"] for n in manifest["nodes"].values() if n["name"] == "stg_country_populations")
    with Paradime.from_path(folder) as c:
        slug = c.metadata.schedules()[0].slug
        assert c.metadata.get_downstream_impact("stg_country_populations", slug).root == [versions[latest]]
        assert c.metadata.get_downstream_impact("stg_country_populations.v3", slug).root == [versions[3]]
        assert c.metadata.get_downstream_impact("stg_country_populations_v1", slug).root == [versions[1]]


def test_ambiguous_names_list_the_candidates(tmp_path):
    """Two packages with a model of the same name (a real manifest, one name changed)."""
    latest = max((p for p in JAFFLE.iterdir() if p.is_dir()), key=lambda p: p.name)
    schedule = tmp_path / "jaffle-daily"
    schedule.mkdir()
    shutil.copy(JAFFLE / "schedule.json", schedule)
    shutil.copytree(latest, schedule / latest.name)
    for path in (schedule / latest.name).rglob("manifest.json"):
        doc = json.loads(path.read_text())
        doc["nodes"]["model.jaffle_utils.utils_calendar"]["name"] = "orders"
        path.write_text(json.dumps(doc))
    with Paradime.from_path(tmp_path) as c:
        with pytest.raises(AmbiguousNodeError) as err:
            c.metadata.get_downstream_impact("orders", S)
        assert err.value.candidates == ["model.jaffle_shop.orders", "model.jaffle_utils.utils_calendar"]
        assert "model.jaffle_utils.utils_calendar" in str(err.value)
        # the unique id still works
        assert c.metadata.get_downstream_impact("model.jaffle_utils.utils_calendar", S).root == [
            "model.jaffle_utils.utils_calendar"]


# --- the big project ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def big():
    folder = BIG / "big-2000"
    history = History(read_runs(folder))
    with Paradime.from_path(folder) as c:
        slug = c.metadata.schedules()[0].slug
        c.metadata.load(slug, runs=10, progress=False)
        yield c, slug, history


def test_big_project_health_matches_an_independent_count(big):
    client, slug, history = big
    got = {m.unique_id: m.health_status for m in client.metadata.get_model_health(slug)}
    expected = history.model_health()
    assert got == expected
    counts = Counter(expected.values())
    assert counts["Critical"] and counts["Warning"] and counts["Healthy"]


def test_big_project_lineage_matches_an_independent_walk(big):
    client, slug, history = big
    graph = history.graph
    rng = random.Random(2000)
    models = sorted(u for u in graph.nodes if graph.rtype(u) == "model")
    sources = sorted(u for u in graph.nodes if graph.rtype(u) == "source")
    sample = rng.sample(models, 12) + rng.sample(sources, 3)
    widest = max(sources, key=lambda u: len(graph.bfs([u], "down")))
    deepest = max(models, key=lambda u: len(graph.bfs([u], "up")))
    for uid in sample + [widest, deepest]:
        for direction in ("up", "down"):
            assert lineage.walk(client.store, slug, [uid], direction) == graph.bfs([uid], direction), (uid, direction)
    impact = client.metadata.get_downstream_impact(widest, slug)
    walked = graph.bfs([widest], "down")
    assert {n.unique_id: n.level for n in impact} == _nodes_of(graph, walked, widest)
    assert {t.unique_id for t in impact.tests} == set(expected_tests(graph, walked, None))
    health = history.health()
    assert all(n.health_status == health[n.unique_id] for n in impact if n.unique_id in health)
    up = client.metadata.get_upstream_model_health(deepest, slug, depth=3)
    assert {n.unique_id: n.level for n in up} == _nodes_of(graph, graph.bfs([deepest], "up", 3), deepest)


def test_lineage_edges_are_the_manifest_edges_among_the_nodes(client):
    """get_lineage_edges: the depends_on pairs among a walk's nodes, from the raw manifest."""
    result = client.metadata.get_downstream_impact("stg_payments", S)
    ids = set(result.unique_ids)
    latest = max(JAFFLE.iterdir(), key=lambda p: p.name if (p / "run.json").is_file() else "")
    manifest = json.loads(next(latest.glob("*docs_generate/target/manifest.json")).read_bytes())
    expected = set()
    for section in ("nodes", "sources", "exposures"):
        for uid, node in manifest[section].items():
            for parent in (node.get("depends_on") or {}).get("nodes") or []:
                if parent in ids and uid in ids:
                    expected.add((parent, uid))
    got = client.metadata.get_lineage_edges(S, result.unique_ids)
    assert expected and set(got) == expected and len(got) == len(expected)
