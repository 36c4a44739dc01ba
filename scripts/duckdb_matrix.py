"""The DuckDB matrix of ``make test``: the whole suite runs on the DuckDB that .venv has (pip
picks the newest the pin allows, 2.x today); this script runs the store, metadata and CLI
core once more on the other supported major (1.5.x when .venv has 2.x, else 2.x).

The other DuckDB is installed alone (``pip --target``, no dependencies) into
``.venv/duckdb-matrix/<version>`` and put first on PYTHONPATH, so everything else is the
same venv's, and the console script run by the CLI tests imports it too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPECS = {1: "duckdb>=1.5,<1.6", 2: "duckdb>=2,<3"}
CORE = [
    "tests/test_store_fixtures.py",
    "tests/test_store_write_path.py",
    "tests/test_query_sql.py",
    "tests/test_health_cache.py",
    "tests/test_metadata_api.py",
    "tests/test_metadata_health.py",
    # schema v3: content versions, latest results, v1/v2 migration; a dataset round trip
    "tests/test_store_versions.py",
    "tests/test_dataset.py::test_a_dataset_holds_the_store_and_answers_the_same",
    # the CLI on the other DuckDB: JSON/JUnit/GitHub against the oracle, sync (idempotent,
    # under cron overlap), read-only SQL; the other CLI cases read the same code paths
    "tests/test_cli.py::test_check_demo_json_round_trips_with_every_unhealthy_node",
    "tests/test_cli.py::test_check_saved_runs_failing_run_against_oracle",
    "tests/test_cli.py::test_sync_is_idempotent_one_request_per_schedule",
    "tests/test_cli.py::test_sync_under_cron_overlap_second_waits_then_exits_2",
    "tests/test_cli.py::test_sql_formats_and_read_only",
]


def installed_major() -> tuple[int, str]:
    out = subprocess.run([sys.executable, "-c", "import duckdb; print(duckdb.__version__)"],
                         capture_output=True, text=True, check=True, env=_env_without_overlay())
    version = out.stdout.strip()
    return int(version.split(".")[0]), version


def _env_without_overlay() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def overlay(spec: str) -> Path:
    target = ROOT / ".venv" / "duckdb-matrix" / spec.replace(">=", "-").replace("<", "lt").replace(",", "_")
    stamp = target / ".installed"
    if not stamp.exists():
        subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "install", "--no-deps",
                        "--upgrade", "--target", str(target), spec], check=True)
        stamp.touch()
    return target


def main() -> int:
    major, version = installed_major()
    other = SPECS[1 if major >= 2 else 2]
    target = overlay(other)
    env = {**_env_without_overlay(), "PYTHONPATH": str(target)}
    probe = subprocess.run([sys.executable, "-c", "import duckdb; print(duckdb.__version__)"], env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    print(f"DuckDB matrix: the whole suite ran on DuckDB {version}; now the store/metadata/CLI core on {probe}",
          flush=True)
    return subprocess.run([sys.executable, "-m", "pytest", "-n", "auto", "-q", "-p", "no:cacheprovider", *CORE],
                          cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
