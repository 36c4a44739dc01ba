"""Loading through the real client over HTTP from the loopback server serving the fixture
runs: the same rows as the saved-runs source, the round trips the design promises, the
disk cache, and the results of failing commands (expectations from the raw JSON)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from paradime_nb import Paradime
from paradime_nb.errors import ScheduleNotFoundError
from tests import raw
from tests.bolt_support import TABLES, api_client, no_secrets_in_logs, raises, rows, server  # noqa: F401
from tests.conftest import JAFFLE, RUNS

RUN_DIRS = raw.run_dirs(JAFFLE)
RUN_IDS = sorted(int(p.name) for p in RUN_DIRS)


def _expected_downloads(run_dir: Path) -> int:
    """Files the store reads, counted from the folder: the latest manifest and catalog,
    every sources.json, and run_results of commands other than `dbt docs generate`."""
    cmds = raw.command_dirs(run_dir)
    lines = [json.loads((c / "command.json").read_text())["command"] for c in cmds]
    return (
        any(raw.find(c, "manifest.json") for c in cmds)
        + any(raw.find(c, "catalog.json") for c in cmds)
        + sum(1 for c in cmds if raw.find(c, "sources.json"))
        + sum(1 for c, line in zip(cmds, lines) if raw.find(c, "run_results.json") and "docs generate" not in line)
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Every fixture run loaded over HTTP, with the request counts of that load."""
    with server(RUNS) as srv:
        client = api_client(srv, tmp_path_factory.mktemp("cache"))
        report = client.metadata.load("jaffle-daily", runs=len(RUN_IDS))
        counts = Counter(srv.counts)
        counts_by_path = Counter(srv.downloaded)
        yield client, report, (counts, counts_by_path)
        client.close()


@pytest.fixture(scope="module")
def local():
    client = Paradime.from_path(RUNS)
    client.metadata.load("jaffle-daily", runs=len(RUN_IDS), progress=False)
    yield client
    client.close()


@pytest.mark.parametrize("table", TABLES)
def test_api_load_lands_the_same_rows_as_the_saved_runs_folder(loaded, local, table):
    client, report, _ = loaded
    assert sorted(report.loaded) == RUN_IDS
    # the API has no run description (run.json's `description` is a fixture comment)
    ignore = ("description",) if table == "runs" else ()
    expected = rows(local, table, ignore)
    assert expected, f"{table} is empty: the comparison would prove nothing"
    assert rows(client, table, ignore) == expected
    if table == "runs":
        assert {d for (d,) in client.store.fetchall("SELECT DISTINCT description FROM runs")} == {None}


def test_round_trips_of_a_load(loaded):
    _, _, (counts, by_path) = loaded
    commands = sum(len(raw.command_dirs(d)) for d in RUN_DIRS)
    files = sum(_expected_downloads(d) for d in RUN_DIRS)
    assert counts == {
        "listBoltSchedules": 2,  # "jaffle-daily" is not in the store yet: active + inactive lists
        "listBoltRuns": 1,
        "boltRunStatus": len(RUN_IDS),
        "boltCommand": commands,
        "boltResourceUrl": files,
        "download": files,
    }
    # one manifest per run, however many commands left one
    assert by_path["target/manifest.json"] == len(RUN_IDS)
    assert sum(1 for d in RUN_DIRS for c in raw.command_dirs(d) if raw.find(c, "manifest.json")) > len(RUN_IDS)


def test_a_reload_with_nothing_new_costs_one_request(tmp_path):
    with server(RUNS) as srv:
        client = api_client(srv, tmp_path)
        client.metadata.load("jaffle-daily", runs=2)
        srv.clear()
        report = client.metadata.load("jaffle-daily", runs=2)
        assert report.loaded == [] and sorted(report.already_stored) == RUN_IDS[-2:]
        assert srv.counts == {"listBoltRuns": 1}
        srv.clear()
        client.metadata.load("Jaffle daily")  # the display name, resolved from the store
        assert srv.counts == {"listBoltRuns": 1}


def test_a_new_kernel_with_a_warm_disk_cache_downloads_nothing(tmp_path):
    with server(RUNS) as srv:
        first = api_client(srv, tmp_path)
        first.metadata.load("jaffle-daily", runs=3)
        before = {t: rows(first, t) for t in TABLES}
        first.close()
        srv.clear()
        second = api_client(srv, tmp_path)  # a fresh in-memory store: the runs are fetched again
        report = second.metadata.load("jaffle-daily", runs=3)
        assert len(report.loaded) == 3
        assert srv.counts == {"listBoltSchedules": 2, "listBoltRuns": 1}
        assert {t: rows(second, t) for t in TABLES} == before
        second.source.clear_cache()
        second.close()
        srv.clear()
        third = api_client(srv, tmp_path)
        third.metadata.load("jaffle-daily", runs=3)
        assert srv.counts["download"] == sum(_expected_downloads(JAFFLE / str(i)) for i in RUN_IDS[-3:])
        third.close()


def _results(client: Paradime, run_id: int, index: int) -> Counter:
    return Counter(client.store.fetchall(
        "SELECT unique_id, status FROM dbt_run_results WHERE run_id = ? AND command_index = ?", [run_id, index]))


def _failed_commands(verb: str, code: int) -> list[tuple[int, int, Path]]:
    found = []
    for run_dir in RUN_DIRS:
        for index, cmd in enumerate(raw.command_dirs(run_dir), start=1):
            meta = json.loads((cmd / "command.json").read_text())
            if meta["returnCode"] == code and meta["command"].split()[:2] == ["dbt", verb]:
                found.append((int(run_dir.name), index, cmd))
    return found


FAILED_TESTS = _failed_commands("test", 1)
FAILED_BUILDS = _failed_commands("build", 1)
INTERRUPTED = _failed_commands("run", 124)


def test_the_fixtures_hold_each_kind_of_failing_command():
    assert FAILED_TESTS and FAILED_BUILDS and [r for r, _, _ in INTERRUPTED] == [48011]


@pytest.mark.parametrize("run_id, index, cmd", FAILED_TESTS, ids=lambda v: str(v) if isinstance(v, int) else "")
def test_a_dbt_test_that_exited_1_yields_its_failing_tests(loaded, run_id, index, cmd):
    client = loaded[0]
    doc = raw.load_json(raw.find(cmd, "run_results.json"))
    failing = {r["unique_id"] for r in doc["results"] if r["status"] in ("fail", "error")}
    assert failing
    stored = {u for (u, s), _n in _results(client, run_id, index).items() if s in ("fail", "error")}
    assert stored == failing


@pytest.mark.parametrize("run_id, index, cmd", FAILED_BUILDS + INTERRUPTED, ids=lambda v: str(v) if isinstance(v, int) else "")
def test_a_failed_or_interrupted_command_yields_everything_it_executed(loaded, run_id, index, cmd):
    client = loaded[0]
    exit_code = json.loads((cmd / "command.json").read_text())["returnCode"]
    assert client.store.fetchall(
        "SELECT exit_code FROM commands WHERE run_id = ? AND command_index = ?", [run_id, index]) == [(exit_code,)]
    found = raw.find(cmd, "run_results.json")
    expected = Counter((r["unique_id"], r["status"]) for r in raw.load_json(found)["results"]) if found else Counter()
    assert _results(client, run_id, index) == expected


def test_display_name_and_slug_name_the_same_schedule(tmp_path):
    with server(RUNS) as srv:
        client = api_client(srv, tmp_path)
        assert client.metadata.load("Jaffle daily").schedule_name == "jaffle-daily"
        assert client.metadata.load("jaffle-daily", runs=2).already_stored == [RUN_IDS[-1]]
        with raises(ScheduleNotFoundError, "jaffle-dialy", "Did you mean", "jaffle-daily") as info:
            client.metadata.load("jaffle-dialy")
        assert "jaffle-daily" in info.value.suggestions


def test_days_loads_the_runs_that_started_in_that_window(tmp_path):
    cutoff = datetime(2026, 3, 10, 12, 0)
    expected = sorted(int(d.name) for d in RUN_DIRS
                      if datetime.fromisoformat(json.loads((d / "run.json").read_text())["startDttm"]) >= cutoff)
    newest = max(datetime.fromisoformat(json.loads((d / "run.json").read_text())["startDttm"]) for d in RUN_DIRS)
    with server(RUNS) as srv:
        client = api_client(srv, tmp_path)
        client.metadata.load("jaffle-daily")
        srv.clear()
        # days count back from the newest run the source lists (one request finds it)
        report = client.metadata.load("jaffle-daily", days=(newest - cutoff).total_seconds() / 86400)
        assert sorted(report.loaded + report.already_stored) == expected
        assert srv.counts["listBoltRuns"] == 2


def test_runs_are_paginated_newest_first(tmp_path):
    newest_first = [int(d.name) for d in sorted(
        RUN_DIRS, key=lambda d: json.loads((d / "run.json").read_text())["startDttm"], reverse=True)]
    with server(RUNS) as srv:
        client = api_client(srv, tmp_path, page_size=5)
        schedule = client.source.schedule("jaffle-daily")
        srv.clear()
        assert [r.run_id for r in client.source.runs(schedule)] == newest_first
        assert srv.counts == {"listBoltRuns": 3}  # 5 + 5 + 2
        srv.clear()
        assert [r.run_id for r in client.source.runs(schedule, limit=7)] == newest_first[:7]
        assert srv.counts == {"listBoltRuns": 1}


def _copy_run(src: Path, dest: Path, **run_changes) -> Path:
    shutil.copytree(src, dest)
    meta = json.loads((dest / "run.json").read_text())
    (dest / "run.json").write_text(json.dumps({**meta, **run_changes}))
    return dest


def test_a_run_without_artifacts_is_recorded_with_a_note(tmp_path):
    folder = tmp_path / "runs" / "jaffle-daily"
    folder.mkdir(parents=True)
    shutil.copy(JAFFLE / "schedule.json", folder)
    run = _copy_run(JAFFLE / "48009", folder / "48009")
    shutil.rmtree(run / "2_build")  # only `dbt deps` is left
    with server(folder.parent) as srv:
        client = api_client(srv, tmp_path / "cache")
        report = client.metadata.load("jaffle-daily")
        assert report.loaded == [48009] and report.notes[48009]
        notes = client.store.fetchall("SELECT notes FROM runs WHERE run_id = 48009")[0][0]
        assert "no command of this run left dbt artifacts" in notes
        assert srv.counts["download"] == 0


def test_a_running_run_is_skipped_unless_asked_for_and_never_cached(tmp_path):
    folder = tmp_path / "runs" / "jaffle-daily"
    folder.mkdir(parents=True)
    shutil.copy(JAFFLE / "schedule.json", folder)
    _copy_run(JAFFLE / "48011", folder / "48011")
    running = _copy_run(JAFFLE / "48012", folder / "48013", id=48013, state="RUNNING",
                        startDttm="2026-03-14 06:00:00", endDttm=None)
    last = running / "4_docs_generate" / "command.json"
    last.write_text(json.dumps({**json.loads(last.read_text()), "returnCode": None, "endDttm": None}))
    with server(folder.parent) as srv:
        cache = tmp_path / "cache"
        client = api_client(srv, cache)
        report = client.metadata.load("jaffle-daily")
        assert report.skipped_running == [48013] and report.loaded == [48011]  # runs=1: the latest finished run
        assert "48013" in str(report)
        report = client.metadata.load("jaffle-daily", include_running=True)
        assert report.loaded == [48013]
        assert client.store.fetchall("SELECT state FROM runs WHERE run_id = 48013") == [("RUNNING",)]
        assert client.store.fetchall("SELECT exit_code FROM commands WHERE command_index = 4") == [(None,)]
        assert not list(cache.rglob("48013"))  # its files may still change: nothing on disk


def test_a_project_in_a_subfolder_and_chained_command_lines(tmp_path):
    """Paths like analytics/target/run_results.json, and `git pull && dbt build`: the API
    load lands what the saved-runs source reads from the very same folder."""
    folder = tmp_path / "runs" / "jaffle-daily"
    folder.mkdir(parents=True)
    shutil.copy(JAFFLE / "schedule.json", folder)
    run = _copy_run(JAFFLE / "48012", folder / "48012")
    for cmd in raw.command_dirs(run):
        if (cmd / "target").is_dir():
            (cmd / "analytics").mkdir()
            (cmd / "target").rename(cmd / "analytics" / "target")
    build = run / "2_build" / "command.json"
    build.write_text(json.dumps({**json.loads(build.read_text()), "command": "git pull && dbt build"}))
    local = Paradime.from_path(folder.parent)
    local.metadata.load("jaffle-daily", progress=False)
    with server(folder.parent) as srv:
        client = api_client(srv, tmp_path / "cache")
        client.metadata.load("jaffle-daily")
        paths = {p for (p,) in client.store.fetchall("SELECT DISTINCT path FROM artifacts")}
        assert paths and all(p.startswith("analytics/target/") for p in paths)
        for table in TABLES:
            ignore = ("description",) if table == "runs" else ()
            assert rows(client, table, ignore) == rows(local, table, ignore), table
        assert client.store.fetchall("SELECT count(*) FROM dbt_run_results WHERE command_index = 2") == [
            (len(raw.load_json(run / "2_build" / "analytics" / "target" / "run_results.json")["results"]),)]


def test_an_analysis_on_a_schedule_not_loaded_loads_its_latest_run(tmp_path):
    with server(RUNS) as srv:
        client = api_client(srv, tmp_path)
        answer = client.metadata.query_sql("SELECT run_id FROM runs WHERE schedule_name = $schedule_name",
                                           schedule_name="Jaffle daily")
        assert answer["run_id"].tolist() == [RUN_IDS[-1]]


def test_the_download_bar_shows_on_slow_loads_and_is_silent_when_asked(tmp_path, capsys):
    with server(RUNS, latency=0.2) as srv:
        quiet = api_client(srv, tmp_path / "a", progress=False)
        quiet.metadata.load("jaffle-daily", runs=2, progress=False)
        assert capsys.readouterr().err == ""
        shown = api_client(srv, tmp_path / "b", progress=None)  # the default: shown when slow
        shown.metadata.load("jaffle-daily", runs=2)
        assert "downloading artifacts" in capsys.readouterr().err
        silenced = api_client(srv, tmp_path / "c", progress=None)
        silenced.metadata.load("jaffle-daily", runs=2, progress=False)  # the load's flag wins
        assert capsys.readouterr().err == ""
