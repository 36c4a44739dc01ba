"""The widgets on their own: the lineage page's layout options by graph size, the legend,
offline pages, the health card's two views, the sortable table's spark bars."""

from __future__ import annotations

import html
import json
import re

from paradime_nb import Paradime
from paradime_nb.notebook.widgets import health_card, lineage_graph, performance_table
from paradime_nb.notebook.widgets.health import HealthReport
from paradime_nb.notebook.widgets.lineage import COLLAPSE_LIMIT, DRAW_LIMIT, PHYSICS_LIMIT, SHAPES


def chain(n: int) -> tuple[list[dict], list[tuple[str, str]]]:
    """A source feeding a line of n - 1 models, healths cycling."""
    healths = ["Healthy", "Warning", "Critical", "Unknown"]
    nodes = [{"unique_id": "source.p.raw.t", "name": "t", "resource_type": "source", "health_status": "Healthy"}]
    nodes += [{"unique_id": f"model.p.m{i}", "name": f"m{i}", "resource_type": "model",
               "health_status": healths[i % 4], "status": "success"} for i in range(1, n)]
    edges = [(nodes[i]["unique_id"], nodes[i + 1]["unique_id"]) for i in range(n - 1)]
    return nodes, edges


def options(graph_html: str) -> dict:
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', graph_html).group(1))
    return json.loads(re.search(r"var options = (\{.*?\});\n", page, re.S).group(1))


def test_physics_only_for_small_graphs_and_layout_left_to_right():
    small = lineage_graph(*chain(50))
    big = lineage_graph(*chain(PHYSICS_LIMIT + 50))
    assert options(small.html)["physics"]["enabled"] is True
    assert options(big.html)["physics"]["enabled"] is False
    for graph in (small, big):
        layout = options(graph.html)["layout"]["hierarchical"]
        assert layout["enabled"] and layout["direction"] == "LR"
    assert (small.node_count, small.edge_count) == (50, 49)


def test_a_big_graph_is_drawn_collapsed_and_says_what_was_collapsed():
    nodes, edges = chain(DRAW_LIMIT + 1)
    for i, n in enumerate(nodes):  # 956 nodes of which a few are not healthy: the case to read
        n["health_status"] = "Critical" if i % 100 == 50 else "Warning" if i % 100 == 75 else "Healthy"
        n["level"] = i // 400
    graph = lineage_graph(nodes, edges, focus=["model.p.m7"])
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', graph.html).group(1))
    drawn = {n["id"]: n for n in json.loads(re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, re.S).group(1))}
    critical = {n["unique_id"] for n in nodes if n["health_status"] in ("Critical", "Warning")}
    assert critical | {"model.p.m7"} <= set(drawn)  # the selected and the not-healthy nodes, one by one
    groups = [n for k, n in drawn.items() if k.startswith("group:")]
    assert groups and sum(int(n["label"].split()[0]) for n in groups) == len(nodes) - len(critical | {"model.p.m7"})
    assert graph.node_count == len(drawn) < COLLAPSE_LIMIT and "collapsed into" in graph.html
    assert len(graph.html) < 1_500_000


def test_legend_names_every_health_and_shape_and_page_is_offline():
    graph = lineage_graph(*chain(5), focus=["model.p.m2"], title="t")
    legend = re.search(r"class='paradime-legend'.*?</div>", graph.html, re.S).group(0)
    for word in ("Critical", "Warning", "Healthy", "Unknown", "model", "source", "seed", "snapshot", "exposure"):
        assert word in legend
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', graph.html).group(1))
    assert not re.search(r"""\bsrc\s*=\s*["']?https?:|<link[^>]+href\s*=\s*["']?https?:""", page)
    assert "vis.Network" in page and 'sandbox="allow-scripts"' in graph.html
    nodes = {n["id"]: n for n in json.loads(re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, re.S).group(1))}
    assert nodes["source.p.raw.t"]["shape"] == SHAPES["source"] and nodes["model.p.m1"]["shape"] == SHAPES["model"]
    assert nodes["model.p.m2"]["borderWidth"] > nodes["model.p.m1"]["borderWidth"]


def test_health_card_is_html_whose_sections_need_no_kernel():
    """No widget model: a saved notebook reopened with a new kernel shows the same card
    (ipywidgets said "model not found" there), sections are ``<details>``."""
    with Paradime.demo() as client:
        client.metadata.load("jaffle-daily", runs=12, progress=False)
        plain = client.metadata.get_health_dashboard("jaffle-daily")
        report = HealthReport.fetch(client.metadata, "jaffle-daily")
    bundle = health_card(report)._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert "Models not healthy" in bundle["text/html"] and "<script" not in bundle["text/html"]
    assert bundle["text/html"].count("<details") == 5 and bundle["text/html"].count("<summary") == 5
    assert "jaffle-daily" in bundle["text/plain"]
    # a dashboard got from Python draws the figures; the lists need the report
    plain_html = health_card(plain)._repr_mimebundle_()["text/html"]
    assert "Models not healthy" not in plain_html and f"{plain.models_total}</span> models" in plain_html


def test_performance_table_sorts_and_draws_bars_offline():
    import pandas as pd

    frame = pd.DataFrame({"name": ["a", "b"], "execution_time": [2.0, 1.0], "change_pct": [50.0, -10.0]})
    table = performance_table(frame, change="change_pct", caption="c")
    assert "new ITable" in table.html and table.html.count("linear-gradient") >= 4
    assert not re.search(r"""\bsrc\s*=\s*["']?https?:|<link[^>]+href\s*=\s*["']?https?:""", table.html)
