"""Cold load of one big run vs the JSON floor, measured in the same process.

Prints, per project: our load time (read + gunzip + decode + columns + DuckDB insert, one
run into a fresh in-memory store), the time of ``orjson.loads`` of the same artifact bytes
(already in memory and decompressed: the strictest floor), and their ratio. Target: <= 2.5.

    python benchmarks/load.py [--project big-10000] [--repeat 3] [--dashboard]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import statistics
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
BIG = ROOT.parent / "shared" / "fixtures" / "big"


def _files_read(project: Path) -> tuple[list[Path], int]:
    """The files our loader reads for the project's first run (the same selection rule)."""
    from paradime_nb.sources.saved_runs import SavedRunsSource

    source = SavedRunsSource(project)
    schedule = source.schedules()[0]
    run = sorted(source.runs(schedule), key=lambda r: r.run_id)[0]
    (data,) = list(source.fetch(schedule, [run]))
    run_dir = source._folder(schedule) / str(run.run_id)
    paths = []
    for cmd in data.commands:
        cmd_dir = next(p for p in run_dir.iterdir() if p.name.split("_", 1)[0] == str(cmd.index))
        for f in cmd.files:
            plain = cmd_dir / f.path
            paths.append(plain if plain.exists() else plain.with_name(plain.name + ".gz"))
    return paths, run.run_id


def _decompressed(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def measure(project: Path, repeat: int, dashboard: bool) -> dict[str, float]:
    from paradime_nb import Paradime
    from paradime_nb.store import prepare_run

    paths, run_id = _files_read(project)
    blobs = [_decompressed(p) for p in paths]
    all_artifacts = [_decompressed(p) for p in (project).rglob("*.json*") if p.name.split(".")[0] in
                     ("manifest", "run_results", "sources", "catalog") and f"/{run_id}/" in str(p)]
    floor, floor_all, ours, dash = [], [], [], []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        for b in blobs:
            orjson.loads(b)
        floor.append(time.perf_counter() - t)
        gc.collect()
        t = time.perf_counter()
        for b in all_artifacts:
            orjson.loads(b)
        floor_all.append(time.perf_counter() - t)
        gc.collect()
        t = time.perf_counter()
        client = Paradime.from_path(project)
        schedule = client.source.schedules()[0]
        runs = [r for r in client.source.runs(schedule) if r.run_id == run_id]
        for data in client.source.fetch(schedule, runs):
            client.store.write_run(prepare_run(data))
        ours.append(time.perf_counter() - t)
        if dashboard:
            t = time.perf_counter()
            client.store.fetchall("SELECT health_status, count(*) FROM models_with_tests GROUP BY 1")
            dash.append(time.perf_counter() - t)
        client.close()
        del client
    out = {
        "bytes_read_mb": sum(len(b) for b in blobs) / 1e6,
        "bytes_all_mb": sum(len(b) for b in all_artifacts) / 1e6,
        "ours_s": statistics.median(ours),
        "floor_s": statistics.median(floor),
        "floor_all_s": statistics.median(floor_all),
    }
    if dash:
        out["dashboard_s"] = statistics.median(dash)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", action="append", help="folder under fixtures/big (default: both)")
    parser.add_argument("--big", type=Path, default=BIG, help="the fixtures/big folder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dashboard", action="store_true", help="also time the first health query")
    args = parser.parse_args(argv)
    projects = args.project or ["big-2000", "big-10000"]
    print(f"python {sys.version.split()[0]}, repeat={args.repeat} (medians)")
    print(f"{'project':<12}{'MB read':>9}{'ours s':>9}{'orjson s':>10}{'ratio':>7}   {'MB all':>8}{'orjson all s':>14}{'ratio':>7}")
    for name in projects:
        r = measure(args.big / name, args.repeat, args.dashboard)
        line = (f"{name:<12}{r['bytes_read_mb']:>9.1f}{r['ours_s']:>9.2f}{r['floor_s']:>10.2f}"
                f"{r['ours_s'] / r['floor_s']:>7.2f}   {r['bytes_all_mb']:>8.1f}{r['floor_all_s']:>14.2f}"
                f"{r['ours_s'] / r['floor_all_s']:>7.2f}")
        if "dashboard_s" in r:
            line += f"   first health query {r['dashboard_s']:.3f}s"
        print(line)
    print("ratio = ours / orjson.loads of the bytes we read (target <= 2.5); 'all' = every artifact of the run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
