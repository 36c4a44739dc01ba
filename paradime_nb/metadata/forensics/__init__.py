"""Run forensics: why a run took as long as it did, and what changed between two runs.

``timeline`` (every node execution on its thread), ``critical_path`` (the chain that
bounded the wall time, with per-node slack), ``replay`` (what-if durations, replayed on
the run's DAG with its threads), ``run_diff`` (two runs compared). All read the store only.
"""
