"""Collecting runs over the Bolt API: wall time of one run vs 30 runs, with 50 ms per request.

Starts the loopback server in its own process (``python -m paradime_nb.testing.server``,
so its threads do not share our GIL) over the jaffle fixtures replicated to 30 runs, and
loads through the real client into fresh in-memory stores with empty disk caches. Prints
wall times, request counts by operation (from the server's ``/_stats``), and a split of
the 30-run load: collection alone (``BoltSource.fetch``, no store) vs parse + DuckDB
(the same runs from a warm disk cache). Target (issue 6): 30 runs at most 3x one run.

    python benchmarks/collect.py [--latency 0.05] [--runs 30] [--workers 32] [--in-flight 8]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT.parent / "shared" / "fixtures" / "runs"
KEY, SECRET = "bench-key", "bench-secret"


def _stats(endpoint: str) -> Counter:
    return Counter(requests.get(endpoint.rsplit("/api/", 1)[0] + "/_stats", timeout=10).json()["counts"])


OPTIONS: dict = {}


def _client(endpoint: str, cache: Path, workers: int):
    from paradime_nb import Paradime

    return Paradime(api_key=KEY, api_secret=SECRET, api_endpoint=endpoint, cache_dir=cache, progress=False,
                    max_workers=workers, **OPTIONS)


def _timed_load(endpoint: str, cache: Path, runs: int, workers: int) -> tuple[float, Counter, object]:
    client = _client(endpoint, cache, workers)
    before = _stats(endpoint)
    started = time.perf_counter()
    report = client.metadata.load("jaffle-daily", runs=runs, progress=False)
    seconds = time.perf_counter() - started
    counts = _stats(endpoint) - before
    assert len(report.loaded) == runs, report
    client.close()
    return seconds, counts, report


def _timed_fetch(endpoint: str, cache: Path, runs: int, workers: int) -> float:
    """Collection only: list, commands, files, downloads into the disk cache; no parsing."""
    client = _client(endpoint, cache, workers)
    source = client.source
    schedule = source.schedule("jaffle-daily")
    started = time.perf_counter()
    listed = source.runs(schedule, limit=runs)
    for data in source.fetch(schedule, listed):
        for command in data.commands:
            for file in command.files:
                file.read()
    seconds = time.perf_counter() - started
    client.close()
    return seconds


def _show(label: str, seconds: float, counts: Counter) -> None:
    ops = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"{label:<34} {seconds:6.2f} s   {sum(counts.values()):4d} requests ({ops})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--workers", type=int, default=32, help="BoltSource max_workers (HTTP requests at once)")
    parser.add_argument("--in-flight", type=int, default=None, help="BoltSource runs_in_flight (runs collected at once)")
    args = parser.parse_args()
    if args.in_flight:
        OPTIONS["runs_in_flight"] = args.in_flight
    server = subprocess.Popen(
        [sys.executable, "-m", "paradime_nb.testing.server", "--runs", str(RUNS), "--port", "0",
         "--api-key", KEY, "--api-secret", SECRET, "--latency", str(args.latency), "--replicate", str(args.runs)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        endpoint = server.stdout.readline().strip()
        print(f"loopback server {endpoint}, {args.latency * 1000:.0f} ms per request, {args.workers} workers")
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            one, one_counts, _ = _timed_load(endpoint, tmp_path / "c1", 1, args.workers)
            _show("load 1 run (cold cache)", one, one_counts)
            many, many_counts, _ = _timed_load(endpoint, tmp_path / "c30", args.runs, args.workers)
            _show(f"load {args.runs} runs (cold cache)", many, many_counts)
            warm, warm_counts, _ = _timed_load(endpoint, tmp_path / "c30", args.runs, args.workers)
            _show(f"load {args.runs} runs (warm disk cache)", warm, warm_counts)
            fetch_one = _timed_fetch(endpoint, tmp_path / "f1", 1, args.workers)
            print(f"{'collect 1 run only (no store)':<34} {fetch_one:6.2f} s")
            fetch = _timed_fetch(endpoint, tmp_path / "f30", args.runs, args.workers)
            print(f"{'collect ' + str(args.runs) + ' runs only (no store)':<34} {fetch:6.2f} s")
            client = _client(endpoint, tmp_path / "c30", args.workers)
            client.metadata.load("jaffle-daily", runs=1, progress=False)
            before = _stats(endpoint)
            started = time.perf_counter()
            client.metadata.load("jaffle-daily", runs=1, progress=False)
            _show("reload with nothing new", time.perf_counter() - started, _stats(endpoint) - before)
            client.close()
        print(f"ratio {args.runs} runs / 1 run: load {many / one:.2f}x (target <= 3x), "
              f"collection alone {fetch / fetch_one:.2f}x; parse + store of {args.runs} runs (warm cache) "
              f"is {warm / one:.2f}x one run's whole load")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
