"""Each benchmark script runs end to end on a tiny input (``--smoke``: the jaffle-daily
fixture runs, one timed run, no peer venv) and reports rows. Speed itself is measured by
``make bench``, never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = {"load": {"1", "6"}, "collect": {"2", "3"}, "lineage": {"4"}, "imports": {"5"}, "forensics": {"14.1", "14.2"},
           "column_lineage": {"7"}, "scale": {"15a", "15b", "15c", "15d", "15e", "15g"}}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_benchmark_script_runs_on_a_tiny_input(tmp_path, script):
    out = tmp_path / "rows.json"
    done = subprocess.run([sys.executable, str(BENCHMARKS / f"{script}.py"), "--smoke", "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(out.read_text())
    assert {r["case"] for r in rows} == SCRIPTS[script]
    assert all(r["ours"] is not None and r["ours"] >= 0 for r in rows)


def test_run_all_writes_a_results_table(tmp_path):
    out = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, str(BENCHMARKS / "run_all.py"), "--smoke", "--only", "imports",
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text()
    assert "## Machine" in text and "## Versions" in text and "| 5 |" in text
