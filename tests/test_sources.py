"""Local sources: dbt target folders, saved-runs folders (odd layouts built from real files), the demo."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from paradime_nb import Paradime
from paradime_nb.errors import ScheduleNotFoundError, SourceError
from paradime_nb.sources import DEMO_SCHEDULE, TargetFolderSource
from paradime_nb.sources.commands import command_kind, dbt_subcommands, may_execute_nodes
from tests import raw
from tests.conftest import GENERATED, JAFFLE, RUNS

DBT_VERSIONS = sorted(p.name for p in GENERATED.iterdir() if p.is_dir())


def _statuses(client) -> Counter:
    return Counter(dict(client.store.fetchall("SELECT status, count(*) FROM dbt_run_results GROUP BY 1")))


@pytest.mark.parametrize("version", DBT_VERSIONS)
def test_target_folders_of_every_dbt_release(version):
    for cmd in ("2_run", "3_test", "6_build"):
        folder = GENERATED / version / cmd
        expected = Counter(r["status"] for r in raw.load_json(folder / "run_results.json")["results"])
        with Paradime.from_path(folder) as client:
            report = client.metadata.load(cmd, progress=False)
            assert len(report.loaded) == 1
            assert _statuses(client) == expected
            nodes = raw.manifest_graph_nodes(raw.load_json(folder / "manifest.json"))
            assert client.store.fetchall("SELECT count(*) FROM model_metadata")[0][0] == len(nodes)


@pytest.mark.parametrize("version", DBT_VERSIONS)
def test_freshness_and_docs_target_folders(version):
    fresh = GENERATED / version / "4_source_freshness"
    expected = Counter(r["status"] for r in raw.load_json(fresh / "sources.json")["results"])
    with Paradime.from_path(fresh, schedule_name="fresh") as client:
        client.metadata.load("fresh", progress=False)
        got = dict(client.store.fetchall("SELECT status, count(*) FROM dbt_source_freshness_results GROUP BY 1"))
        assert got == dict(expected)
    docs = GENERATED / version / "5_docs_generate"
    catalog = raw.load_json(docs / "catalog.json")
    with Paradime.from_path(docs) as client:
        client.metadata.load("5_docs_generate", progress=False)
        assert client.store.fetchall("SELECT count(*) FROM dbt_run_results")[0][0] == 0
        assert client.store.fetchall("SELECT count(*) FROM catalog_nodes")[0][0] == len(catalog["nodes"]) + len(catalog["sources"])


def test_target_folder_is_named_after_the_project_and_new_invocations_add_runs(tmp_path):
    project = tmp_path / "my_project"
    target = project / "target"
    target.mkdir(parents=True)
    for name in ("manifest.json", "run_results.json"):
        shutil.copy(GENERATED / "dbt-1.11.16" / "2_run" / name, target / name)
    source = TargetFolderSource(project)
    assert [s.slug for s in source.schedules()] == ["my_project"]
    with Paradime.from_path(project) as client:
        assert client.metadata.load("my_project", progress=False).loaded
        assert client.metadata.load("my_project", progress=False).loaded == []  # same invocation
        shutil.copy(GENERATED / "dbt-1.11.16" / "3_test" / "run_results.json", target / "run_results.json")
        assert len(client.metadata.load("my_project", progress=False).loaded) == 1  # a new dbt test
        assert client.store.fetchall("SELECT count(*) FROM runs")[0][0] == 2


def test_command_lines():
    assert dbt_subcommands("dbt seed && dbt run --select tag:daily") == ["seed", "run"]
    assert command_kind("dbt source freshness") == "source freshness"
    assert command_kind("cd analytics; dbt docs generate --no-compile") == "docs generate"
    assert not may_execute_nodes("dbt docs generate")
    assert not may_execute_nodes("dbt deps && dbt compile")
    assert may_execute_nodes("dbt deps && dbt build --fail-fast")
    assert may_execute_nodes("./run_dbt.sh")  # unknown wrapper: the file's args.which decides


# --- odd saved-runs layouts, built from real artifacts --------------------------------


def _copy_run(dest_root: Path, run_id: str, new_id: int | None = None, **run_changes) -> Path:
    schedule = dest_root / "odd"
    schedule.mkdir(exist_ok=True)
    (schedule / "schedule.json").write_text(json.dumps({"name": "Odd schedule", "slug": "odd"}))
    dest = schedule / str(new_id or run_id)
    shutil.copytree(JAFFLE / run_id, dest)
    meta = json.loads((dest / "run.json").read_text())
    meta.update(run_changes)
    meta["id"] = int(dest.name)
    (dest / "run.json").write_text(json.dumps(meta))
    return dest


def _set_command(cmd_dir: Path, **changes) -> None:
    meta = json.loads((cmd_dir / "command.json").read_text())
    meta.update(changes)
    (cmd_dir / "command.json").write_text(json.dumps(meta))


def test_chained_commands_count_by_what_their_files_say(tmp_path):
    run = _copy_run(tmp_path, "48001")
    _set_command(run / "2_seed", command="dbt deps && dbt seed")
    _set_command(run / "4_run", command="dbt run && dbt docs generate")  # its files are still dbt run's
    # a chained line whose run_results came from docs generate must not count
    shutil.copy(run / "7_docs_generate" / "target" / "run_results.json", run / "5_test" / "target" / "run_results.json")
    _set_command(run / "5_test", command="dbt test && dbt docs generate")
    expected = Counter()
    for cmd in ("2_seed", "3_snapshot", "4_run"):
        expected.update(r["status"] for r in raw.load_json(run / cmd / "target" / "run_results.json")["results"])
    with Paradime.from_path(tmp_path) as client:
        client.metadata.load("Odd schedule", progress=False)
        assert _statuses(client) == expected
        kinds = client.store.fetchall("SELECT dbt_command FROM commands ORDER BY command_index")
        assert [k for (k,) in kinds][:5] == ["deps", "seed", "snapshot", "run", "docs generate"]


def test_project_in_a_subfolder(tmp_path):
    run = _copy_run(tmp_path, "48004")
    for cmd in raw.command_dirs(run):
        if (cmd / "target").is_dir():
            (cmd / "analytics").mkdir()
            (cmd / "target").rename(cmd / "analytics" / "target")
    with Paradime.from_path(tmp_path) as client:
        client.metadata.load("odd", progress=False)
        assert _statuses(client) == raw.status_counts(JAFFLE / "48004")
        paths = {p for (p,) in client.store.fetchall("SELECT DISTINCT path FROM artifacts")}
        assert all(p.startswith("analytics/target/") for p in paths)


def test_run_in_progress_is_skipped_then_replaced_when_finished(tmp_path):
    run = _copy_run(tmp_path, "48011", state="RUNNING", endDttm=None)
    _set_command(run / "3_run", returnCode=None, endDttm=None)
    with Paradime.from_path(tmp_path) as client:
        report = client.metadata.load("odd", progress=False)
        assert report.loaded == [] and report.skipped_running == [48011]
        report = client.metadata.load("odd", include_running=True, progress=False)
        assert report.loaded == [48011]
        assert client.store.fetchall("SELECT exit_code FROM commands WHERE command_index = 3") == [(None,)]
        # the run finishes: a later load replaces the stored partial run
        meta = json.loads((run / "run.json").read_text())
        meta.update(state="FAILED", endDttm="2026-03-12 06:00:47")
        (run / "run.json").write_text(json.dumps(meta))
        _set_command(run / "3_run", returnCode=124, endDttm="2026-03-12 06:00:47")
        assert client.metadata.load("odd", progress=False).loaded == [48011]
        assert client.store.fetchall("SELECT state FROM runs") == [("FAILED",)]
        assert client.store.fetchall("SELECT exit_code FROM commands WHERE command_index = 3") == [(124,)]
        assert client.store.fetchall("SELECT count(*) FROM commands")[0][0] == 3


def test_run_without_artifacts_is_recorded_with_a_note(tmp_path):
    run = _copy_run(tmp_path, "48005")
    shutil.rmtree(run / "2_source_freshness")
    with Paradime.from_path(tmp_path) as client:
        assert client.metadata.load("odd", progress=False).loaded == [48005]
        (notes,) = client.store.fetchall("SELECT notes FROM runs")[0]
        assert any("no command of this run left dbt artifacts" in n for n in notes)
        assert client.store.fetchall("SELECT count(*) FROM commands")[0][0] == 1


def test_schedule_names_and_close_matches():
    with Paradime.from_path(JAFFLE) as client:
        assert client.metadata.load("Jaffle daily", runs=1, progress=False).schedule_name == "jaffle-daily"
        with pytest.raises(ScheduleNotFoundError) as info:
            client.metadata.load("jaffle-dialy", progress=False)
        assert "jaffle-daily" in info.value.suggestions
        assert "jaffle-daily" in str(info.value)


def test_not_a_runs_folder(tmp_path):
    with pytest.raises(SourceError, match=str(tmp_path)):
        Paradime.from_path(tmp_path)


def test_demo_has_every_fixture_run_with_identical_rows():
    """The bundled demo is the fixture runs minus files the store does not read."""
    tables = ("runs", "commands", "dbt_run_results", "dbt_source_freshness_results", "model_metadata",
              "node_edges", "test_metadata", "catalog_nodes", "catalog_columns")
    with Paradime.demo() as demo, Paradime.from_path(RUNS) as fixtures:
        demo.metadata.load(DEMO_SCHEDULE, runs=100, progress=False)
        fixtures.metadata.load(DEMO_SCHEDULE, runs=100, progress=False)
        for table in tables:
            exclude = " EXCLUDE (loaded_at)" if table == "runs" else ""
            q = f"SELECT *{exclude} FROM {table} ORDER BY ALL"
            assert demo.store.fetchall(q) == fixtures.store.fetchall(q), table
