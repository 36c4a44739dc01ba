"""The column lineage API, its storage and its front ends over the real jaffle runs.

Expectations come from the hand-built truth set (tests/column_truth.py) walked here with a
plain BFS, and from the raw manifest JSON (health from the model-level API), never from the
code under test.
"""

from __future__ import annotations

import html
import json
import re
from collections import deque

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing.globalipapp import start_ipython

from paradime_nb import Paradime
from paradime_nb.errors import ColumnNotFoundError, NodeNotFoundError, StoreError
from tests import notebook_support as ns
from tests import raw
from tests.column_truth import EDGES
from tests.conftest import JAFFLE, RUNS

M = "model.jaffle_shop."
SCHEDULE = "jaffle-daily"


@pytest.fixture(scope="module")
def client():
    c = Paradime.from_path(RUNS)
    c.metadata.load(SCHEDULE, runs=100, progress=False)
    yield c
    c.close()


def _truth_walk(start: tuple[str, str], direction: str, depth: int | None = None) -> dict[tuple, int]:
    """(node, column) -> level over the truth set: value edges followed, filter edges one hop
    (upstream: the filter columns of every node reached; downstream: the node's rows)."""
    value = [e for e in EDGES if e[3] is not None]
    filters = [e for e in EDGES if e[3] is None]
    levels = {start: 0}
    queue = deque([start])
    while queue:
        item = queue.popleft()
        level = levels[item]
        if depth is not None and level >= depth:
            continue
        if direction == "up":
            nxt = [((s, sc), True) for s, sc, t, tc, _k, _w in value if (t, tc) == item]
            nxt += [((s, sc), False) for s, sc, t, _tc, _k, _w in filters if t == item[0]]
        else:
            nxt = [((t, tc), True) for s, sc, t, tc, _k, _w in value if (s, sc) == item]
            nxt += [((t, None), False) for s, sc, t, _tc, _k, _w in filters if (s, sc) == item]
        for target, follow in nxt:
            if target not in levels:
                levels[target] = level + 1
                if follow:
                    queue.append(target)
    return levels


@pytest.mark.parametrize("column, direction, depth", [
    ("rpt_revenue_summary.revenue_usd", "up", None),
    ("customers.customer_lifetime_value", "up", None),
    ("orders.amount", "up", 1),
    ("stg_payments.amount", "down", None),
    ("stg_orders.status", "down", None),
    ("stg_payments.amount", "down", 2),
])
def test_walk_matches_the_truth_set(client, column, direction, depth):
    result = client.metadata.get_column_lineage(column, SCHEDULE, direction=direction, depth=depth)
    node, col = column.split(".")
    expected = _truth_walk((M + node, col), direction, depth)
    got = {(c.unique_id, c.column): c.level for c in result if c.resource_type != "exposure"}
    assert got == expected
    assert result.root == (node, col) and result.root_id == M + node
    reached_nodes = {u for u, _c in expected}
    truth_edges = {(s, sc, t, tc, k) for s, sc, t, tc, k, _w in EDGES if (s, sc) in expected
                   and ((t, tc) in expected if tc is not None else
                        ((t, None) in expected if direction == "down" else t in reached_nodes))}
    assert {(e.source_id, e.source_column, e.target_id, e.target_column, e.kind) for e in result.edges} == truth_edges


def test_columns_carry_node_health_and_exposures(client):
    result = client.metadata.get_column_lineage("stg_payments.amount", SCHEDULE, direction="down")
    health = {n.unique_id: n.health_status for n in client.metadata.get_downstream_impact("stg_payments", SCHEDULE)}
    health[M + "stg_payments"] = next(m.health_status for m in client.metadata.get_model_health(SCHEDULE)
                                      if m.unique_id == M + "stg_payments")
    for c in result:
        assert c.health_status == health[c.unique_id], c
    manifest = raw.load_json(raw.latest_file(JAFFLE / "48012", "manifest.json"))
    readers = {}
    for uid, exposure in manifest["exposures"].items():
        for parent in exposure["depends_on"]["nodes"]:
            readers.setdefault(parent, set()).add(exposure["name"])
    reached = {c.unique_id for c in result}
    for c in result:
        if c.resource_type != "exposure":
            assert set(c.exposures) == readers.get(c.unique_id, set())
    expected = sorted({e for uid in reached for e in readers.get(uid, ())})
    assert sorted(result.summary.exposures) == expected and expected


def test_impact_summarises_models_and_exposures(client):
    impact = client.metadata.get_column_impact("stg_payments.amount", SCHEDULE)
    walk = _truth_walk((M + "stg_payments", "amount"), "down")
    models = {uid for uid, _c in walk} - {M + "stg_payments"}
    assert set(impact.models) == models
    assert impact.columns == sum(1 for (_u, c), lvl in walk.items() if c and lvl > 0)
    assert sum(impact.by_health.values()) == len(models)
    assert set(impact.exposures) == {"customer_churn_model", "finance_revenue_dashboard"}
    assert not impact.stopped


def test_names_ids_and_tuples_mean_the_same_column(client):
    a = client.metadata.get_column_lineage("stg_orders.order_id", SCHEDULE)
    b = client.metadata.get_column_lineage(M + "stg_orders.order_id", SCHEDULE)
    c = client.metadata.get_column_lineage(("stg_orders", "ORDER_ID"), SCHEDULE)
    assert [(x.unique_id, x.column) for x in a] == [(x.unique_id, x.column) for x in b] == \
        [(x.unique_id, x.column) for x in c]
    src = client.metadata.get_column_lineage("jaffle_raw.raw_orders.id", SCHEDULE, direction="down")
    assert (M + "stg_orders", "order_id") in {(x.unique_id, x.column) for x in src}


@pytest.mark.parametrize("bad, error, words", [
    ("stg_payments.amout", ColumnNotFoundError, "did you mean: amount"),
    ("stg_payments", ColumnNotFoundError, "node.column"),
    ("nope.amount", NodeNotFoundError, "nope"),
    (("stg_payments",), ColumnNotFoundError, "(node, column)"),
])
def test_bad_columns_are_typed_errors(client, bad, error, words):
    with pytest.raises(error) as info:
        client.metadata.get_column_lineage(bad, SCHEDULE)
    assert words in str(info.value)


def test_bad_direction_and_depth(client):
    with pytest.raises(ValueError):
        client.metadata.get_column_lineage("orders.amount", SCHEDULE, direction="sideways")
    with pytest.raises(ValueError):
        client.metadata.get_column_lineage("orders.amount", SCHEDULE, depth=-1)


def test_derived_once_per_distinct_manifest_through_the_store():
    c = Paradime.from_path(RUNS)
    try:
        c.metadata.load(SCHEDULE, runs=100, progress=False)
        store = c.store
        assert store.fetchall("SELECT count(*) FROM column_lineage_manifests")[0][0] == 0  # lazily
        generation = store.generation
        c.metadata.get_column_lineage("orders.amount", SCHEDULE)
        assert store.generation == generation + 1  # a write like a load: caches follow
        counts = store.fetchall("SELECT (SELECT count(*) FROM column_lineage_manifests), "
                                "(SELECT count(*) FROM column_lineage_edges)")[0]
        c.metadata.get_column_lineage("customers.customer_id", SCHEDULE, direction="down")
        assert store.generation == generation + 1  # stored: nothing derived again
        assert store.fetchall("SELECT (SELECT count(*) FROM column_lineage_manifests), "
                              "(SELECT count(*) FROM column_lineage_edges)")[0] == counts
        from paradime_nb.store.column_lineage import ensure_column_lineage

        # another run whose manifest reads the same shares the derivation
        keys = {ensure_column_lineage(store, SCHEDULE, r) for (r,) in store.fetchall("SELECT run_id FROM runs")}
        assert store.fetchall("SELECT count(DISTINCT lineage_key) FROM column_lineage_runs")[0][0] == len(keys)
        assert len(keys) < store.fetchall("SELECT count(*) FROM runs")[0][0]
        from paradime_nb.store.integrity import check_integrity

        assert check_integrity(store) == []
        assert store.delete_runs(SCHEDULE) > 0
        assert store.fetchall("SELECT count(*) FROM column_lineage_runs")[0][0] == 0
    finally:
        c.close()


def test_load_can_derive_at_once_and_a_read_only_store_says_why(tmp_path):
    path = tmp_path / "s.duckdb"
    c = Paradime.from_path(RUNS, database=path)
    c.metadata.load(SCHEDULE, runs=1, progress=False, column_lineage=True)
    assert c.store.fetchall("SELECT count(*) FROM column_lineage_runs")[0][0] == 1
    c.close()
    c = Paradime.from_path(RUNS, database=path)  # persisted: found, not derived again
    generation = c.store.generation
    c.metadata.get_column_lineage("orders.amount", SCHEDULE)
    assert c.store.generation == generation
    c.close()
    from paradime_nb.store import Store

    store = Store(tmp_path / "s.duckdb", read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        store.write_derived([], {})
    store.close()


def test_compiled_code_and_declared_columns_are_stored_as_the_manifest_has_them(client):
    for run_dir in raw.run_dirs(JAFFLE):
        manifest = raw.load_json(raw.latest_file(run_dir, "manifest.json"))
        run_id = int(run_dir.name)
        nodes = {**manifest["nodes"], **manifest.get("sources", {})}
        relations = {u: n for u, n in nodes.items() if n["resource_type"] in ("model", "snapshot", "seed", "source")}
        declared = sum(len(n.get("columns") or {}) for n in relations.values())
        got = client.store.fetchall("SELECT count(*) FROM manifest_columns WHERE run_id = ?", [run_id])[0][0]
        assert got == declared
        with_code = {u for u, n in relations.items() if (n.get("compiled_code") or "").strip()}
        stored = {r[0] for r in client.store.fetchall(
            "SELECT unique_id FROM manifest_nodes WHERE run_id = ? AND compiled_code IS NOT NULL", [run_id])}
        assert with_code <= stored  # and codes of earlier commands of the run fill the rest
        adapter = client.store.fetchall("SELECT DISTINCT adapter_type FROM artifacts WHERE run_id = ? "
                                        "AND kind = 'manifest'", [run_id])
        assert adapter == [(manifest["metadata"]["adapter_type"],)]


# --- the magic and the widget -------------------------------------------------------------


@pytest.fixture()
def shell(monkeypatch, tmp_path):
    for name in ("API_ENDPOINT", "API_KEY", "API_SECRET", "WORKSPACE_UID"):
        monkeypatch.delenv(f"PARADIME_{name}", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    start_ipython()
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "paradime_nb")
    ip.run_line_magic("paradime", f"connect --path {RUNS}")
    ip.run_line_magic("paradime", f"load {SCHEDULE} --runs 3")
    yield ip
    ip.run_line_magic("unload_ext", "paradime_nb")


def _vis(fragment: str, name: str) -> list[dict]:
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', fragment).group(1))
    return json.loads(re.search(rf"{name} = new vis\.DataSet\((\[.*?\])\);", page, re.S).group(1))


def test_magic_is_the_api_and_draws_columns_in_their_nodes(shell, client, output_dir):
    result = shell.run_line_magic("paradime", "columns rpt_revenue_summary.revenue_usd")
    api = client.metadata.get_column_lineage("rpt_revenue_summary.revenue_usd", SCHEDULE)
    assert [(c.unique_id, c.column, c.level, c.kind) for c in result] == \
        [(c.unique_id, c.column, c.level, c.kind) for c in api]
    down = shell.run_line_magic("paradime", "columns stg_payments.amount --down --depth 1")
    assert {c.level for c in down} == {0, 1} and down.direction == "downstream"
    with pytest.raises(UsageError, match="amout"):
        shell.run_line_magic("paradime", "columns stg_payments.amout")
    shown = shell.run_line_magic("paradime", "columns stg_payments.amount --down")
    fragment = shell.display_formatter.format(shown)[0]["text/html"]  # what the notebook shows
    drawn = {n["id"]: n for n in _vis(fragment, "nodes")}
    from paradime_nb.notebook.widgets.style import colour

    for c in shown:
        assert c.unique_id in drawn  # every node is a header ...
        assert drawn[c.unique_id]["color"]["background"] == colour(c.health_status)
        if c.column:  # ... with its columns right below it, in the same lane
            col = drawn[f"{c.unique_id}\x00{c.column}"]
            assert col["x"] == drawn[c.unique_id]["x"] and col["y"] > drawn[c.unique_id]["y"]
    edges = {(e["from"], e["to"]) for e in _vis(fragment, "edges") if not str(e["to"]).startswith("exposure.")}
    assert edges == {(f"{e.source_id}\x00{e.source_column}",
                      e.target_id if e.target_column is None else f"{e.target_id}\x00{e.target_column}")
                     for e in shown.edges}
    page = output_dir / "column_lineage.html"
    page.write_text(f"<html><body>{fragment}</body></html>", encoding="utf-8")
    with ns.browser() as browser:
        tab = browser.new_page()
        tab.goto(page.as_uri())
        frame = tab.locator("iframe.paradime-column-frame")
        frame.wait_for(state="visible", timeout=15000)
        tab.wait_for_timeout(1000)
        png = frame.screenshot(path=str(output_dir / "column_lineage.png"))
        ink = [f.evaluate(ns.CANVAS_INK) for f in tab.frames if f.url == "about:srcdoc"]
    assert ns.non_blank_pixels(png) > 3000 and ink and ink[0] > 1000



def test_a_store_file_of_the_schema_before_column_lineage_opens_and_loads(tmp_path):
    """The tables and the column are added to an existing file (CREATE / ALTER ... IF NOT
    EXISTS): a store written before them opens, loads and answers."""
    import duckdb

    from paradime_nb.store import Store

    path = tmp_path / "old.duckdb"
    Store(path).close()
    from tests.test_store_versions import _downgrade_to_v2  # noqa: PLC0415

    _downgrade_to_v2(path)  # the schema v2 these tables were added to
    con = duckdb.connect(str(path))
    for table in ("manifest_columns", "column_lineage_runs", "column_lineage_manifests",
                  "column_lineage_edges", "column_lineage_status"):
        con.execute(f"DROP TABLE {table}")
    con.execute("ALTER TABLE artifacts DROP COLUMN adapter_type")
    con.close()
    c = Paradime.from_path(RUNS, database=path)
    try:
        c.metadata.load(SCHEDULE, runs=1, progress=False)
        result = c.metadata.get_column_lineage("orders.amount", SCHEDULE)
        assert (M + "int_order_payments", "total_amount") in {(x.unique_id, x.column) for x in result}
    finally:
        c.close()
