"""Suite 4, concurrency: two processes loading one store file get a clear
``StoreLockedError`` (never a corrupt file), and threads calling analyses while a load runs
in the same kernel see the store before or after each whole run, never half of one."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from paradime_nb import Paradime
from paradime_nb.store import Store
from paradime_nb.store.integrity import check_integrity
from tests.conftest import ROOT, RUNS

SCHEDULE = "jaffle-daily"


def _loader(database) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.reliability._children", "load-once", str(RUNS), str(database)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_a_second_process_gets_a_clear_locked_error_and_the_file_stays_whole(tmp_path):
    database = tmp_path / "store.duckdb"
    first = _loader(database)
    assert json.loads(first.stdout.readline()) == {"opened": True}  # holds the file while it loads
    second = _loader(database)
    out, err = second.communicate(timeout=120)
    said = json.loads(out.strip().splitlines()[-1])
    assert said["locked"] is True, err
    assert str(database) in said["message"] and "another process" in said["message"]
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1])["loaded"] == 12
    store = Store(database)
    try:
        assert check_integrity(store) == []
        assert store.fetchall("SELECT count(*) FROM runs") == [(12,)]
    finally:
        store.close()
    # once the first is done, the second can load: a replacement of every run
    again = _loader(database)
    out, err = again.communicate(timeout=120)
    assert json.loads(out.strip().splitlines()[-1])["loaded"] == 12, err


STATE_SQL = """
SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM commands), (SELECT count(*) FROM dbt_run_results),
       (SELECT count(*) FROM model_metadata), (SELECT count(*) FROM dbt_source_freshness_results)
"""
EMPTY = (0, 0, 0, 0, 0)
HEALTH_SQL = """
SELECT count(*) AS models, count(*) FILTER (WHERE health_status = 'Critical') AS critical,
       count(*) FILTER (WHERE health_status = 'Unknown') AS unknown
FROM models_with_tests WHERE schedule_name = $schedule_name
"""


def _answers(client: Paradime) -> tuple:
    state = tuple(client.metadata.query_sql(STATE_SQL).iloc[0])
    health = tuple(client.metadata.query_sql(HEALTH_SQL, schedule_name=SCHEDULE).iloc[0])
    models = sorted((m.name, m.health_status) for m in client.metadata.get_model_health(SCHEDULE))
    return state, health, tuple(models)


@pytest.fixture(scope="module")
def valid_states():
    """Every answer the analyses may give during the load: after each whole run, in the
    order the load stores them (newest first)."""
    with Paradime.from_path(RUNS) as client:
        order = [r.run_id for r in client.source.runs(client.source.schedule(SCHEDULE), limit=100)]
        states = {}
        for n in range(1, len(order) + 1):
            client.metadata.load(SCHEDULE, runs=n, progress=False)
            states[_answers(client)] = n
        return states


@pytest.mark.slow
def test_analyses_on_other_threads_see_whole_runs_only(valid_states):
    """Readers never wait for the load and never see a state between two runs: each
    answer (three analyses, each one consistent within itself) is one after a whole run."""
    with Paradime.from_path(RUNS) as client:
        done = threading.Event()
        seen: list[int] = []
        errors: list[BaseException] = []

        def read() -> None:
            try:
                while not done.is_set():
                    state, health, models = _answers(client)
                    # each query is one snapshot: it must match some whole-run state (or none yet)
                    assert state == EMPTY or any(s[0] == state for s in valid_states), f"half a run: {state}"
                    assert any(s[1] == health for s in valid_states), f"half a run: {health}"
                    assert any(s[2] == models for s in valid_states), "model health of half a run"
                    seen.append(next((n for s, n in valid_states.items() if s[0] == state), 0))
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)

        readers = [threading.Thread(target=read) for _ in range(3)]

        def load() -> None:
            try:
                client.metadata.load(SCHEDULE, runs=100, progress=False)
            finally:
                done.set()

        loader = threading.Thread(target=load)
        for reader in readers:  # from an empty store on (an analysis may load the latest run itself)
            reader.start()
        loader.start()
        loader.join(timeout=300)
        for reader in readers:
            reader.join(timeout=60)
        assert not errors, errors[0]
        assert _answers(client) == max(valid_states, key=valid_states.get)
        assert len(set(seen)) > 1, f"the readers saw one state only: {sorted(set(seen))}"
        assert check_integrity(client.store) == []
