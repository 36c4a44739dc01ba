"""``make bench``: every benchmark, then ``benchmarks/RESULTS.md``.

Creates the peer venv when missing (``peer_env.py``), runs each script in its own process
(``--json`` rows back), and writes one table: the machine, the versions, and per case our
figure, the baseline's, the ratio and the target. The hand-written analysis in
``benchmarks/NOTES.md`` (why a target is missed, what was changed) is appended.

    python benchmarks/run_all.py [--smoke] [--no-peer] [--repeat 5] [--only load,collect] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCRIPTS = ("load", "collect", "lineage", "imports", "forensics", "column_lineage", "scale")  # cases 1+6, 2+3, 4, 5, 14.x, 7
CASES = {
    "1": "cold load of one run to the first health dashboard",
    "2": "collecting runs from the Bolt API (loopback server, 50 ms per request)",
    "3": "reload with nothing new",
    "4": "upstream / downstream at unlimited depth",
    "5": "import and %load_ext",
    "6": "peak memory (RSS) of case 1",
    "14.1": "critical path of the largest build run",
    "14.2": "run timeline (Gantt) rendered in Chromium",
    "7": "column lineage of a whole project vs sqlglot's parse alone; a column question after it",
    "15": "a year of history: manifests stored once, the shared dataset, Spark (scale.py)",
}


def _machine() -> dict[str, str]:
    import psutil

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "CPU": cpu,
        "cores": f"{psutil.cpu_count(logical=True)} logical ({psutil.cpu_count(logical=False)} physical)",
        "RAM": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "OS": platform.platform(),
    }


def _versions(peer: bool) -> dict[str, str]:
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for dist in ("duckdb", "orjson", "pyarrow", "networkx", "paradime_nb"):
        try:
            out[dist] = version(dist)
        except Exception:  # noqa: BLE001
            out[dist] = "?"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    if commit.returncode == 0:
        out["paradime_nb"] += f" (commit {commit.stdout.strip()})"
    if peer:
        import peer_env

        done = subprocess.run([str(peer_env.PYTHON), "-c",
                               "from importlib.metadata import version as v; print(v('paradime-io'), v('duckdb'), v('polars'))"],
                              capture_output=True, text=True)
        if done.returncode == 0:
            sdk, duck, polars = done.stdout.split()
            out["paradime-io (peer)"] = f"{sdk} (its venv: duckdb {duck}, polars {polars})"
    return out


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} / {five:.1f}"


def _value(v: float | None, unit: str, text: str = "") -> str:
    if text:
        return text
    if v is None:
        return "n/a"
    if unit == "requests":
        return f"{v:.0f}"
    if unit == "MB":
        return f"{v:,.0f} MB"
    if unit == "ms":
        return f"{v:.1f} ms" if v >= 1 else f"{v:.3f} ms"
    return f"{v:.3f} s" if v < 10 else f"{v:.1f} s"


def _table(rows: list[dict]) -> list[str]:
    out = ["| Case | Measure | paradime_nb | Baseline | Baseline value | Ratio | Target | Met | Timed runs | Note |",
           "|---|---|---:|---|---:|---:|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: r["case"]):
        ratio = r["ratio_text"] or ("" if r["ratio"] is None else f"{r['ratio']:.2f}")
        met = "" if r["met"] is None else ("yes" if r["met"] else "**no**")
        out.append(f"| {r['case']} | {r['measure']} | {_value(r['ours'], r['unit'])} | {r['baseline_name']} | "
                   f"{_value(r['baseline'], r['unit'], r['baseline_text'])} | {ratio} | {r['target']} | {met} | {r['n']} | "
                   f"{r['note']} |")
    return out


def write_results(out: Path, rows: list[dict], machine: dict, versions: dict, runs: list[tuple], started: float,
                  smoke: bool, written: str | None = None) -> None:
    lines = ["# Benchmarks", ""]
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if written is None else written
    minutes = sum(r[3] for r in runs) / 60
    lines.append(f"Written by `make bench` (`benchmarks/run_all.py`{' --smoke' if smoke else ''}) on {when}; "
                 f"the scripts ran {minutes:.1f} minutes in all. Ratio = paradime_nb / baseline (lower is better "
                 "for us), except where the target says otherwise. Medians of the timed runs, after a warm-up run.")
    if smoke:
        lines += ["", "**Smoke run: tiny inputs, one timed run each, no peer. The figures say nothing about speed.**"]
    lines += ["", "## Machine", "", "| " + " | ".join(machine) + " |", "|" + "---|" * len(machine),
              "| " + " | ".join(machine.values()) + " |", ""]
    lines += ["Load average (1 / 5 min) while each script ran; the machine is shared, so timings are noisy:", ""]
    lines += [f"- `{name}.py`: {before} at the start, {after} at the end, {secs:.0f} s" for name, before, after, secs in runs]
    lines += ["", "## Versions", "", "| " + " | ".join(versions) + " |", "|" + "---|" * len(versions),
              "| " + " | ".join(versions.values()) + " |", ""]
    lines += ["## Results", ""] + _table(rows) + [""]
    lines += ["## Targets", ""]
    for r in sorted((r for r in rows if r["met"] is not None), key=lambda r: r["case"]):
        lines.append(f"- case {r['case']}, {r['measure']}: target {r['target']}: {'met' if r['met'] else '**missed**'}")
    lines += ["", "Cases: " + "; ".join(f"{k}. {v}" for k, v in CASES.items()) + ".", ""]
    frontend = _frontend_section(out)  # benchmarks/frontend.py writes it; kept across runs
    if frontend:
        lines += [frontend, ""]
    notes = HERE / "NOTES.md"
    if notes.is_file():
        lines += [notes.read_text().rstrip(), ""]
    out.write_text("\n".join(lines))


def _frontend_section(out: Path) -> str:
    begin, end = "<!-- frontend:begin -->", "<!-- frontend:end -->"
    text = out.read_text() if out.is_file() else ""
    return text[text.index(begin):text.index(end) + len(end)] if begin in text and end in text else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny inputs, no peer (seconds, not minutes)")
    parser.add_argument("--no-peer", action="store_true", help="do not create or run the paradime-io SDK")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per measure (default: each script's)")
    parser.add_argument("--only", default=",".join(SCRIPTS), help="comma-separated scripts to run")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: benchmarks/RESULTS.md; "
                                                                  "--smoke: a temporary file)")
    parser.add_argument("--render", action="store_true",
                        help="only write RESULTS.md again from benchmarks/results.json (after editing NOTES.md)")
    args = parser.parse_args()
    started = time.monotonic()
    saved = HERE / "results.json"
    if args.render:
        data = json.loads(saved.read_text())
        when = datetime.fromisoformat(data["written"]).strftime("%Y-%m-%d %H:%M UTC")
        write_results(args.out or HERE / "RESULTS.md", data["rows"], data["machine"], data["versions"],
                      [tuple(r) for r in data["runs"]], time.monotonic() - data["minutes"] * 60, False, when)
        return 0
    sys.path.insert(0, str(HERE))
    peer = not (args.smoke or args.no_peer)
    if peer:
        import peer_env

        try:
            peer_env.ensure()
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"the paradime-io SDK could not be installed ({exc}): running without it", file=sys.stderr)
            peer = False
    machine, versions = _machine(), _versions(peer)
    rows: list[dict] = []
    runs: list[tuple] = []
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only.split(","):
            out_json = Path(tmp) / f"{name}.json"
            cmd = [sys.executable, str(HERE / f"{name}.py"), "--json", str(out_json)]
            if args.smoke:
                cmd.append("--smoke")
            if not peer:
                cmd.append("--no-peer")
            if args.repeat is not None:
                cmd += ["--repeat", str(args.repeat)]
            print(f"== {name}.py", flush=True)
            before, t0 = _load(), time.monotonic()
            done = subprocess.run(cmd, cwd=ROOT)
            runs.append((name, before, _load(), time.monotonic() - t0))
            if done.returncode != 0 or not out_json.is_file():
                failed.append(name)
                continue
            rows += [{**r, "script": name} for r in json.loads(out_json.read_text())]
    partial = set(args.only.split(",")) != set(SCRIPTS)
    if partial and not args.smoke and args.out is None and saved.is_file():
        # some scripts run again (say, when the machine is quieter): keep the others' rows
        old = json.loads(saved.read_text())
        rows = [r for r in old["rows"] if r.get("script") not in set(args.only.split(","))] + rows
        runs = [r for r in old["runs"] if r[0] not in set(args.only.split(","))] + runs
        started -= old["minutes"] * 60
    out = args.out or (Path(tempfile.gettempdir()) / "paradime_nb-RESULTS-smoke.md" if args.smoke else HERE / "RESULTS.md")
    write_results(out, rows, machine, versions, runs, started, args.smoke)
    if not args.smoke and args.out is None:
        saved.write_text(json.dumps({"rows": rows, "machine": machine, "versions": versions, "runs": runs,
                                     "minutes": (time.monotonic() - started) / 60,
                                     "written": datetime.now(timezone.utc).isoformat()}, indent=1))
    print(f"wrote {out} in {(time.monotonic() - started) / 60:.1f} min" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
