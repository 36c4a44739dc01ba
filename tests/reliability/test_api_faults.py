"""Suite 2, API faults: the loopback server's faults hit some of the parallel requests of
a multi-run load; odd but valid answers load as the same folder read locally. Every load
either recovers (every row as a clean load) or raises a typed error; no run is ever half
stored; requests stay within a bound (no retry storms)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from paradime_nb import Paradime
from paradime_nb.errors import ApiError, DownloadError
from paradime_nb.store.integrity import check_integrity
from tests.bolt_support import api_client, assert_no_secret, no_secrets_in_logs, rows, server  # noqa: F401
from tests.conftest import JAFFLE, RUNS
from tests.reliability.support import TABLES, store_state

SCHEDULE, RUNS_LOADED = "jaffle-daily", 4
PARALLEL = {"max_workers": 8, "runs_in_flight": 4}
RETRIES = 2  # tests.bolt_support.FAST


def _tables(client: Paradime, run_ids=None) -> dict[str, list[tuple]]:
    found = {}
    for table in TABLES:
        ignore = ("description",) if table == "runs" else ()  # run.json's note is not in the API
        got = rows(client, table, ignore)
        if run_ids is not None and table != "schedules":
            got = [r for r in got if r[1] in run_ids]
        found[table] = got
    return found


@pytest.fixture(scope="module")
def srv():
    with server(RUNS) as s:
        yield s


@pytest.fixture(scope="module")
def reference():
    with Paradime.from_path(RUNS) as client:
        client.metadata.load(SCHEDULE, runs=RUNS_LOADED, progress=False)
        return _tables(client)


@pytest.fixture(scope="module")
def clean_counts(srv, tmp_path_factory):
    """Requests of a clean load of the same runs: the base of every bound."""
    srv.clear()
    client = api_client(srv, tmp_path_factory.mktemp("cache"), **PARALLEL)
    client.metadata.load(SCHEDULE, runs=RUNS_LOADED)
    counts = Counter(srv.counts)
    client.close()
    srv.clear()
    return counts


@pytest.fixture
def client(srv, tmp_path):
    srv.clear()
    c = api_client(srv, tmp_path / "cache", **PARALLEL)
    yield c
    c.close()
    srv.clear()


# (kind, operation, details): each hits the first two matching requests of the parallel ones;
# any one request survives two hits (two retries), an expired URL is resolved again once.
PASSING = [
    ("status", "download", {"status": 503}),
    ("status", "download", {"status": 429, "retry_after": 1}),
    ("reset", "download", {}),
    ("truncate", "download", {}),
    ("expired", "download", {}),
    ("chunked", "download", {}),
    ("status", "boltCommand", {"status": 502}),
    ("reset", "boltCommand", {}),
    ("truncate", "boltResourceUrl", {}),
    ("status", "boltRunStatus", {"status": 504}),
    ("reset", None, {}),
    ("status", None, {"status": 503}),
]


@pytest.mark.parametrize("kind, op, details", PASSING, ids=lambda v: v if isinstance(v, str) else None)
def test_faults_on_some_parallel_requests_are_retried(srv, client, reference, clean_counts, kind, op, details):
    times = 1 if kind == "expired" else RETRIES
    fault = srv.inject(kind, op, times=times, **details)
    report = client.metadata.load(SCHEDULE, runs=RUNS_LOADED)
    assert len(report.loaded) == RUNS_LOADED and fault.hits == times
    assert _tables(client) == reference
    extra = srv.total_requests() - sum(clean_counts.values())
    assert 0 <= extra <= 2 * fault.hits, f"{extra} extra requests for {fault.hits} faults"


LASTING = [  # (kind, details, error words): every download of run 48011's files fails
    ("status", {"status": 503}, ("48011", "HTTP 503")),
    ("status", {"status": 500}, ("48011", "HTTP 500")),
    ("reset", {}, ("48011", "download failed")),
    ("truncate", {}, ("48011", "cut short")),
    ("expired", {}, ("48011", "HTTP 403")),
]


@pytest.mark.parametrize("kind, details, words", LASTING, ids=lambda v: v if isinstance(v, str) else None)
def test_a_lasting_fault_on_one_runs_files_stores_no_part_of_it(srv, client, reference, clean_counts, kind, details,
                                                               words):
    """Runs load newest first; the one whose files fail is not stored at all, nor any
    after it; what is stored is whole; the same client loads everything once it clears."""
    srv.inject(kind, "download", times=None, where="/48011/", **details)
    with pytest.raises(DownloadError) as info:
        client.metadata.load(SCHEDULE, runs=RUNS_LOADED)
    message = str(info.value)
    assert all(w in message for w in words), message
    assert_no_secret(message, repr(info.value))
    stored = {r for (r,) in client.store.fetchall("SELECT run_id FROM runs")}
    assert 48011 not in stored and stored <= {48012}
    assert _tables(client, stored) == {t: [r for r in v if t == "schedules" or r[1] in stored]
                                       for t, v in reference.items()}
    assert check_integrity(client.store) == []
    failing_files = 3  # run 48011's wanted files: manifest, catalog and run_results/sources of its commands
    bound = sum(clean_counts.values()) + (RETRIES + 1) * 2 * 8 * failing_files
    assert srv.total_requests() <= bound, f"{srv.total_requests()} requests (bound {bound}): a retry storm"
    srv.clear()
    assert len(client.metadata.load(SCHEDULE, runs=RUNS_LOADED).loaded) == RUNS_LOADED - len(stored)
    assert _tables(client) == reference


# --- odd but valid answers ---------------------------------------------------------------------


def _copy_command(source: Path, target: Path, command_id: int, *, subfolder: str = "", extra: dict | None = None):
    target.mkdir(parents=True)
    data = json.loads((source / "command.json").read_text())
    (target / "command.json").write_text(json.dumps({**data, "id": command_id, **(extra or {})}))
    if (source / "target").is_dir():
        shutil.copytree(source / "target", target / subfolder / "target")


def _odd_runs(root: Path) -> Path:
    """Schedule ``odd``: artifacts in a project subfolder, gitInfo and end time null, an
    unknown state, the same file name twice in one command, a run with no commands; and
    schedule ``empty`` with no runs at all."""
    schedule = json.loads((JAFFLE / "schedule.json").read_text())
    odd = root / "odd"
    odd.mkdir(parents=True)
    (odd / "schedule.json").write_text(json.dumps({**schedule, "name": "Odd one", "slug": "odd"}))
    (root / "empty").mkdir()
    (root / "empty" / "schedule.json").write_text(json.dumps({**schedule, "name": "Empty", "slug": "empty"}))
    base = json.loads((JAFFLE / "48004" / "run.json").read_text())
    runs = {
        71: {"gitInfo": None, "endDttm": None, "state": "SUCCESS", "startDttm": "2026-04-01 06:00:00"},
        72: {"state": "WEIRD_NEW_STATE", "startDttm": "2026-04-02 06:00:00", "actorEmail": None},
        73: {"state": "SUCCESS", "startDttm": "2026-04-03 06:00:00"},
    }
    for run_id, changes in runs.items():
        (odd / str(run_id)).mkdir()
        (odd / str(run_id) / "run.json").write_text(json.dumps({**base, "id": run_id, **changes}))
    for k, folder in enumerate(sorted(p for p in (JAFFLE / "48004").iterdir() if p.is_dir())):
        _copy_command(folder, odd / "71" / folder.name, 710_000 + k, subfolder="analytics",
                      extra={"endDttm": None, "returnCode": None} if k == 6 else None)
        _copy_command(folder, odd / "72" / folder.name, 720_000 + k)
    # the same name twice in one command: the project's own and a nested copy
    shutil.copytree(JAFFLE / "48004" / "5_test" / "target", odd / "72" / "5_test" / "nested" / "target")
    return root


def test_odd_but_valid_answers_load_as_the_same_folder_read_locally(tmp_path):
    runs = _odd_runs(tmp_path / "runs")
    with server(runs) as srv, Paradime.from_path(runs) as local:
        client = api_client(srv, tmp_path / "cache", **PARALLEL)
        before = store_state(client.store)
        assert client.metadata.load("empty", runs=10).loaded == []
        assert store_state(client.store) == before
        assert srv.counts["listBoltRuns"] == 1 and srv.counts["boltRunStatus"] == 0

        srv.clear()
        report = client.metadata.load("Odd one", runs=10)
        assert sorted(report.loaded) == [71, 72, 73] and report.notes[73]
        local.metadata.load("odd", runs=10, progress=False)
        for table in TABLES:
            ignore = ("description", "loaded_at") if table == "runs" else ()
            assert rows(client, table, ignore) == rows(local, table, ignore), table
        runs_rows = dict(((r, (s, e, b)) for r, s, e, b in client.store.fetchall(
            "SELECT run_id, state, ended_at, git_branch FROM runs")))
        assert runs_rows[71][1:] == (None, None) and runs_rows[72][0] == "WEIRD_NEW_STATE"
        paths = {p for (p,) in client.store.fetchall("SELECT path FROM artifacts WHERE run_id = 71")}
        assert paths and all(p.startswith("analytics/target/") for p in paths)
        assert client.store.fetchall("SELECT count(*) FROM commands WHERE run_id = 73") == [(0,)]
        assert check_integrity(client.store) == []
        downloads = client.store.fetchall("SELECT count(*) FROM artifacts")[0][0]
        assert srv.counts["boltRunStatus"] == 3 and srv.counts["boltCommand"] == 14
        assert srv.counts["boltResourceUrl"] == srv.counts["download"] == downloads
        client.close()


def test_a_failure_in_graphql_mid_load_leaves_no_partial_run(srv, client, reference):
    """A lasting GraphQL failure after some runs were listed: typed, nothing half stored."""
    srv.inject("graphql_error", "boltCommand", times=None, message="internal: shard unavailable")
    with pytest.raises(ApiError, match="shard unavailable"):
        client.metadata.load(SCHEDULE, runs=RUNS_LOADED)
    assert client.store.fetchall("SELECT count(*) FROM runs") == [(0,)]
    assert check_integrity(client.store) == []
    assert srv.counts["boltCommand"] <= 8 * RUNS_LOADED  # at most the commands in flight, once each
