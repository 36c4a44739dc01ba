"""``paradime-nb report``: the HTML file opened from ``file://`` in headless Chromium with the
network off; no request leaves the page, the figures match the oracle, the graph draws."""

from __future__ import annotations

import re

import pytest

from tests import notebook_support as ns
from tests.test_cli import FAILING_RUN, expected, home, read_runs, run_cli, runs_until_failing, unhealthy  # noqa: F401
from tests.test_metadata_oracle import History

pytestmark = pytest.mark.browser
RUNS = 8

_NODE_IDS = "() => network.body.data.nodes.getIds()"
_CANVAS_INK = ns.CANVAS_INK


def test_report_opens_offline_with_the_oracles_figures(home, runs_until_failing, tmp_path, output_dir):  # noqa: F811
    page = tmp_path / "new" / "folder" / "report.html"
    proc = run_cli("report", "--path", str(runs_until_failing), "jaffle-daily", "--runs", str(RUNS), "-o", str(page))
    assert proc.returncode == 0, proc.stderr
    html = page.read_text()
    assert not re.search(r"""(src|href)=["']https?://""", html)  # nothing to fetch, scripts inlined

    schedule = runs_until_failing / "jaffle-daily"
    runs = read_runs(schedule)[-RUNS:]
    history = History(runs)
    graph = history.graph
    models = history.model_health()
    exp = expected(schedule, {r.run_id for r in runs})
    roots = unhealthy(exp) - set(graph.tests())
    drawn = set()
    for root in roots:
        drawn |= set(graph.bfs([root], "up")) | set(graph.bfs([root], "down"))

    requests: list[str] = []
    with ns.browser() as browser:
        browser.set_offline(True)
        browser.on("request", lambda r: requests.append(r.url))
        tab = browser.new_page()
        tab.goto(page.as_uri())
        tab.wait_for_selector("iframe.paradime-lineage-frame", timeout=15000)
        tab.set_viewport_size({"width": 1280, "height": tab.evaluate("document.body.scrollHeight")})
        tab.wait_for_timeout(2500)  # vis-network stabilises, then fits the view
        counts = {e.get_attribute("data-health").lower(): e.inner_text().lower()
                  for e in tab.locator(".paradime-count").all()}
        text = tab.inner_text("body")
        frame = next(f for f in tab.frames if f.url == "about:srcdoc")
        node_ids = set(frame.evaluate(_NODE_IDS))
        ink = frame.evaluate(_CANVAS_INK)
        tab.screenshot(path=str(output_dir / "cli_report.png"), full_page=True)
        tab.locator("iframe.paradime-lineage-frame").screenshot(path=str(output_dir / "cli_report_lineage.png"))

    assert [u for u in requests if not u.startswith(("file://", "data:", "blob:", "about:"))] == []
    assert set(counts) == {"healthy", "warning", "critical", "unknown"}
    for h, shown in counts.items():
        assert shown == f"{sum(v.lower() == h for v in models.values())} {h}"
    for t in history.failing_tests():
        assert graph.nodes[t]["name"] in text  # failing tests, with their messages
        message = history.result[t][0].get("message")
        if message:
            assert message.split("\n")[0][:40] in text
    for uid, (fresh, _run) in history.freshness.items():
        if fresh["status"] in ("warn", "error"):
            assert graph.nodes[uid]["name"] in text
    assert node_ids == drawn and ink > 1000
    assert f"latest run {FAILING_RUN}" in text and "flaky" in text
