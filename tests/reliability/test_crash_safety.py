"""Suite 3, crash safety: a child process loads into a file-backed store and is killed
with SIGKILL at a random moment, 20 times over the same file. Each time the store reopens,
``check_integrity`` finds nothing, every stored run equals the same run loaded cleanly
(complete, or absent), and a new load completes."""

from __future__ import annotations

import json
import os
import random
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

from paradime_nb import Paradime
from paradime_nb.loading import load_runs
from paradime_nb.sources import SavedRunsSource
from paradime_nb.store import Store
from paradime_nb.store.integrity import check_integrity
from tests.conftest import ROOT, RUNS
from tests.reliability.support import TABLES

KILLS = 20
SEED = int(os.environ.get("PARADIME_NB_CRASH_SEED", "7"))
_VOLATILE = {"runs": "loaded_at", "schedules": "source"}


def run_fingerprints(store: Store) -> dict[tuple[str, int, str], tuple[int, int]]:
    """(schedule, run, table) -> (rows, order-free hash of the rows)."""
    found = {}
    for table in TABLES:
        if table == "schedules":
            continue
        body = f"SELECT * EXCLUDE ({_VOLATILE[table]}) FROM {table}" if table in _VOLATILE else f"SELECT * FROM {table}"
        for schedule, run_id, n, digest in store.fetchall(
            f"SELECT schedule_name, run_id, count(*), sum(hash(t)::HUGEINT) FROM ({body}) t GROUP BY ALL"  # noqa: S608
        ):
            found[(schedule, run_id, table)] = (n, digest)
    return found


def _by_run(prints: dict) -> dict[tuple[str, int], dict]:
    runs: dict[tuple[str, int], dict] = {}
    for (schedule, run_id, table), value in prints.items():
        runs.setdefault((schedule, run_id), {})[table] = value
    return runs


@pytest.fixture(scope="module")
def reference():
    with Paradime.from_path(RUNS) as client:
        client.metadata.load("jaffle-daily", runs=100, progress=False)
        return _by_run(run_fingerprints(client.store))


class _Child:
    """The loading child; ``wait_for(n)`` blocks until it reports ``n`` runs written."""

    def __init__(self, database) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability._children", "load-forever", str(RUNS), str(database)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.written = 0
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put("")

    def go(self) -> None:
        """Let it open the store and start loading (it has imported what it needs by now)."""
        for expected in ('{"imported"', None):
            if expected is None:
                self.process.stdin.write("go\n")
                self.process.stdin.flush()
                expected = '{"ready"'
            if not self._next_line().startswith(expected):
                self.process.kill()
                raise AssertionError(f"the loading child did not start: {self.process.stderr.read()[-2000:]}")

    def _next_line(self) -> str:
        try:
            return self._lines.get(timeout=60)
        except queue.Empty:
            return ""

    def wait_for(self, written: int) -> None:
        while self.written < written:
            line = self._next_line()
            assert line, f"the loading child stopped: {self.process.stderr.read()[-2000:]}"
            self.written = json.loads(line)["written"]

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.communicate(timeout=30)
        assert self.process.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_every_run_whole_or_absent(tmp_path, reference):
    database = tmp_path / "store.duckdb"
    rng = random.Random(SEED)
    source = SavedRunsSource(RUNS)
    stored_counts = []
    child = _Child(database)
    for kill in range(KILLS):
        child.go()
        child.wait_for(rng.randrange(0, 13))  # aim at a run: into fresh loads, replacements,
        time.sleep(rng.uniform(0.0, 0.2))  # deletions and checkpoints
        child.kill()
        child = _Child(database) if kill + 1 < KILLS else None  # imports while the store is checked

        store = Store(database)  # replays DuckDB's write-ahead log
        try:
            problems = check_integrity(store)
            assert problems == [], f"kill {kill} (seed {SEED}): {problems}"
            stored = _by_run(run_fingerprints(store))
            for key, tables in stored.items():
                assert tables == reference[key], f"kill {kill} (seed {SEED}): run {key} differs from a clean load"
            stored_counts.append(len(stored))
            # the store takes new loads: the newest run again, replacing it in one transaction
            report = load_runs(store, source, source.schedule("jaffle-daily"), runs=1, refresh=True)
            assert len(report.loaded) == 1 and check_integrity(store) == []
        finally:
            store.close()
    print("runs stored after each kill:", stored_counts)
