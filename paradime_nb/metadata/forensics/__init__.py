"""Run forensics: why a run took as long as it did, and what changed between two runs.

``timeline`` (every node execution on its thread), ``critical_path`` (the chain that
bounded the wall time, with per-node slack), ``replay`` (what-if durations, replayed on
the run's DAG with its threads), ``run_diff`` (two runs compared). All read the store only.
"""

from .critical_path import critical_path
from .replay import what_if
from .run_diff import compare_runs
from .timeline import run_timeline

__all__ = ["compare_runs", "critical_path", "run_timeline", "what_if"]
