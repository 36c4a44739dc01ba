"""notebooks/run_forensics.ipynb executed in a real kernel, its outputs checked against the
raw demo JSON and the API in this process, then exported to HTML and looked at in headless
Chromium (Gantt and diff screenshots in tests/output/); and the Gantt chart past its size
limit, rendered from big-2000's build run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paradime_nb import Paradime
from paradime_nb.notebook.widgets.gantt import BAR_LIMIT, gantt_chart
from paradime_nb.notebook.widgets.style import STATUS_HEALTH, colour

from . import forensics_oracle as oracle
from . import notebook_support as ns
from .conftest import BIG
from .test_notebook_magic import shell, usage_error, value  # noqa: F401  (the magic tests' shell fixture)

DEMO = Path(__file__).resolve().parents[1] / "paradime_nb" / "demo_data" / "runs" / "jaffle-daily"
pytestmark = pytest.mark.slow

_BAR = re.compile(r"<rect class='paradime-gantt-bar( paradime-gantt-path)?'[^>]*fill='([^']+)'[^>]*data-tip=\"([^\"]*)\"")


def _bars(fragment: str) -> list[tuple[bool, str, str]]:
    return [(bool(m.group(1)), m.group(2), m.group(3)) for m in _BAR.finditer(fragment)]


def test_run_forensics_notebook(demo, output_dir):
    nb = ns.execute("run_forensics.ipynb")
    assert ns.errors(nb) == []

    timed = {pos: [x for x in xs if x["start"] and x["end"]] for pos, xs in oracle.executions(DEMO / "48003").items()}
    bars = _bars(ns.data(nb, "timeline-48003"))
    assert len(bars) == sum(len(xs) for xs in timed.values())
    drawn = sorted((tip.split(" ")[0], tip.split("\n")[1].split(" on ")[0]) for _, _, tip in bars)
    names = {uid: node["name"] for uid, node in oracle.manifest(DEMO / "48003").items()}
    assert drawn == sorted((names[x["uid"]], x["status"]) for xs in timed.values() for x in xs)
    assert all(fill == colour(STATUS_HEALTH.get(tip.split("\n")[1].split(" on ")[0])) for _, fill, tip in bars)
    status_of = dict(drawn)
    assert "2 without timing" in ns.data(nb, "timeline-48003")
    assert ns.data(nb, "retry-executions", "text/plain") == "[(4, 'run', 'error'), (5, 'run', 'success')]"

    path = demo.get_critical_path("jaffle-daily", 48003)
    outlined = [tip.split(" ")[0] for on_path, _, tip in _bars(ns.data(nb, "path-48003")) if on_path]
    assert outlined == [n.name for n in path.nodes]
    expected = oracle.critical_paths(DEMO / "48009")
    frame = ns.table_rows(ns.data(nb, "path-48009"))
    names = {uid: node["name"] for uid, node in oracle.manifest(DEMO / "48009").items()}
    chain = [names[uid] for pos in sorted(expected) for uid in expected[pos]]
    assert len(frame) - 1 == len(chain)
    assert all(name.startswith(r[1].removesuffix("...")) for r, name in zip(frame[1:], chain))  # pandas cuts long cells

    what = demo.what_if("jaffle-daily", {"customer_order_stats": 1.0}, run_id=48010)
    assert str(what) in ns.stream_text(nb) and what.within_tolerance

    diff_html = ns.data(nb, "diff")
    diff = demo.compare_runs("jaffle-daily", 48008, 48009)
    assert diff.explanation in diff_html.replace("&gt;", ">")
    failing = ns.table_rows(ns.data(nb, "diff-failing"))
    assert [r[1:] for r in failing[1:]] == [["int_payments_usd", "success", "error"]]

    page = ns.export_html(nb, "run_forensics.html")
    with ns.browser() as browser:
        tab = browser.new_page()
        tab.goto(page.as_uri())
        chart = tab.locator(".paradime-gantt").first
        chart.wait_for(state="visible", timeout=15000)
        chart.screenshot(path=str(output_dir / "run_forensics_gantt.png"))
        assert ns.non_blank_pixels(chart.screenshot()) > 2000
        bar = chart.locator("rect.paradime-gantt-bar").first
        bar.hover(force=True)
        tip = chart.locator(".paradime-gantt-tip")
        assert tip.is_visible() and tip.inner_text().split(" ")[0] in status_of
        chart.locator(".paradime-gantt-cmd").nth(3).click()
        assert "zoom" in chart.locator(".paradime-gantt-zoom").inner_text()
        chart.screenshot(path=str(output_dir / "run_forensics_gantt_zoomed.png"))
        tab.locator(".paradime-gantt").nth(1).screenshot(path=str(output_dir / "run_forensics_critical_path.png"))
        view = tab.locator(".paradime-diff").first
        view.scroll_into_view_if_needed()
        view.screenshot(path=str(output_dir / "run_forensics_diff.png"))
        text = view.inner_text()
        tab.screenshot(path=str(output_dir / "run_forensics.png"), full_page=True)
    assert "newly failing" in text and "int_payments_usd" in text and diff.b.git_commit in text
    for t in diff.resolved_test_failures:
        assert t.name in text


def test_gantt_past_its_size_limit_merges_and_says_so(output_dir):
    with Paradime.from_path(BIG) as client:
        client.metadata.load("big-2000", runs=2, progress=False)
        timeline = client.metadata.get_run_timeline("big-2000", 60001)
        path = client.metadata.get_critical_path("big-2000", 60001)
    timed = [n for n in timeline.nodes if n.started_at is not None]
    assert len(timed) > BAR_LIMIT
    chart = gantt_chart(timeline, highlight={(n.command_index, n.unique_id) for n in path.nodes})
    assert chart.bars == BAR_LIMIT and chart.bars + chart.merged_nodes == len(timed)
    assert f"the {BAR_LIMIT} longest" in chart.html and f"{chart.merged_nodes} shorter ones merged" in chart.html
    bars = _bars(chart.html)
    assert sum(on_path for on_path, _, _ in bars) == len(path.nodes)
    assert len(bars) == BAR_LIMIT
    page = output_dir / "gantt_big_2000.html"
    page.write_text(f"<html><body>{chart.html}</body></html>", encoding="utf-8")
    with ns.browser() as browser:
        tab = browser.new_page()
        tab.goto(page.as_uri())
        el = tab.locator(".paradime-gantt").first
        el.wait_for(state="visible", timeout=15000)
        assert tab.locator("rect.paradime-gantt-merged").count() == chart.blocks
        el.screenshot(path=str(output_dir / "gantt_big_2000.png"))


def test_magic_subcommands_are_thin_calls(shell, capsys, demo):
    value(shell, "%paradime connect --demo")
    value(shell, "%paradime load jaffle-daily --runs 12")
    timeline = value(shell, "%paradime timeline 48003")
    assert type(timeline).__name__ == "RunTimeline" and len(timeline.nodes) == len(demo.get_run_timeline(
        "jaffle-daily", 48003).nodes)
    path = value(shell, "%paradime critical-path 48010")
    assert [n.unique_id for n in path.nodes] == [n.unique_id for n in demo.get_critical_path("jaffle-daily", 48010).nodes]
    assert path.timeline.run_id == 48010
    assert "paradime-gantt-path" in shell.display_formatter.format(path)[0]["text/html"]
    diff = value(shell, "%paradime diff 48008 48009")
    assert (diff.a.run_id, diff.b.run_id) == (48008, 48009)
    assert "paradime-diff" in shell.display_formatter.format(diff)[0]["text/html"]
    latest = value(shell, "%paradime diff")
    assert (latest.a.run_id, latest.b.run_id) == (48011, 48012)
    assert "Nearest stored runs: 48012" in usage_error(shell, "%paradime timeline 48100", capsys)
    assert "at most two" in usage_error(shell, "%paradime diff 48001 48002 48003", capsys)
