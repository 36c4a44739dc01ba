"""Every example notebook, executed in a real kernel of this venv, with its outputs checked
against answers computed here: from the raw demo JSON (tests/raw.py) or from a separate
client in this process. quickstart and lineage are also exported to HTML and opened in
headless Chromium (screenshots in tests/output/)."""

from __future__ import annotations

import ast
import html
import json
import os
import re
from collections import deque
from pathlib import Path

import nbformat
import pytest

from paradime_nb import Paradime
from paradime_nb.testing import runner

from . import notebook_support as ns
from . import raw
from .bolt_support import assert_no_secret, server
from .conftest import OUTPUT, RUNS

DEMO = Path(__file__).resolve().parents[1] / "paradime_nb" / "demo_data" / "runs" / "jaffle-daily"
CHATTER = ("Running query", "Tip: You may define", "Loading configurations", "Found pyproject", "Connecting to")
pytestmark = pytest.mark.slow


def outputs_text(nb: nbformat.NotebookNode) -> str:
    return json.dumps([c.get("outputs", []) for c in nb.cells])


def assert_quiet(nb: nbformat.NotebookNode) -> None:
    assert ns.errors(nb) == []
    text = outputs_text(nb)
    for phrase in CHATTER:
        assert phrase not in text, phrase


# --- the raw demo JSON ----------------------------------------------------------------------


def raw_failed_tests_by_run(schedule_dir: Path) -> list[list[str]]:
    rows = []
    for run_dir in raw.run_dirs(schedule_dir):
        failed = {r["unique_id"] for _pos, _doc, r in raw.executing_results(run_dir)
                  if r["unique_id"].startswith("test.") and r["status"] in ("fail", "error")}
        if failed:
            rows.append([str(json.loads((run_dir / "run.json").read_text())["id"]), str(len(failed))])
    return rows


def raw_graph(schedule_dir: Path) -> tuple[dict[str, dict], set[tuple[str, str]]]:
    """Non-test nodes of the latest manifest, and their depends_on edges."""
    manifest = raw.load_json(raw.latest_file(raw.run_dirs(schedule_dir)[-1], "manifest.json"))
    nodes = {k: v for k, v in raw.manifest_graph_nodes(manifest).items()
             if v["resource_type"] not in ("test", "unit_test")}
    edges = {(p, k) for k, v in nodes.items() for p in (v.get("depends_on") or {}).get("nodes", []) if p in nodes}
    return nodes, edges


def reach(edges: set[tuple[str, str]], start: set[str], direction: str, depth: int | None = None) -> set[str]:
    """Breadth-first walk; the start nodes included."""
    step: dict[str, list[str]] = {}
    for p, c in edges:
        a, b = (p, c) if direction == "down" else (c, p)
        step.setdefault(a, []).append(b)
    seen = {s: 0 for s in start}
    queue = deque(start)
    while queue:
        node = queue.popleft()
        if depth is not None and seen[node] >= depth:
            continue
        for nxt in step.get(node, []):
            if nxt not in seen:
                seen[nxt] = seen[node] + 1
                queue.append(nxt)
    return set(seen)


def graph_nodes(fragment: str) -> dict[str, dict]:
    """The vis-network nodes inside a lineage output (its iframe's srcdoc), by id."""
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', fragment).group(1))
    data = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, re.S).group(1)
    return {n["id"]: n for n in json.loads(data)}


def health_counts(fragment: str) -> dict[str, int]:
    return {m.group(1): int(m.group(2)) for m in re.finditer(
        r"data-health='(\w+)'.*?>(\d+) \1<", fragment, re.S)}


# --- quickstart ----------------------------------------------------------------------------


def test_quickstart(demo, output_dir):
    nb = ns.execute("quickstart.ipynb")
    assert_quiet(nb)
    dashboard = demo.get_health_dashboard("jaffle-daily")

    card = ns.data(nb, "health-card")
    assert set(ns.cell(nb, "health-card").outputs[0]["data"]) == {"text/html", "text/plain"}  # no widget model
    assert health_counts(card) == {h: dashboard.models_by_health.get(h, 0) for h in health_counts(card)}
    assert set(health_counts(card)) == {"Critical", "Warning", "Healthy", "Unknown"}
    assert ns.texts_by_class(card, "paradime-models-total") == [str(dashboard.models_total)]
    assert ns.texts_by_class(card, "paradime-tests-total") == [str(dashboard.tests_total)]
    assert ns.texts_by_class(card, "paradime-test-rate") == [f"{dashboard.test_success_rate:.1f}%"]
    unhealthy = [m.name for m in demo.get_model_health("jaffle-daily") if m.health_status != "Healthy"]
    assert f"Models not healthy ({len(unhealthy)})" in card and all(name in card for name in unhealthy)

    expected = (dashboard.models_by_health, dashboard.tests_by_status, round(dashboard.test_success_rate, 4))
    assert ast.literal_eval(ns.data(nb, "health-object", "text/plain")) == expected

    failing = demo.get_test_results("jaffle-daily", failed_only=True)
    rows = ns.table_rows(ns.data(nb, "failing-tests"))
    assert [r[0] for r in rows[1:]] == [t.unique_id for t in failing]
    history = ns.data(nb, "test-history", "text/plain")
    for test in demo.get_test_history("jaffle-daily"):
        assert (test.name[:40] in history) == bool(test.failures or test.warnings), test.name

    sql = ns.table_rows(ns.data(nb, "sql-rows"))
    assert sql[0] == ["run_id", "failed_tests"]
    assert sql[1:] == raw_failed_tests_by_run(DEMO)
    frame = ns.table_rows(ns.data(nb, "sql-df"))
    assert [r[1] for r in frame[1:]] == sorted(unhealthy)

    page = ns.export_html(nb, "quickstart.html")
    with ns.browser() as browser:
        tab = browser.new_page()
        tab.goto(page.as_uri())
        card_el = tab.locator(".paradime-health-card").first
        card_el.wait_for(state="visible", timeout=15000)
        text = card_el.inner_text()
        tab.screenshot(path=str(output_dir / "quickstart.png"), full_page=True)
        card_el.screenshot(path=str(output_dir / "quickstart_health_card.png"))
    assert "jaffle-daily" in text and "success rate" in text
    for health, count in dashboard.models_by_health.items():
        assert f"{count} {health}" in text
    assert f"{dashboard.test_success_rate:.1f}%" in text


# --- lineage -------------------------------------------------------------------------------


def test_lineage(demo, output_dir):
    nb = ns.execute("lineage.ipynb")
    assert_quiet(nb)
    nodes, edges = raw_graph(DEMO)
    orders, customers, stg_orders = (f"model.jaffle_shop.{n}" for n in ("orders", "customers", "stg_orders"))

    drawn = graph_nodes(ns.data(nb, "lineage-graph"))
    assert set(drawn) == reach(edges, {orders}, "up") | reach(edges, {orders}, "down")
    health = {n.unique_id: n.health_status for n in demo.select_nodes("jaffle-daily", "+orders+")}
    from paradime_nb.notebook.widgets.style import colour

    assert {k: v["color"]["background"] for k, v in drawn.items()} == {k: colour(h) for k, h in health.items()}
    assert {v["shape"] for k, v in drawn.items() if nodes[k]["resource_type"] == "source"} == {"database"}
    assert drawn[orders]["borderWidth"] > drawn[stg_orders]["borderWidth"]
    assert set(graph_nodes(ns.data(nb, "lineage-depth"))) == (reach(edges, {orders}, "up", 1)
                                                               | reach(edges, {orders}, "down", 1))

    upstream = ns.data(nb, "upstream", "text/plain")
    for uid in reach(edges, {customers}, "up") - {customers}:
        assert nodes[uid]["name"] in upstream
    downstream = reach(edges, {stg_orders}, "down")
    exposures = {nodes[u]["name"] for u in downstream if nodes[u]["resource_type"] == "exposure"}
    reached, at_risk = ast.literal_eval(ns.data(nb, "impact-exposures", "text/plain"))
    assert set(reached) == exposures and exposures
    impact = demo.get_downstream_impact("stg_orders", "jaffle-daily")
    assert at_risk == impact.summary.exposures_at_risk
    assert set(graph_nodes(ns.data(nb, "impact-graph"))) == downstream

    finance = {k for k, v in nodes.items() if "finance" in (v.get("tags") or [])}
    assert finance and set(graph_nodes(ns.data(nb, "selector"))) == reach(edges, finance, "up")

    page = ns.export_html(nb, "lineage.html")
    with ns.browser() as browser:
        tab = browser.new_page()
        tab.goto(page.as_uri())
        frames = tab.locator("iframe.paradime-lineage-frame")
        frames.first.wait_for(state="visible", timeout=15000)
        assert frames.count() == 4
        tab.wait_for_timeout(1500)  # vis-network stabilises, then fits the view
        drawn_pixels = []
        for i in range(frames.count()):
            frame = frames.nth(i)
            frame.scroll_into_view_if_needed()
            png = frame.screenshot(path=str(output_dir / f"lineage_graph_{i + 1}.png"))
            drawn_pixels.append(ns.non_blank_pixels(png))
        canvases = [f.evaluate(ns.CANVAS_INK) for f in tab.frames if f.url == "about:srcdoc"]
        # offscreen iframes are not painted: make the viewport the page for the overview shot
        tab.set_viewport_size({"width": 1280, "height": tab.evaluate("document.body.scrollHeight")})
        tab.wait_for_timeout(1000)
        tab.screenshot(path=str(output_dir / "lineage.png"), full_page=True)
    assert all(p > 3000 for p in drawn_pixels), drawn_pixels
    assert len(canvases) == 4 and all(c > 1000 for c in canvases), canvases


# --- performance ---------------------------------------------------------------------------


def test_performance(demo):
    nb = ns.execute("performance.ipynb")
    assert ns.errors(nb) == []
    slowest = demo.get_slowest_models("jaffle-daily", limit=10)
    table = ns.data(nb, "slowest")
    assert "new ITable" in table and "linear-gradient" in table  # sortable, with spark bars
    positions = [table.index(f">{m.name}<") for m in slowest]
    assert positions == sorted(positions)

    perf = demo.get_performance_metrics("jaffle-daily", days=30)
    view = ns.data(nb, "perf")
    assert all(f">{m.name}<" in view for m in perf.models)
    assert all(f">{r.run_id}<" in view for r in perf.runs)
    regressions = [m.name for m in perf.regressions]
    assert f"regressions: {regressions or 'none'}" in ns.cell(nb, "regressions").outputs[0]["text"]
    history = ns.table_rows(ns.data(nb, "history"))
    assert len(history) - 1 == len(demo.get_model_history("orders_daily", "jaffle-daily", last=12))
    assert "image/png" in ns.cell(nb, "sqlplot").outputs[-1]["data"]
    assert "image/png" in ns.cell(nb, "sqlplot-hist").outputs[-1]["data"]


# --- against the (loopback) Paradime API -----------------------------------------------------


def test_paradime_api_notebook(output_dir):
    with server(RUNS) as srv:
        env = {f"PARADIME_{k.upper()}": v for k, v in srv.credentials().items() if v is not None}
        nb = ns.execute("paradime_api.ipynb", env=env)
        assert srv.counts.get("download", 0) > 0  # artifacts really came over HTTP
    assert_quiet(nb)
    assert_no_secret(outputs_text(nb))
    with Paradime.from_path(RUNS) as local:
        local.metadata.load("jaffle-daily", runs=12, progress=False)
        dashboard = local.metadata.get_health_dashboard("jaffle-daily")
    counts = health_counts(ns.data(nb, "health-card"))
    assert counts == {h: dashboard.models_by_health.get(h, 0) for h in counts} and counts
    run_ids = [json.loads((d / "run.json").read_text())["id"] for d in raw.run_dirs(RUNS / "jaffle-daily")]
    latest = sorted(run_ids, reverse=True)[:5]
    assert [int(r[1]) for r in ns.table_rows(ns.data(nb, "runs"))[1:]] == latest
    assert [int(r[0]) for r in ns.table_rows(ns.data(nb, "sql-rows"))[1:]] == latest
    assert "12 run(s) loaded" in ns.data(nb, "status", "text/plain")
    # the load's progress bar closed into a line of text: no output names a closed widget
    # (a front-end drawing it later said "Error displaying widget: model not found")
    load = ns.cell(nb, "load").outputs
    assert not [o for o in load if "application/vnd.jupyter.widget-view+json" in o.get("data", {})], load
    assert "loading jaffle-daily: 12/12 runs" in ns.data(nb, "load", "text/plain")
    nbformat.write(nb, OUTPUT / "paradime_api.executed.ipynb")


# --- the paradime-io SDK's examples -------------------------------------------------------------


def test_sdk_compat_notebook(demo):
    nb = ns.execute("sdk_compat.ipynb")
    assert_quiet(nb)
    dash = demo.get_health_dashboard("jaffle-daily")
    out = "".join(o.get("text", "") for o in ns.cell(nb, "dashboard").outputs)
    assert f"Healthy models: {dash.healthy_models}/{dash.total_models}" in out
    assert f"Test success rate: {dash.test_success_rate:.1f}% of {dash.total_tests} tests" in out
    models = "".join(o.get("text", "") for o in ns.cell(nb, "models").outputs)
    unhealthy = [m for m in demo.get_model_health("jaffle-daily") if m.health_status != "Healthy"]
    assert models.count("\n") == len(unhealthy) and all(f"{m.name}: {m.health_status}" in models for m in unhealthy)
    upstream = "".join(o.get("text", "") for o in ns.cell(nb, "upstream").outputs).splitlines()
    assert sorted(line.strip() for line in upstream) == sorted(
        f"L{d.level}: {d.name} ({d.health_status})" for d in demo.get_upstream_model_health("customers", "jaffle-daily"))
    perf = demo.get_performance_summary("jaffle-daily", days=7)
    assert f"{perf.total_runs} runs in 7 days" in "".join(o.get("text", "") for o in ns.cell(nb, "impact-perf").outputs)
    assert ">critical<" in ns.data(nb, "sql")


def test_a_slow_api_load_leaves_its_bars_as_text_not_closed_widgets(tmp_path):
    """Both bars (downloads, shown after 0.5 s; runs) in a real kernel: each ends as a line of
    text under its display id, so no output refers to a widget model that was closed."""
    source = ("from paradime_nb import Paradime\n"
              "client = Paradime(cache_dir={cache!r}, retries=2)\n"
              "report = client.metadata.load('jaffle-daily', runs=2)")
    with server(RUNS, latency=0.15) as srv:
        env = {f"PARADIME_{k.upper()}": v for k, v in srv.credentials().items() if v is not None}
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source.format(cache=str(tmp_path / "c")))])
        path = tmp_path / "slow.ipynb"
        nbformat.write(nb, path)
        nb = runner.execute_notebook(path, env={**os.environ, **env}, quiet=True, timeout=120)
    outputs = nb.cells[0].outputs
    assert ns.errors(nb) == []
    assert not [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})], outputs
    texts = [o["data"]["text/plain"] for o in outputs if o.get("output_type") == "display_data"]
    assert any(t.startswith("downloading artifacts:") for t in texts), texts
    assert any(t.startswith("loading jaffle-daily: 2/2 runs") for t in texts), texts
