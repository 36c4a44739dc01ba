"""The shared Parquet dataset: written from a store, read back through DuckDB views, the
same rows and answers; incremental; crash-safe under SIGKILL; one writer at a time; newer
schemas refused. Expectations come from the store the dataset was written from."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest

from paradime_nb import Paradime
from paradime_nb.store.dataset import export_dataset, open_dataset
from paradime_nb.store.dataset.layout import Layout
from paradime_nb.store.dataset.lock import writer_lock
from paradime_nb.store.dataset.writer import committed
from paradime_nb.errors import DatasetError, DatasetLockedError, StoreError
from paradime_nb.sources import SavedRunsSource
from paradime_nb.store import Store, prepare_run
from tests.conftest import ROOT, RUNS

TABLES = ("schedules", "runs", "commands", "artifacts", "node_results", "freshness_results", "dbt_run_results",
          "model_metadata", "manifest_nodes", "node_edges", "test_metadata", "manifest_columns", "catalog_nodes",
          "catalog_columns", "content_versions", "manifest_node_versions", "manifest_edge_versions",
          "manifest_test_versions", "manifest_column_versions", "catalog_node_versions", "catalog_column_versions",
          "latest_node_results", "latest_source_freshness", "column_lineage_runs", "column_lineage_manifests",
          "column_lineage_edges", "column_lineage_status")


def state(store: Store) -> dict:
    return {t: store.fetchall(f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {t} t")[0] for t in TABLES}  # noqa: S608


def answers(client: Paradime, schedule: str = "jaffle-daily") -> tuple:
    m = client.metadata
    return (
        sorted((h.unique_id, h.health_status, h.status, h.run_id, h.tests_failed) for h in m.get_model_health(schedule)),
        sorted((t.unique_id, t.status, t.failures) for t in m.get_test_results(schedule, failed_only=True)),
        sorted((f.unique_id, f.status, f.max_loaded_at) for f in m.get_source_freshness(schedule)),
        sorted((r.run_id, r.state) for r in m.get_run_history(schedule, last=100)),
    )


def _replays(n: int):
    """``n`` more runs of the jaffle project (its fixture runs again, 30 days later),
    parsed once: the same rows under new run ids."""
    source = SavedRunsSource(RUNS)
    schedule = source.schedule("jaffle-daily")
    base = [prepare_run(d) for d in source.fetch(schedule, source.runs(schedule, limit=n))]
    for k in range(n):
        prepared = base[k % len(base)]
        shift = timedelta(days=30 * (1 + k // len(base)))
        row = {**prepared.run_row, "run_id": 70000 + k, "started_at": prepared.run_row["started_at"] + shift,
               "ended_at": prepared.run_row["ended_at"] + shift}
        yield dataclasses.replace(prepared, run_id=70000 + k, run_row=row)


@pytest.fixture(scope="module")
def jaffle():
    c = Paradime.from_path(RUNS)
    c.metadata.load("jaffle-daily", runs=100, progress=False)
    yield c
    c.close()


def test_a_dataset_holds_the_store_and_answers_the_same(jaffle, tmp_path):
    url = str(tmp_path / "ds")
    report = jaffle.write_dataset(url, batch_runs=5)
    assert len(report.runs_written) == 12 and report.commits == 3
    with Paradime.from_dataset(url) as reader:
        assert state(reader.store) == state(jaffle.store)
        assert answers(reader) == answers(jaffle)
        with pytest.raises(StoreError, match="read-only"):
            reader.store.delete_runs("jaffle-daily")
    again = jaffle.write_dataset(url)
    assert again.runs_written == [] and again.already_there == 12 and again.files == 0


def test_syncs_append_only_new_runs_and_versions_once(tmp_path):
    url = str(tmp_path / "ds")
    with Paradime.from_path(RUNS) as c:
        c.metadata.load("jaffle-daily", runs=4, progress=False)
        first = c.write_dataset(url)
        assert sorted(r for _, r in first.runs_written) == [48009, 48010, 48011, 48012]
        c.metadata.load("jaffle-daily", runs=100, progress=False)
        for prepared in _replays(12):  # the same manifests again: no new versions
            c.store.write_run(prepared)
        second = c.write_dataset(url, batch_runs=7)
        assert sorted(r for _, r in second.runs_written) == sorted(set(range(48001, 48009)) | set(range(70000, 70012)))
        layout = Layout(url)
        versions = [v for commit in layout.commits() for v in commit.versions]
        assert len(versions) == len(set(versions))
        assert set(versions) == {v for (v,) in c.store.fetchall("SELECT version_id FROM content_versions")}
        with Paradime.from_dataset(url) as reader:
            assert state(reader.store) == state(c.store)
            assert answers(reader) == answers(c)


def _set_version(path, version: int) -> None:
    data = json.loads(path.read_text())
    data["schema_version"] = version
    path.write_text(json.dumps(data))


def test_a_dataset_of_a_newer_schema_is_refused(jaffle, tmp_path):
    ds = tmp_path / "ds"
    jaffle.write_dataset(str(ds))
    _set_version(ds / "_paradime_dataset.json", 2)
    for attempt in (lambda: open_dataset(str(ds)), lambda: jaffle.write_dataset(str(ds))):
        with pytest.raises(DatasetError, match=r"schema v2 .*reads v1"):
            attempt()
    _set_version(ds / "_paradime_dataset.json", 1)
    _set_version(next((ds / "_commits").glob("*.json")), 7)
    with pytest.raises(DatasetError, match=r"schema v7 in _commits/0000000001.json"):
        Paradime.from_dataset(str(ds))
    with pytest.raises(DatasetError, match="not a paradime_nb dataset"):
        open_dataset(str(tmp_path))


def test_a_second_writer_waits_or_exits_clearly(jaffle, tmp_path):
    url = str(tmp_path / "ds")
    layout = Layout(url)
    layout.fs.create_dir(layout.root, recursive=True)
    with writer_lock(layout, 0):
        started = time.monotonic()
        with pytest.raises(DatasetLockedError, match=rf"another sync is writing this dataset \(pid {os.getpid()} .*waited 0.3s"):
            export_dataset(jaffle.store, url, lock_timeout=0.3)
        assert time.monotonic() - started >= 0.3
    assert not Layout(url).commits()  # the refused writer wrote nothing

    holder_done = threading.Event()

    def hold() -> None:
        with writer_lock(Layout(url), 0):
            time.sleep(0.6)
        holder_done.set()

    thread = threading.Thread(target=hold)
    thread.start()
    time.sleep(0.1)
    report = export_dataset(jaffle.store, url, lock_timeout=20)  # waits for the holder
    assert holder_done.is_set() and len(report.runs_written) == 12
    thread.join()
    assert export_dataset(jaffle.store, url).runs_written == []
    with Paradime.from_dataset(url) as reader:
        assert reader.store.fetchall("SELECT count(*), count(DISTINCT run_id) FROM runs")[0] == (12, 12)


# One process imports the package once and forks a writer per attempt (Python's start-up
# and imports, not the sync, were most of the test's time); the test SIGKILLs the writer.
# Nothing in the parent holds a DuckDB connection or a thread when it forks.
_ZYGOTE = """
import os, sys
from paradime_nb.store import Store
from paradime_nb.store.dataset import export_dataset
for _ in sys.stdin:
    pid = os.fork()
    if pid == 0:
        store = Store(sys.argv[1], read_only=True)
        print("start", os.getpid(), flush=True)
        export_dataset(store, sys.argv[2], batch_runs=1, on_file=lambda path: print(path, flush=True))
        print("done", flush=True)
        os._exit(0)
    os.waitpid(pid, 0)
    print("reaped", flush=True)
"""


_PER_RUN = """
SELECT r.schedule_name, r.run_id, coalesce(x.n, 0), coalesce(m.n, 0) FROM runs r
LEFT JOIN (SELECT schedule_name, run_id, count(*) AS n FROM node_results GROUP BY ALL) x USING (schedule_name, run_id)
LEFT JOIN (SELECT schedule_name, run_id, count(*) AS n FROM manifest_nodes GROUP BY ALL) m USING (schedule_name, run_id)"""


def _visible_runs_are_whole(url: str, expected: dict) -> set:
    store = open_dataset(url)
    try:
        got = dict(((s, r), (n, k)) for s, r, n, k in store.fetchall(_PER_RUN))
        assert store.fetchall("SELECT count(*) - count(DISTINCT (schedule_name, run_id)) FROM runs")[0][0] == 0
    finally:
        store.close()
    for key, counts in got.items():
        assert counts == expected[key], key
    return set(got)


def test_a_sync_killed_mid_write_is_invisible_and_completed_by_the_next(tmp_path):
    db, url = tmp_path / "store.duckdb", str(tmp_path / "ds")
    with Paradime.from_path(RUNS, database=db) as c:
        c.metadata.load("jaffle-daily", runs=100, progress=False)
        expected = dict(((s, r), (n, k)) for s, r, n, k in c.store.fetchall(_PER_RUN))
        reference = state(c.store)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(17)
    debris, seen = 0, set()
    zygote = subprocess.Popen([sys.executable, "-c", _ZYGOTE, str(db), url], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, env=env)
    try:
        for _ in range(10):
            zygote.stdin.write(b"go\n")
            zygote.stdin.flush()
            word, pid = zygote.stdout.readline().split()
            assert word == b"start"
            for _ in range(rng.randint(1, 12)):  # killed right after its k-th data file
                if zygote.stdout.readline().strip() == b"done":
                    break
            os.kill(int(pid), signal.SIGKILL)
            while zygote.stdout.readline().strip() != b"reaped":
                pass
            layout = Layout(url)
            if layout.exists():
                listed = committed(layout.commits())
                debris += sum(1 for f in layout.all_files() if f.endswith(".parquet") and f not in listed)
                visible = _visible_runs_are_whole(url, expected)
                assert visible >= seen  # committed runs stay committed
                seen = visible
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=30)
        zygote.stdout.close()
    assert debris > 0, "no kill landed between writing a run's files and publishing its commit"
    store = Store(db, read_only=True)
    try:
        final = export_dataset(store, url, batch_runs=1)
    finally:
        store.close()
    assert len(final.runs_written) == len(expected) - len(seen)
    layout = Layout(url)
    listed = committed(layout.commits())
    assert {f for f in layout.all_files() if f.endswith(".parquet")} == listed  # nothing left behind
    with Paradime.from_dataset(url) as reader:
        assert state(reader.store) == reference


def test_the_magic_and_sql_cells_read_a_dataset(jaffle, tmp_path, monkeypatch):
    from tests.test_notebook_magic import value  # noqa: PLC0415

    from IPython.core.interactiveshell import InteractiveShell  # noqa: PLC0415
    from IPython.testing.globalipapp import start_ipython  # noqa: PLC0415

    url = str(tmp_path / "ds")
    jaffle.write_dataset(url)
    monkeypatch.setenv("HOME", str(tmp_path))
    start_ipython()
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "paradime_nb")
    try:
        value(ip, f"%paradime connect --dataset {url}")
        dashboard = value(ip, "%paradime health jaffle-daily")
        assert dashboard.models_by_health == jaffle.metadata.get_health_dashboard("jaffle-daily").models_by_health
        frame = value(ip, "%sql SELECT count(*) AS n FROM runs").DataFrame()
        assert frame["n"].tolist() == [12]
    finally:
        ip.run_line_magic("unload_ext", "paradime_nb")


def test_the_sync_command_appends_to_a_dataset_and_views_prints_each_dialect(tmp_path):
    from click.testing import CliRunner  # noqa: PLC0415

    from paradime_nb.cli.app import cli  # noqa: PLC0415

    store, url = str(tmp_path / "s.duckdb"), str(tmp_path / "ds")
    runner = CliRunner()
    first = runner.invoke(cli, ["sync", "jaffle-daily", "--path", str(RUNS), "--store", store, "--runs", "3",
                                "--dataset", url])
    assert first.exit_code == 0, first.output
    assert "3 run(s) written in 1 commit(s), 0 already there" in first.output
    again = runner.invoke(cli, ["sync", "jaffle-daily", "--path", str(RUNS), "--store", store, "--runs", "5",
                                "--dataset", url])
    assert again.exit_code == 0 and "2 run(s) written in 1 commit(s), 3 already there" in again.output
    with Paradime.from_dataset(url) as reader, Paradime.from_source(None, database=store, read_only=True) as c:
        assert state(reader.store) == state(c.store)
    for dialect in ("spark", "trino", "bigquery", "snowflake"):
        out = runner.invoke(cli, ["views", "--dialect", dialect])
        assert out.exit_code == 0 and "CREATE OR REPLACE VIEW node_health AS" in out.output, dialect
    bad = runner.invoke(cli, ["views", "--dialect", "oracle"])
    assert bad.exit_code == 2
