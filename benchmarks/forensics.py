"""Run forensics on the largest build run: the critical path against reading that run's
results, and the timeline's Gantt chart rendering in Chromium.

Loads the project's build run into a fresh in-memory store, then times, in the same
process (medians after a warm-up):

- ``14.1`` ``get_critical_path`` (the run's spans, its manifest graph, dbt's build DAG with
  test gates, the chain and every node's slack) against the baseline: reading that run's
  rows of ``dbt_run_results`` into a DataFrame (``SELECT *``). Target: within 2x.
- ``14.2`` the Gantt chart of 10,000 node executions (the run's first 10,000 by start),
  from Chromium's navigation start to the chart's script having run and a frame painted,
  on a page holding only the chart. Target: within 2 s. The whole run (every node, merged
  past the bar limit) is measured beside it.

    python benchmarks/forensics.py [--project big-10000] [--repeat 5] [--smoke] [--json PATH]
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

from _common import BIG, JAFFLE, Row, finish, median, parser
from paradime_nb import Paradime
from paradime_nb.notebook.widgets.gantt import gantt_chart

CHROMIUM = Path("/usr/bin/chromium")
NODES = 10_000
_READY = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"


def _median_s(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return median(times)


def _render_s(html: str, repeat: int) -> float:
    """Median seconds from navigation start to the chart initialised and painted."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="pnb-bench-") as tmp, sync_playwright() as pw:
        page_file = Path(tmp) / "gantt.html"
        page_file.write_text(f"<!doctype html><html><body>{html}</body></html>", encoding="utf-8")
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        times = []
        try:
            for i in range(repeat + 1):
                tab = browser.new_page(viewport={"width": 1400, "height": 900})
                tab.goto(page_file.as_uri(), wait_until="load")
                tab.wait_for_selector(".paradime-gantt[data-ready='1']", state="attached")
                painted_ms = tab.evaluate(_READY)
                if i:
                    times.append(painted_ms / 1000)
                tab.close()
        finally:
            browser.close()
    return median(times)


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__)
    p.add_argument("--project", default="big-10000", help="folder under fixtures/big (default: the largest)")
    p.add_argument("--big", type=Path, default=BIG)
    args = p.parse_args(argv)
    project = JAFFLE if args.smoke else args.big / args.project
    if args.smoke:
        args.repeat = 1
    client = Paradime.from_path(project)
    slug = client.metadata.schedules()[0].slug
    t = time.perf_counter()
    client.metadata.load(slug, runs=10, progress=False)
    load_s = time.perf_counter() - t
    store, metadata = client.store, client.metadata
    run_id, results = max(store.fetchall(
        "SELECT run_id, count(*) FROM dbt_run_results WHERE schedule_name = ? GROUP BY run_id", [slug]),
        key=lambda r: r[1])
    key = {"s": slug, "r": run_id}
    rows: list[Row] = []

    path_s = _median_s(lambda: metadata.get_critical_path(slug, run_id), args.repeat)
    read_s = _median_s(lambda: store.query(
        "SELECT * FROM dbt_run_results WHERE schedule_name = $s AND run_id = $r", key), args.repeat)
    path = metadata.get_critical_path(slug, run_id)
    what_s = _median_s(lambda: metadata.what_if(slug, {}, run_id), max(1, args.repeat // 2))
    what = metadata.what_if(slug, {}, run_id)
    rows.append(Row("14.1", f"critical path of run {run_id} ({results:,} results, {project.name})", path_s,
                    "read the run's dbt_run_results (SELECT *, DataFrame)", read_s, target="<= 2x",
                    met=path_s <= 2 * read_s, n=str(args.repeat),
                    note=f"{len(path.nodes)} nodes on the path, {path.path_seconds:.0f} s of {path.wall_seconds:.0f} s; "
                         f"what_if replay {what_s:.2f} s (unchanged: {what.replay_error_seconds:+.2f} s); "
                         f"load {load_s:.1f} s"))

    timeline = metadata.get_run_timeline(slug, run_id)
    timed = [n for n in timeline.nodes if n.started_at is not None]
    first = sorted(timed, key=lambda n: n.offset_seconds)[:NODES]
    sliced = dataclasses.replace(timeline, nodes=type(timeline.nodes)(first, type(first[0])) if first else timeline.nodes)
    build_s = _median_s(lambda: gantt_chart(sliced), args.repeat)
    chart = gantt_chart(sliced)
    whole = gantt_chart(timeline, highlight={(n.command_index, n.unique_id) for n in path.nodes})
    if CHROMIUM.exists():
        render_s = _render_s(chart.html, args.repeat)
        whole_s = _render_s(whole.html, max(1, args.repeat // 2))
        rows.append(Row("14.2", f"Gantt of {len(first):,} node executions rendered in Chromium", render_s,
                        "target", 2.0, target="<= 2 s", met=render_s <= 2.0, n=str(args.repeat),
                        note=f"{chart.bars:,} bars + {chart.blocks:,} merged blocks, {len(chart.html) / 1e6:.1f} MB of HTML "
                             f"built in {build_s:.2f} s; the whole run ({len(timed):,} executions: {whole.bars:,} bars, "
                             f"{whole.blocks:,} blocks) {whole_s:.2f} s"))
    client.close()
    finish(rows, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
