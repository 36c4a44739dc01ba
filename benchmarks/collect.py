"""Cases 2 and 3: collecting runs over the Bolt API with 50 ms per request, and a reload.

The loopback server runs in its own process (``python -m paradime_nb.testing.server``,
its threads do not share our GIL) over the jaffle-daily fixtures replicated to 30 runs;
every request waits ``--latency`` first. Request counts come from its ``/_stats``.

- ours: ``client.metadata.load("jaffle-daily", runs=N)`` into a fresh in-memory store with
  an empty disk cache (collect + parse + store), 1 run and 30 runs; then a reload with
  nothing new;
- the peer: the ``paradime-io`` SDK's ``MetadataClient.refresh_metadata`` (its collection of
  the latest run, parse and DuckDB load) in its own process, and the same call again as its
  reload (it has no other way to see a new run). It loads the latest run only: no 30-run
  figure exists for it.

Targets: 1 run <= 1/5 of the peer's time; 30 runs <= 3x one run; a reload is one request.

    python benchmarks/collect.py [--latency 0.05] [--runs 30] [--repeat 5] [--workers 32]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from _common import (KEY, PEER_DRIVER, PEER_PYTHON, RUNS, SECRET, Row, child, count_delta, finish, loopback_server,
                     median, now, parser, peer_available, server_counts)

SCHEDULE = "jaffle-daily"
OPTIONS: dict = {}


def _client(endpoint: str, cache: Path):
    from paradime_nb import Paradime

    return Paradime(api_key=KEY, api_secret=SECRET, api_endpoint=endpoint, cache_dir=cache, progress=False, **OPTIONS)


CPU: dict[int, list[float]] = {}  # runs -> our process's CPU seconds per load (all threads)


def _load(endpoint: str, cache: Path, runs: int) -> tuple[float, dict[str, int]]:
    client = _client(endpoint, cache)
    before = server_counts(endpoint)
    started, cpu = now(), time.process_time()
    report = client.metadata.load(SCHEDULE, runs=runs, progress=False)
    seconds = now() - started
    CPU.setdefault(runs, []).append(time.process_time() - cpu)
    counts = count_delta(server_counts(endpoint), before)
    assert len(report.loaded) == runs, report
    client.close()
    return seconds, counts


def _reload(endpoint: str, cache: Path) -> tuple[float, dict[str, int]]:
    client = _client(endpoint, cache)
    client.metadata.load(SCHEDULE, runs=1, progress=False)
    before = server_counts(endpoint)
    started = now()
    report = client.metadata.load(SCHEDULE, runs=1, progress=False)
    seconds = now() - started
    counts = count_delta(server_counts(endpoint), before)
    assert not report.loaded and report.already_stored, report
    client.close()
    return seconds, counts


def _split(endpoint: str, tmp: Path, runs: int) -> tuple[float, float]:
    """Diagnostics: collection alone (no parsing), and parse + store from a warm disk cache."""
    client = _client(endpoint, tmp / "split")
    source = client.source
    schedule = source.schedule(SCHEDULE)
    started = now()
    for data in source.fetch(schedule, source.runs(schedule, limit=runs)):
        for command in data.commands:
            for file in command.files:
                file.read()
    collect = now() - started
    client.close()
    warm, _counts = _load(endpoint, tmp / "split", runs)
    return collect, warm


def _repeat(fn, repeat: int, warmup: int) -> tuple[float, dict[str, int]]:
    results = [fn(i) for i in range(warmup + repeat)][warmup:]
    return median([s for s, _c in results]), results[-1][1]


def _total(counts: dict[str, int]) -> int:
    return sum(counts.values())


def _ops(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def measure(latency: float, runs: int, repeat: int, warmup: int, use_peer: bool) -> list[Row]:
    server, endpoint = loopback_server(RUNS, latency, runs)
    rows: list[Row] = []
    n = f"{repeat} (+{warmup} warm-up)"
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            one_s, one_c = _repeat(lambda i: _load(endpoint, tmp / f"one{i}", 1), repeat, warmup)
            many_s, many_c = _repeat(lambda i: _load(endpoint, tmp / f"many{i}", runs), repeat, warmup)
            reload_s, reload_c = _repeat(lambda i: _reload(endpoint, tmp / f"reload{i}"), repeat, warmup)
            collect_s, warm_s = _split(endpoint, tmp, runs)
        label = f"{latency * 1000:.0f} ms/request"
        peer = None
        if use_peer:
            cmd = [str(PEER_PYTHON), str(PEER_DRIVER), "api", "--endpoint", endpoint, "--key", KEY, "--secret", SECRET,
                   "--schedule", SCHEDULE, "--reload"]
            peer_runs = []
            for i in range(warmup + repeat):
                before = server_counts(endpoint)
                answer = child(cmd, timeout=600)
                answer["counts"] = count_delta(server_counts(endpoint), before)
                if i >= warmup:
                    peer_runs.append(answer)
            peer = {"seconds": median([p["seconds"] for p in peer_runs]),
                    "reload": median([p["reload_seconds"] for p in peer_runs]),
                    "requests": _total(peer_runs[-1]["counts"]) // 2, "counts": peer_runs[-1]["counts"]}
        rows.append(Row("2", f"collect + store the latest run ({label})", one_s,
                        "paradime-io SDK refresh_metadata" if peer else "paradime-io SDK (not run)",
                        peer["seconds"] if peer else None, target="<= 0.2x the peer",
                        met=(one_s / peer["seconds"] <= 0.2) if peer else None, n=n,
                        note=f"ours {_total(one_c)} requests ({_ops(one_c)})"
                             + (f"; peer {peer['requests']} requests, one at a time" if peer else "")))
        rows.append(Row("2", f"collect + store {runs} runs vs 1 run ({label})", many_s, "ours, 1 run", one_s,
                        target="<= 3x", met=many_s / one_s <= 3, n=n,
                        note=f"{_total(many_c)} requests; our process used {median(CPU[runs]):.2f} s of CPU "
                             f"(1 run: {median(CPU[1]):.2f} s); collection alone {collect_s:.2f} s, parse + store from a "
                             f"warm disk cache {warm_s:.2f} s; the peer loads the latest run only"))
        rows.append(Row("2", "requests for 1 run", _total(one_c), "paradime-io SDK", peer["requests"] if peer else None,
                        unit="requests", n="1"))
        rows.append(Row("3", "reload with nothing new", reload_s,
                        "paradime-io SDK refresh_metadata again" if peer else "paradime-io SDK (not run)",
                        peer["reload"] if peer else None, n=n,
                        note="the SDK has no check for new runs: it collects everything again"))
        rows.append(Row("3", "requests of a reload with nothing new", _total(reload_c), "paradime-io SDK",
                        peer["requests"] if peer else None, unit="requests", target="1 request",
                        met=_total(reload_c) == 1, n="1", note=_ops(reload_c)))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return rows


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--latency", type=float, default=0.05)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--workers", type=int, default=None, help="BoltSource max_workers (HTTP requests at once)")
    p.add_argument("--in-flight", type=int, default=None, help="BoltSource runs_in_flight (runs collected at once)")
    args = p.parse_args()
    if args.workers:
        OPTIONS["max_workers"] = args.workers
    if args.in_flight:
        OPTIONS["runs_in_flight"] = args.in_flight
    if args.smoke:
        rows = measure(0.01, 3, 1, 0, False)
    else:
        rows = measure(args.latency, args.runs, args.repeat, 1, not args.no_peer and peer_available())
    finish(rows, args.json)


if __name__ == "__main__":
    sys.exit(main())
