"""What every benchmark shares: fixture paths, child processes, medians, result rows.

Timings that must be cold (a fresh store, nothing imported yet, peak memory of one load)
run in child processes that print one JSON line; the parent keeps medians. Every script
takes ``--smoke`` (tiny inputs, no peer: the smoke test), ``--no-peer`` and ``--json PATH``
(rows for ``run_all.py``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PARADIME_NB_SHARED", ROOT.parent / "shared")).resolve()
FIXTURES = SHARED / "fixtures"
RUNS = FIXTURES / "runs"
JAFFLE = RUNS / "jaffle-daily"
BIG = FIXTURES / "big"
PUBLIC_MID = FIXTURES / "public" / "fivetran__dbt_ad_reporting"  # a real project: 223 models, 370 tests, 5 MB
PEER_VENV = ROOT / "benchmarks" / ".venv-peer"
PEER_PYTHON = PEER_VENV / "bin" / "python"
PEER_DRIVER = ROOT / "benchmarks" / "peer" / "driver.py"
KEY, SECRET = "bench-key", "bench-secret"


@dataclass
class Row:
    """One line of RESULTS.md. ``ratio`` is ours / baseline (lower is better) unless the
    case says otherwise; ``n`` is how many timed runs the medians are of."""

    case: str
    measure: str
    ours: float | None
    baseline_name: str
    baseline: float | None
    unit: str = "s"
    target: str = ""
    met: bool | None = None
    n: str = ""
    note: str = ""
    ratio: float | None = field(default=None)
    baseline_text: str = ""  # shown instead of the baseline value (e.g. "> 120 s")
    ratio_text: str = ""  # shown instead of the ratio (e.g. "< 0.05")

    def __post_init__(self) -> None:
        if self.ratio is None and self.ours is not None and self.baseline:
            self.ratio = self.ours / self.baseline


def median_ms(fn, repeat: int) -> float:
    """Median wall time of ``repeat`` calls of ``fn``, in milliseconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def median(values: list[float]) -> float:
    return statistics.median(values)


def rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(payload: dict[str, Any]) -> None:
    """A child's answer: one JSON line on stdout."""
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def child(cmd: list[str], *, timeout: float | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a child that ``emit``s. The parent samples its resident memory every 20 ms
    (``peak_rss_mb``, also known for a child stopped at ``timeout``: then the answer is
    ``{"timeout": seconds, "peak_rss_mb": ...}``)."""
    import psutil

    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:  # a pipe could fill
        proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, text=True, env=full_env, cwd=ROOT)
        watched = psutil.Process(proc.pid)
        peak = 0
        started = time.monotonic()
        while proc.poll() is None:
            try:
                peak = max(peak, watched.memory_info().rss)
            except psutil.Error:
                pass
            if timeout is not None and time.monotonic() - started > timeout:
                proc.kill()
                proc.wait()
                return {"timeout": timeout, "peak_rss_mb": peak / 2**20}
            time.sleep(0.02)
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd[:4]))}... failed ({proc.returncode}):\n{err[-4000:]}")
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{cmd[:4]} printed no JSON:\n{out[-2000:]}\n{err[-2000:]}")
    answer = json.loads(lines[-1])
    answer["peak_rss_mb"] = max(peak / 2**20, answer.get("rss_mb", 0.0))
    return answer


def repeat_child(cmd: list[str], repeat: int, *, warmup: int = 1, timeout: float | None = None) -> list[dict]:
    """``warmup`` discarded runs (page cache, pyc files), then ``repeat`` kept ones."""
    for _ in range(warmup):
        child(cmd, timeout=timeout)
    return [child(cmd, timeout=timeout) for _ in range(repeat)]


def peer_available() -> bool:
    return PEER_PYTHON.is_file()


def read_artifact_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def latest_run_files(project: Path) -> tuple[str, int, list[tuple[str, str, Path]]]:
    """The schedule slug, the latest run id and (kind, command line, file on disk) of every
    artifact our loader reads for that run: the run a first health dashboard loads."""
    from paradime_nb.artifacts import artifact_kind
    from paradime_nb.sources import open_path

    source = open_path(project)  # a saved-runs schedule folder or a dbt target folder
    schedule = source.schedules()[0]
    run = source.runs(schedule, limit=1)[0]
    (data,) = list(source.fetch(schedule, [run]))
    files = []
    for cmd in data.commands:
        for f in cmd.files:
            files.append((artifact_kind(f.path) or "", cmd.command, Path(f.reader.args[0])))
    return schedule.slug, run.run_id, files


def loopback_server(runs: Path, latency: float, replicate: int | None) -> tuple[subprocess.Popen, str]:
    """``python -m paradime_nb.testing.server`` in its own process (its threads do not share
    our GIL); returns the process and the GraphQL endpoint."""
    cmd = [sys.executable, "-m", "paradime_nb.testing.server", "--runs", str(runs), "--port", "0",
           "--api-key", KEY, "--api-secret", SECRET, "--latency", str(latency)]
    if replicate:
        cmd += ["--replicate", str(replicate)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    endpoint = (proc.stdout.readline() if proc.stdout else "").strip()
    if not endpoint.startswith("http"):
        proc.kill()
        raise RuntimeError("the loopback server did not start (is graphql-core installed? pip install -e '.[bench]')")
    return proc, endpoint


def server_counts(endpoint: str) -> dict[str, int]:
    import requests

    return requests.get(endpoint.rsplit("/api/", 1)[0] + "/_stats", timeout=10).json()["counts"]


def count_delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before.get(k, 0) for k in sorted(after) if after[k] - before.get(k, 0)}


def parser(doc: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("--smoke", action="store_true", help="tiny inputs, one run each, no peer (the smoke test)")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per measure (medians), after one warm-up")
    p.add_argument("--no-peer", action="store_true", help="skip the paradime-io SDK")
    p.add_argument("--json", type=Path, help="write the result rows here (for run_all.py)")
    return p


def finish(rows: list[Row], out: Path | None) -> None:
    """Print the rows; write them as JSON when asked."""
    for r in rows:
        ours = "-" if r.ours is None else f"{r.ours:.3f}"
        base = "-" if r.baseline is None else f"{r.baseline:.3f}"
        ratio = "" if r.ratio is None else f"  ratio {r.ratio:.2f}"
        met = "" if r.met is None else ("  MET" if r.met else "  MISSED")
        print(f"[{r.case}] {r.measure}: ours {ours} {r.unit} | {r.baseline_name} {base}{ratio}{met}  {r.note}")
    if out is not None:
        out.write_text(json.dumps([asdict(r) for r in rows], indent=1))


def now() -> float:
    return time.perf_counter()
