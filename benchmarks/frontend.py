"""The notebooks in the real front-ends: output sizes and the page's main-thread cost.

Starts one Jupyter server (JupyterLab 4 and Notebook 7, loopback, no token) and headless
Debian Chromium, runs each example notebook in each UI, and records per notebook: the
longest main-thread task after run-all started (Long Tasks API), the total blocked time,
the largest output and the size of the saved notebook. The baseline, measured in the
same run, is the same notebook with every widget replaced by a plain
``DataFrame._repr_html_`` table. A scale notebook adds a 2,000-node health card, a
~300-node lineage (big-2000) and a 10,000-row test table (big-10000).

    python benchmarks/frontend.py --label after [--code DIR] [--ui lab,notebook] [--json PATH]
    python benchmarks/frontend.py --results before.json[,more.json] after.json[,more.json] ...   # RESULTS.md

Each ``--results`` set is one label's runs; a notebook measured more than once in a set
shows the median (and range) of its longest task. Each row records the load average.

``--code DIR`` puts another checkout's ``paradime_nb`` first on the kernel's path (how
the "before" figures were taken from the commit before the change).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import frontend_notebooks as fn  # noqa: E402
from tests import frontend_support as fs  # noqa: E402

BIG = ROOT.parent / "shared" / "fixtures" / "big"
RUNS = ROOT.parent / "shared" / "fixtures" / "runs"
DEMO = ("quickstart.ipynb", "lineage.ipynb", "performance.ipynb", "paradime_api.ipynb", "run_forensics.ipynb",
        "quality.ipynb", "sdk_compat.ipynb")
BEGIN, END = "<!-- frontend:begin -->", "<!-- frontend:end -->"


def measure(browser, server, ui: str, name: str) -> dict:
    load = os.getloadavg()[0]
    run = fs.open_notebook(browser, server, ui, name)
    fs.run_all(run)
    fs.save(run)
    saved = fs.saved_notebook(server, name)
    sizes, libraries = fs.output_sizes(saved, libraries=False), fs.output_sizes(saved, libraries=True)
    figures = {
        "ui": ui, "notebook": name, "load": round(load, 2), "run_seconds": round(run.run_seconds, 2),
        "longest_task": round(run.longest_task, 3), "blocked": round(run.blocked, 3),
        "long_tasks": len(run.longtasks), "largest_output": max(sizes, default=0), "outputs": len(sizes),
        "library_outputs": libraries,
        "notebook_bytes": (server.root / name).stat().st_size, "problems": fs.output_problems(run.page),
        "console_errors": run.our_errors()[:5],
    }
    fs.close(run, server)
    print(json.dumps(figures), flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="after")
    parser.add_argument("--code", type=Path, help="a checkout whose paradime_nb the kernels import")
    parser.add_argument("--ui", default="lab,notebook")
    parser.add_argument("--only", default="", help="comma-separated notebook names")
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--results", nargs="+", metavar="RUNS",
                        help="sets of runs (comma-separated JSON files each, one label): the RESULTS.md table")
    args = parser.parse_args()
    if args.results:
        write_results(*args.results)
        return
    from paradime_nb.testing import LoopbackServer

    root = Path(tempfile.mkdtemp(prefix="pnb-frontend-bench-"))
    names = [n for n in DEMO if not args.only or n in args.only.split(",")]
    for name in names:
        nb = json.loads((ROOT / "notebooks" / name).read_text())
        (root / name).write_text(json.dumps(nb))
        if fn.has_plain_variant(nb):  # sdk_compat uses no magic and no widget: no baseline
            (root / f"plain_{name}").write_text(json.dumps(fn.plain_variant(nb)))
    scale = [] if args.no_scale else ["scale.ipynb", "plain_scale.ipynb"]
    if scale:
        nb = fn.scale_notebook(BIG)
        (root / "scale.ipynb").write_text(json.dumps(nb))
        (root / "plain_scale.ipynb").write_text(json.dumps(fn.plain_variant(nb)))
    env = {"PARADIME_NB_CACHE_DIR": str(root / ".cache")}
    if args.code:
        env["PYTHONPATH"] = str(args.code.resolve())
    started = time.time()
    rows = []
    with LoopbackServer(RUNS, api_key="k", api_secret="s") as api:
        env.update({f"PARADIME_{k.upper()}": v for k, v in api.credentials().items() if v is not None})
        with fs.jupyter_server(root, env) as server, fs.chromium() as browser:
            for ui in args.ui.split(","):
                for name in [*names, *scale]:
                    variants = [v for v in (name, f"plain_{name}") if (root / v).exists()]
                    for variant in variants if not name.startswith("plain_") else ():
                        try:
                            rows.append({**measure(browser, server, ui, variant), "label": args.label})
                        except Exception as exc:  # one notebook's failure is a figure, not the end
                            rows.append({"ui": ui, "notebook": variant, "label": args.label, "error": str(exc)[:500]})
                            print(f"{ui} {variant}: {exc}", file=sys.stderr, flush=True)
    out = {"label": args.label, "seconds": round(time.time() - started), "rows": rows,
           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    shutil.rmtree(root, ignore_errors=True)


# Written by hand from the profiles taken while fixing (Chrome's CPU profiler over run-all).
ANALYSIS = [
    "What froze the page, and what was changed:",
    "",
    "- **The health card (20-60 s per card, no script in it at all).** JupyterLab's table of contents "
    "runs its HTML sanitizer over every `text/html` output; the card's `font-family` list held "
    "`'Segoe UI'` inside a single-quoted `style` attribute, which cut the attribute at "
    "`BlinkMacSystemFont,` and sanitize-html's font-family regex backtracks exponentially on that "
    "truncated list. `FONT` now has no quotes (`system-ui` first); a test parses every widget's "
    "attributes.",
    "- **Tables and graphs (about 1 MB per output).** Each inlined DataTables (itables' offline bundle, "
    "base64) or vis-network (inside the iframe's `srcdoc`, HTML-escaped) and the sanitizer and the "
    "page parsed it every time. Now one output per library and kernel session carries it "
    "(gzip + base64: 256 KB DataTables, 166 KB vis-network); lineage iframes receive vis-network by "
    "`postMessage`; tables wait for itables' module.",
    "- **Long result lists.** IPython's own text/plain printer put up to 1,000 record reprs in each "
    "output (0.6 MB for 10,000 test results); lists now print 20 rows and the count, and lists over 50 "
    "rows are a kernel-paged table (one page in the DOM).",
    "- **Widget models that outlive nothing.** The health card was an ipywidgets accordion and a load's "
    "progress bar a tqdm widget closed when done: a bar closed before Notebook 7 drew it, and every card "
    "and bar in a notebook reopened with a new kernel, said \"Error displaying widget: model not found\". "
    "The card is HTML (`<details>`), the bars HTML updated under a display id that end as a line of "
    "text; the harness asserts no \"model not found\" on the page, also after a reopen with a new kernel.",
    "",
    "Targets: the per-output limit (150 KB) is met by every widget output; the library outputs are "
    "listed apart (one per library, not per output). performance.ipynb executed is 0.42 MB (< 1 MB). "
    "\"after\" was measured with the load average near 20 (seven test suites at once), where the "
    "plain-table baseline itself shows 0.1-0.36 s tasks and ours 0.5-0.8 s; \"after, quieter\" is the "
    "median of three runs at load 2-12 (other helpers' suites still running): every notebook's median longest "
    "task is 0.05-0.15 s in both front-ends, within about 0.1 s of its plain twin; single runs reach "
    "0.36 s, with one outlier (quality.ipynb, 0.77 s at load 9.7; its other runs 0.14 s). After these runs each table waiting "
    "for DataTables resumes in a task of its own (before, the library's ready event ran every waiting "
    "table's init in one task). The scale page (2,000-model card, 308-node lineage, 10,000 rows) stays "
    "well under 1 s. Before the change, two pages never had 2 s without a long task within 60 s "
    "(recorded as frozen). run_forensics, quality and sdk_compat have no before figures (not in the "
    "harness then).",
]


def _kb(n: int | None) -> str:
    return "-" if n is None else f"{n / 1000:,.0f} KB"


def _s(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f} s"


def _load(paths: str) -> dict:
    """One set of runs (comma-separated JSON files, one label): a row per (UI, notebook),
    the median of its longest task and blocked time when it was measured more than once."""
    parts = [json.loads(Path(p).read_text()) for p in paths.split(",")]
    grouped: dict[tuple[str, str], list[dict]] = {}
    for p in parts:
        for r in p["rows"]:
            grouped.setdefault((r["ui"], r["notebook"]), []).append(r)
    rows = []
    for runs in grouped.values():
        good = [r for r in runs if "error" not in r]
        if not good:
            rows.append({**runs[0], "n": len(runs)})
            continue
        row = {**good[-1], "n": len(good), "errors": len(runs) - len(good)}
        for key in ("longest_task", "blocked"):
            row[key] = statistics.median(r[key] for r in good)
            row[f"{key}_range"] = (min(r[key] for r in good), max(r[key] for r in good))
        rows.append(row)
    loads = [x for p in parts for x in p.get("load_range", [])] + [r["load"] for p in parts for r in p["rows"] if "load" in r]
    return {"label": parts[0]["label"], "date": parts[0]["date"], "seconds": sum(p["seconds"] for p in parts),
            "rows": rows, "runs": max((len(v) for v in grouped.values()), default=0),
            "load": (min(loads), max(loads)) if loads else None}


def write_results(*sets: str, results: Path = ROOT / "benchmarks" / "RESULTS.md") -> None:
    """Replace the front-end section of RESULTS.md with one table over the sets of runs
    (each: comma-separated JSON files of one label, e.g. before, after under load, after quiet)."""
    data = [_load(paths) for paths in sets]
    index = {(d["label"], r["ui"], r["notebook"]): r for d in data for r in d["rows"]}
    described = "; ".join(
        f"{d['label']}: {d['date']}, {d['runs']} run(s) of each notebook"
        + (f", load average {d['load'][0]:.1f}-{d['load'][1]:.1f}" if d["load"] else "") for d in data)
    lines = [BEGIN, "## Front-end: JupyterLab 4 and Notebook 7 (`benchmarks/frontend.py`)", "",
             f"{described}. Headless Debian Chromium, one Jupyter server, each notebook run all in its own page. "
             "Longest task: the longest main-thread task (Long Tasks API) from run-all until 2 s without one "
             "(the median over the runs, their range in brackets); blocked: their sum (median). Plain: the same "
             "notebook with the widgets replaced by `DataFrame._repr_html_` tables, in the same runs; "
             "ratio = our longest task / plain's (0.00 s: no task over the API's 50 ms). The load average is the "
             "machine's (2 cores, shared with other test suites) when each notebook started.", "",
             "Largest output: of the widget outputs; the library outputs (one per library and kernel "
             "session, gzip + base64) are listed apart.", "",
             "| UI | notebook | | longest task | plain | ratio | blocked | largest output | plain | library outputs "
             "| notebook file | target |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for d in data:
        label = d["label"]
        for r in d["rows"]:
            if r["notebook"].startswith("plain_"):
                continue
            plain = index.get((label, r["ui"], f"plain_{r['notebook']}"), {})
            if "error" in r:
                why = "page frozen: no 2 s without a long task within 60 s" if "60000ms" in r["error"] else r["error"][:80]
                lines.append(f"| {r['ui']} | {r['notebook']} | {label} | {why} | {_s(plain.get('longest_task'))} "
                             f"| | | | {_kb(plain.get('largest_output'))} | | | **missed** |")
                continue
            ratio = (f"{r['longest_task'] / plain['longest_task']:.1f}" if plain.get("longest_task") else "-")
            scale = r["notebook"] == "scale.ipynb"
            task_target = 1.0 if scale else 0.5
            met = r["longest_task"] < task_target and (scale or r["largest_output"] <= 150_000)
            if r["notebook"] == "performance.ipynb":
                met = met and r["notebook_bytes"] < 1_000_000
            target = (f"task < {task_target:g} s" + ("" if scale else ", output <= 150 KB")
                      + (", file < 1 MB" if r["notebook"] == "performance.ipynb" else ""))
            if r["ui"] != "lab":
                target, met = "(measured, targets are for JupyterLab)", None
            verdict = "" if met is None else (" met" if met else " **missed**")
            task = _s(r["longest_task"])
            if r.get("n", 1) > 1:
                low, high = r["longest_task_range"]
                task += f" ({low:.2f}-{high:.2f})"
            lines.append(f"| {r['ui']} | {r['notebook']} | {label} | {task} | "
                         f"{_s(plain.get('longest_task'))} | {ratio} | {_s(r['blocked'])} | "
                         f"{_kb(r['largest_output'])} | {_kb(plain.get('largest_output'))} | "
                         f"{', '.join(_kb(b) for b in r.get('library_outputs', [])) or '-'} | "
                         f"{_kb(r['notebook_bytes'])} | {target}{verdict} |")
    lines += ["", "scale.ipynb: big-2000's health card (2,000 models), a 308-node lineage "
              "(`+dim_risk__sessions_237`) and 10,000 test results of big-10000 (a kernel-paged table).", ""]
    lines += ANALYSIS + [END]
    text = results.read_text()
    section = "\n".join(lines) + "\n"
    if BEGIN in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END) + 1:]
    else:
        text = text.replace("\n## Notes", "\n" + section + "\n## Notes", 1)
    results.write_text(text)


if __name__ == "__main__":
    main()
