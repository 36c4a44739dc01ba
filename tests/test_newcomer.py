"""What a new user trips on (issue 11), each in the shape of its reproduction: a real
IPython shell with the extension loaded, real DuckDB, the loopback server where the API
is involved. Expectations come from the raw fixture JSON or a separate client."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from IPython.core.error import UsageError

from paradime_nb import Paradime
from paradime_nb.errors import InvalidArgumentError, QueryError, StoreError

from . import raw
from .conftest import ROOT, RUNS
from .test_notebook_magic import DEMO, run, shell, value  # noqa: F401  (the shell fixture)

S = "jaffle-daily"


def _error(ip, source: str) -> BaseException:
    result, _out = run(ip, source)
    assert result.error_in_exec is not None, f"{source!r} did not fail"
    return result.error_in_exec


# --- 1. quoting -------------------------------------------------------------------------------


def test_the_magic_splits_its_arguments_like_a_shell(shell):
    value(shell, "%paradime connect --demo")
    report = value(shell, '%paradime load "Jaffle daily"')
    assert report.schedule_name == S and report.loaded
    union = value(shell, '%paradime lineage "orders customers"')
    with Paradime.demo() as other:
        other.metadata.load(S, progress=False)
        expected = other.metadata.select_nodes(S, "orders customers").unique_ids
    assert sorted(union.unique_ids) == sorted(expected) and len(expected) >= 2
    err = _error(shell, "%paradime load \"Bob's")
    assert isinstance(err, UsageError) and "quote" in str(err) and "\n" not in str(err)
    err = _error(shell, "%paradime load Jaffle daily")  # unquoted: the error says to quote
    assert "unrecognized arguments: daily" in str(err) and "needs quotes" in str(err)
    err = _error(shell, "%paradime load --runs 2 --bogus")  # an unknown option is not a name in pieces
    assert "--bogus" in str(err) and "quotes" not in str(err)


# --- 2. --days: one definition, one-line errors ------------------------------------------------


def test_load_days_count_back_from_the_newest_run_the_source_lists(shell):
    value(shell, "%paradime connect --demo")
    report = value(shell, "%paradime load jaffle-daily --days 3")  # the demo's runs are months old
    starts = sorted(json.loads((d / "run.json").read_text())["startDttm"] for d in raw.run_dirs(DEMO))
    from datetime import datetime, timedelta
    newest = datetime.fromisoformat(starts[-1])
    expected = [s for s in starts if datetime.fromisoformat(s) >= newest - timedelta(days=3)]
    assert len(report.loaded) == len(expected) >= 3
    perf = value(shell, "%paradime perf --days 3")
    assert len(perf.runs) == len(expected) - 1  # perf: runs started after the window's start


def test_a_load_that_finds_nothing_says_why(shell, tmp_path):
    import shutil

    (tmp_path / S).mkdir()
    shutil.copy(RUNS / S / "schedule.json", tmp_path / S)  # a schedule that never ran
    value(shell, f"%paradime connect --path {tmp_path}")
    for line in ("%paradime load jaffle-daily", "%paradime load jaffle-daily --days 3"):
        report = value(shell, line)
        assert report.loaded == [] and "lists no run of this schedule" in str(report), str(report)
        _result, out = run(shell, line)
        assert str(tmp_path) in out.stdout and "lists no run" in out.stdout


@pytest.mark.parametrize("bad", ["0", "-1", "inf", "nan", "1e308", "1e9"])
def test_bad_day_counts_are_one_line_errors_on_every_command(shell, bad):
    value(shell, "%paradime connect --demo")
    value(shell, "%paradime load jaffle-daily")
    for line in (f"%paradime load jaffle-daily --days {bad}", f"%paradime perf --days {bad}",
                 f"%paradime tests --history --days {bad}", f"%paradime runs --days {bad}"):
        err = _error(shell, line)
        assert isinstance(err, UsageError) and "days" in str(err) and "\n" not in str(err), (line, err)
    with Paradime.demo() as client:
        with pytest.raises(InvalidArgumentError, match="days"):
            client.metadata.get_performance_metrics(S, days=float(bad))


# --- 3. a store is closed -----------------------------------------------------------------------


def test_reconnect_disconnect_and_unload_close_the_store_file(shell, tmp_path):
    path = tmp_path / "re.duckdb"
    value(shell, f"%paradime connect --demo --database {path}")
    value(shell, "%paradime load jaffle-daily")
    value(shell, "%paradime connect --demo")  # the file is released ...
    with Paradime.demo(database=path) as other:  # ... so another client (or process) opens it
        assert other.metadata.loaded_schedules() == [S]
    value(shell, f"%paradime connect --demo --database {path}")
    _result, out = run(shell, "%paradime disconnect")
    assert "disconnected" in out.stdout
    with Paradime.demo(database=path):
        pass
    value(shell, f"%paradime connect --demo --database {path}")
    shell.run_line_magic("unload_ext", "paradime_nb")
    with Paradime.demo(database=path):
        pass
    shell.run_line_magic("load_ext", "paradime_nb")


def test_a_store_file_can_be_read_by_two_processes_while_none_writes(tmp_path):
    path = tmp_path / "shared.duckdb"
    with Paradime.from_path(RUNS, database=path) as writer:
        writer.metadata.load(S, runs=2, progress=False)
        expected = [m.health_status for m in writer.metadata.get_model_health(S)]
    code = ("import sys; from paradime_nb import Paradime\n"
            "with Paradime.from_source(None, database=sys.argv[1], read_only=True) as c:\n"
            "    print(','.join(m.health_status for m in c.metadata.get_model_health('jaffle-daily')))")
    with Paradime.from_source(None, database=path, read_only=True) as reader:
        other = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
        assert other.returncode == 0, other.stderr[-1000:]
        assert other.stdout.strip().split(",") == expected == [m.health_status for m in reader.metadata.get_model_health(S)]
    with Paradime.from_path(RUNS, database=path, read_only=True) as reader:
        assert reader.metadata.load(S, runs=2, progress=False).already_stored  # stored: nothing to write
        with pytest.raises(StoreError) as info:  # said before anything is fetched, not DuckDB's INSERT error
            reader.metadata.load(S, runs=3, progress=False)
    assert "open read-only" in str(info.value) and "INSERT" not in str(info.value) and "\n" not in str(info.value)


# --- 4 and 5. user SQL is read-only and its errors are one line ----------------------------------


def test_user_sql_cannot_change_the_store_unless_asked(shell, tmp_path):
    value(shell, "%paradime connect --demo")
    value(shell, "%paradime load jaffle-daily")
    before = value(shell, "%paradime health").models_by_health
    for sql in ("UPDATE node_results SET status = 'error'", "DROP VIEW node_health", "DELETE FROM runs"):
        result, out = run(shell, f"%%sql\n{sql}")
        assert isinstance(result.error_in_exec, QueryError) and "read-only" in str(result.error_in_exec), sql
        shown = (out.stdout + out.stderr).strip()
        assert "Traceback" not in shown and "\n" not in shown and "read-only" in shown, shown[:300]  # one line
        err = _error(shell, f"%%paradime query\n{sql}")
        assert isinstance(err, UsageError) and "read-only" in str(err) and "\n" not in str(err)
    assert value(shell, "%paradime health").models_by_health == before
    (tmp_path / "owners.csv").write_text("model,owner\norders,finance\ncustomers,growth\n")
    frame = value(shell, f"%%paradime query\nSELECT count(*) AS n FROM read_csv('{tmp_path / 'owners.csv'}')")
    assert frame["n"].tolist() == [2]  # reading a local file is a read
    with Paradime.demo() as own:
        own.metadata.load(S, progress=False)
        healthy = own.metadata.get_health_dashboard(S).healthy_models
        own.metadata.query_sql("UPDATE node_results SET status = 'error' WHERE unique_id LIKE 'model.%'", write=True)
        after = own.metadata.get_health_dashboard(S)
        assert after.healthy_models == 0 < healthy  # the cached health was dropped
        assert after.critical_models >= after.total_models - 1  # all but the ephemeral one (warning: upstream)


def test_user_sql_errors_are_one_typed_line(shell):
    value(shell, "%paradime connect --demo")
    value(shell, "%paradime load jaffle-daily")
    err = _error(shell, "%%paradime query\nSELEC 1")
    assert isinstance(err, UsageError) and "\n" not in str(err) and "syntax error" in str(err).lower()
    assert "line 1" in str(err)
    with Paradime.demo() as client:
        client.metadata.load(S, progress=False)
        with pytest.raises(QueryError, match="no value for"):
            client.metadata.query_sql("SELECT $x", parameters={"y": 1})
        got = client.metadata.query_sql("SELECT '$schedule_name' AS a -- $schedule_name", S)
        assert got["a"].tolist() == ["$schedule_name"]  # not a parameter inside a literal or comment
        got = client.metadata.query_sql("SELECT $schedule_name AS s", S)
        assert got["s"].tolist() == [S]


# --- 6. TIMESTAMPTZ through %%sql ------------------------------------------------------------------


def test_sql_timestamptz_works_on_a_fresh_install(shell):
    value(shell, "%paradime connect --demo")
    value(shell, "%paradime load jaffle-daily")
    frame = value(shell, "%sql SELECT now() AS t").DataFrame()
    assert len(frame) == 1
    text = (ROOT / "pyproject.toml").read_text()
    assert '"pytz' in text.split("[project.optional-dependencies]")[0]  # a declared dependency


# --- 9. a never-run model whose test warned ------------------------------------------------------


def test_a_model_that_never_ran_but_whose_test_warned_is_a_warning(tmp_path):
    from .conftest import GENERATED

    target = sorted(GENERATED.glob("dbt-1.11*"))[-1] / "3_test"
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())
    warned = {manifest["nodes"][r["unique_id"]].get("attached_node") for r in results if r["status"] == "warn"}
    failed = {manifest["nodes"][r["unique_id"]].get("attached_node") for r in results if r["status"] == "fail"}
    warned = {m for m in warned - failed if m and m.startswith("model.")}
    assert warned
    with Paradime.from_path(target, schedule_name="tests-only") as client:
        health = {m.unique_id: m for m in client.metadata.get_model_health("tests-only")}
    for uid in warned:
        assert health[uid].status is None and health[uid].health_status == "Warning", uid
        assert any("warned" in r for r in health[uid].reasons)


# --- 12. small things ----------------------------------------------------------------------------


def test_small_things_a_user_sees(shell):
    from paradime_nb.notebook.widgets.health import static_html
    from paradime_nb.notebook.widgets.style import FONT

    value(shell, "%paradime connect --demo")
    report = value(shell, "%paradime load jaffle-daily")
    _result, out = run(shell, "%paradime load jaffle-daily")
    assert "LoadReport(" not in out.stdout
    card = static_html(value(shell, "%paradime health"))
    for style in __import__("re").findall(r"style='([^']*)'", card):
        assert "Segoe UI" not in style or "'" not in style
    assert "'" not in FONT
    tests = value(shell, "%paradime tests")
    assert tests.schedule_name == S and S in tests._repr_html_()
    for line in ("%paradime tests", "%paradime freshness", "%paradime history orders"):
        _result, out = run(shell, line)  # the plain text (a terminal IPython) names the schedule too
        assert out.stdout.split("\n", 2)[1].startswith(f"{S}: "), (line, out.stdout[:200])
    perf = value(shell, "%paradime perf")  # one stored run
    assert perf.note and "at least 2 runs" in perf.note
    _result, out = run(shell, "%paradime")
    assert not out.stdout.lstrip().startswith("::")
    assert report.loaded
    demo = subprocess.run(f"{sys.executable} -m paradime_nb demo | head -3", shell=True, capture_output=True,
                          text=True, timeout=180)
    assert "BrokenPipeError" not in demo.stderr and len(demo.stdout.splitlines()) == 3


def test_sql_cells_work_right_after_connect(shell):
    value(shell, "%paradime connect --demo")
    frame = value(shell, "%sql SELECT count(*) AS n FROM runs").DataFrame()
    assert frame["n"].tolist() == [0]


# --- 7. API messages that say what to do ------------------------------------------------------


def test_a_long_retry_after_is_said_and_capped(caplog):
    import logging
    import time

    from .bolt_support import FAST, server

    with server(RUNS) as srv:
        srv.inject("status", "listBoltRuns", status=429, retry_after=100)  # "come back in 100 s"
        with Paradime(**srv.credentials(), **{**FAST, "retry_after_max": 1}, cache_dir=False) as client:
            started = time.perf_counter()
            with caplog.at_level(logging.WARNING, logger="paradime_nb"):
                assert client.metadata.load(S, progress=False).loaded
            assert time.perf_counter() - started < 30  # capped at retry_after_max, not 100 s
    said = [r.getMessage() for r in caplog.records if "asked to wait" in r.getMessage()]
    assert said and "waiting 1 s" in said[0] and "Ctrl-C" in said[0], said


def test_api_messages_say_what_to_do(tmp_path):
    from paradime_nb.errors import ApiError

    from .bolt_support import FAST, assert_no_secret, server

    with server(RUNS) as srv:
        creds = srv.credentials()
        wrong = Paradime(**{**creds, "api_endpoint": creds["api_endpoint"] + "/nope"}, **FAST, cache_dir=False)
        with pytest.raises(ApiError) as info:
            wrong.metadata.schedules()
        assert "HTTP 404" in str(info.value) and "/nope" in str(info.value) and "PARADIME_API_ENDPOINT" in str(info.value)
        srv.inject("status", "listBoltSchedules", status=200, times=None)  # an HTML page with 200
        client = Paradime(**creds, **FAST, cache_dir=False)
        with pytest.raises(ApiError) as info:
            client.metadata.schedules()
        assert "is not the Paradime API" in str(info.value) and "text/html" in str(info.value)
        assert "PARADIME_API_ENDPOINT" in str(info.value)
        srv.clear()
        srv.latency = 1.0
        slow = Paradime(**creds, **{**FAST, "retries": 0}, timeout=0.2, cache_dir=False)
        with pytest.raises(ApiError) as info:
            slow.metadata.schedules()
        assert "did not answer within 0.2 s" in str(info.value) and "timeout" in str(info.value)
        srv.latency = 0.0
        for c in (wrong, client, slow):
            assert_no_secret(repr(c))
            c.close()


def test_load_refresh_downloads_again_and_replaces_what_changed(shell, tmp_path):
    """`--refresh` re-downloads the runs it loads (not from the disk cache) and stores what
    the API serves now."""
    import shutil

    from .bolt_support import FAST, server

    root = tmp_path / "served"
    (root / S).mkdir(parents=True)
    shutil.copy(RUNS / S / "schedule.json", root / S)
    for run_id in ("48011", "48012"):
        shutil.copytree(RUNS / S / run_id, root / S / run_id)
    with server(root) as srv:
        client = Paradime(**srv.credentials(), **FAST, cache_dir=tmp_path / "cache")
        shell.user_ns["api"] = client
        value(shell, "%paradime connect --client api")
        assert sorted(value(shell, "%paradime load jaffle-daily --runs 2").loaded) == [48011, 48012]
        first = sum(srv.downloaded.values())
        assert first > 0
        # the API now serves changed results for run 48012: a model that succeeded is an error
        files = sorted((root / S / "48012").rglob("run_results.json"))
        uid = next(r["unique_id"] for r in json.loads(files[-1].read_text())["results"]
                   if r["unique_id"].startswith("model.") and r["status"] == "success")
        for path in files:
            doc = json.loads(path.read_text())
            for r in doc["results"]:
                if r["unique_id"] == uid:
                    r["status"] = "error"
            path.write_text(json.dumps(doc))
        status = "SELECT DISTINCT status FROM node_results WHERE run_id = 48012 AND unique_id = ?"
        assert client.store.fetchall(status, [uid]) == [("success",)]
        assert value(shell, "%paradime load jaffle-daily --runs 2").already_stored  # stored: nothing fetched
        assert sum(srv.downloaded.values()) == first
        report = value(shell, "%paradime load jaffle-daily --runs 2 --refresh")
        assert sorted(report.loaded) == sorted(report.replaced) == [48011, 48012]
        assert "2 fetched again, replacing the stored copy" in str(report)
        assert sum(srv.downloaded.values()) == 2 * first  # every file again, none from the cache
        assert client.store.fetchall(status, [uid]) == [("error",)]
        # the cache holds what was downloaded last: a new kernel reads the new content without a download
        with Paradime(**srv.credentials(), **FAST, cache_dir=tmp_path / "cache") as other:
            other.metadata.load(S, runs=2)
            assert other.store.fetchall(status, [uid]) == [("error",)]
        assert sum(srv.downloaded.values()) == 2 * first
        value(shell, "%paradime disconnect")


# --- 8. one resolver for every command --------------------------------------------------------------


def test_lineage_names_resolve_like_history(shell):
    value(shell, "%paradime connect --demo")
    value(shell, "%paradime load jaffle-daily")
    graph = value(shell, "%paradime lineage Orders --up 1")  # case ignored, as history ignores it
    assert "model.jaffle_shop.orders" in graph.unique_ids
    err = _error(shell, "%paradime lineage ordrs")
    assert isinstance(err, UsageError) and "Did you mean" in str(err) and "orders" in str(err)
    err = _error(shell, "%paradime history jaffle_raw.raw_orders")
    assert "source" in str(err) and "source.jaffle_shop.jaffle_raw.raw_orders" in str(err)
    assert "Did you mean: raw_orders" not in str(err)  # the seed is a different node


# --- 11. a target folder that mixes invocations months apart ---------------------------------------


def test_a_target_folder_mixing_invocations_months_apart_is_separate_runs(tmp_path):
    import shutil
    from datetime import datetime, timezone

    from .conftest import GENERATED

    version = sorted(GENERATED.glob("dbt-1.11*"))[-1]
    target = tmp_path / "project" / "target"
    target.mkdir(parents=True)
    for name in ("manifest.json", "run_results.json"):
        shutil.copy(version / "6_build" / name, target / name)
    sources = json.loads((version / "4_source_freshness" / "sources.json").read_text())
    sources["metadata"]["generated_at"] = "2025-01-02T03:04:05Z"  # a year before the build
    sources["metadata"]["invocation_started_at"] = "2025-01-02T03:04:01Z"
    (target / "sources.json").write_text(json.dumps(sources))
    build_at = json.loads((target / "run_results.json").read_text())["metadata"]["generated_at"]

    def epoch(stamp: str) -> int:
        return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp())

    old_run, new_run = epoch("2025-01-02T03:04:05Z"), epoch(build_at)
    with Paradime.from_path(target, schedule_name="mixed") as client:
        listing = client.metadata.list_runs("mixed")
        assert listing["run_id"].tolist() == [new_run, old_run]  # two runs, newest first
        report = client.metadata.load("mixed", progress=False)
        assert report.loaded == [new_run]
        text = str(report)
        assert "sources.json (generated_at 2025-01-02T03:04:05Z)" in text and "days apart" in text
        assert f"run {old_run}" in text and "\n" not in text
        assert client.metadata.query_sql("SELECT count(*) AS n FROM freshness_results")["n"].tolist() == [0]
        health = "SELECT unique_id, health_status FROM node_health ORDER BY unique_id"
        mixed_health = client.metadata.query_sql(health).values.tolist()
    alone = tmp_path / "alone" / "target"  # the build without the year-old sources.json
    shutil.copytree(target, alone)
    (alone / "sources.json").unlink()
    with Paradime.from_path(alone, schedule_name="mixed") as client:
        client.metadata.load("mixed", progress=False)
        assert client.metadata.query_sql(health).values.tolist() == mixed_health  # the old freshness is not today's
    with Paradime.from_path(target, schedule_name="mixed") as client:
        client.metadata.load("mixed", progress=False)
        both = client.metadata.load("mixed", runs=2, progress=False)
        assert both.loaded == [old_run] and both.already_stored == [new_run]
        runs = client.metadata.query_sql(
            "SELECT run_id, node_count, (SELECT count(*) FROM freshness_results f WHERE f.run_id = r.run_id) AS f "
            "FROM runs r ORDER BY run_id")
        assert runs.values.tolist() == [[old_run, 0, len(sources["results"])], [new_run, runs["node_count"].iloc[1], 0]]


# --- 10. strict mode ---------------------------------------------------------------------------------


def _fusion_shaped(doc: dict) -> dict:
    """What dbt Fusion writes over dbt-core's schema: more fields (``depends_on.
    nodes_with_ref_location``, more metadata) and capitalised statuses (``Error``, ``Pass``,
    ``RuntimeError``)."""
    doc["metadata"]["invocation_started_at"] = doc["metadata"].get("generated_at")
    for node in doc.get("nodes", {}).values():
        if isinstance(node.get("depends_on"), dict):
            node["depends_on"]["nodes_with_ref_location"] = [[n, {"line": 1, "col": 1}] for n in node["depends_on"].get("nodes", [])]
    for row in doc.get("results", []):
        row["status"] = {"no-op": "NoOp", "runtime error": "RuntimeError"}.get(row["status"], row["status"].title())
    return doc


def test_strict_mode_reads_fusion_shaped_artifacts(tmp_path):
    import shutil

    runs = ("48003", "48004", "48005", "48007")  # error/skipped, fail + sources warn, sources error, no-op
    core, fusion = tmp_path / "core", tmp_path / "fusion"
    for root in (core, fusion):
        (root / S).mkdir(parents=True)
        shutil.copy(RUNS / S / "schedule.json", root / S)
        for run_id in runs:
            shutil.copytree(RUNS / S / run_id, root / S / run_id)
    statuses = set()
    for path in sorted((fusion / S).rglob("*.json")):
        if path.name in ("manifest.json", "run_results.json", "sources.json", "catalog.json"):
            doc = _fusion_shaped(json.loads(path.read_text()))
            statuses.update((path.name, r["status"]) for r in doc.get("results", []))
            path.write_text(json.dumps(doc))
    assert ("sources.json", "Error") in statuses and ("sources.json", "Warn") in statuses
    assert {"Success", "Error", "Skipped", "Pass", "Fail", "Warn", "NoOp"} <= {s for _n, s in statuses}
    with Paradime.from_path(fusion, strict=True) as f, Paradime.from_path(core) as c:
        assert sorted(f.metadata.load(S, runs=10, progress=False).loaded) == [int(r) for r in runs]
        c.metadata.load(S, runs=10, progress=False)
        assert ([(m.unique_id, m.health_status) for m in f.metadata.get_model_health(S)]
                == [(m.unique_id, m.health_status) for m in c.metadata.get_model_health(S)])
        fresh = "SELECT run_id, unique_id, status FROM freshness_results ORDER BY ALL"
        assert f.metadata.query_sql(fresh).values.tolist() == c.metadata.query_sql(fresh).values.tolist()


def test_strict_mode_accepts_real_artifacts_of_every_schema_version_and_names_a_real_violation():
    from paradime_nb.artifacts import read_artifact_file
    from paradime_nb.errors import ArtifactValidationError

    from .conftest import GENERATED, PUBLIC, SCHEMA_VERSIONS

    kinds = ("manifest", "run_results", "sources", "catalog")
    files = [p for p in SCHEMA_VERSIONS.rglob("*.json") if "json_schemas" not in p.parts and "generated" not in p.parts]
    files += sorted(GENERATED.glob("*/4_source_freshness/sources.json")) + sorted(GENERATED.glob("dbt-1.0.9/*/*.json"))
    seen = set()
    for path in sorted(files):
        kind = next((k for k in kinds if path.name.startswith(k)), None)
        if kind is not None:
            parsed = read_artifact_file(path, kind, strict=True)
            seen.add((kind, parsed.schema_version))
    assert {("manifest", v) for v in range(1, 13)} | {("run_results", v) for v in range(1, 7)} <= seen
    assert ("sources", 3) in seen and ("catalog", 1) in seen
    # dbt 1.3 wrote an unrendered `enabled: 'True and True'` on a source: a real schema violation
    with pytest.raises(ArtifactValidationError) as info:
        read_artifact_file(PUBLIC / "fivetran__dbt_ad_reporting" / "manifest.json", strict=True)
    assert ("source 'source.apple_search_ads_source.apple_search_ads.search_term_report' (source): "
            "config.enabled: Input should be a valid boolean") in str(info.value)


@pytest.mark.parametrize("version", ["dbt-1.11.16", "dbt-1.0.9"])  # manifest v12 and v4 (compiled/parsed branches)
def test_strict_mode_names_the_node_and_the_field_that_failed(shell, tmp_path, version):
    import shutil

    from paradime_nb.errors import ArtifactValidationError

    from .conftest import GENERATED

    target = tmp_path / "target"
    shutil.copytree(GENERATED / version / "3_test", target)
    manifest = json.loads((target / "manifest.json").read_text())
    uid = sorted(u for u, n in manifest["nodes"].items() if n["resource_type"] == "test" and n.get("test_metadata"))[0]
    manifest["nodes"][uid]["column_name"] = 12  # a string (or null) in every schema version
    (target / "manifest.json").write_text(json.dumps(manifest))
    with Paradime.from_path(target, schedule_name="t", strict=True) as client:
        with pytest.raises(ArtifactValidationError) as info:
            client.metadata.load("t", progress=False)
    message = str(info.value)
    assert "\n" not in message and "manifest.json" in message
    assert f"node {uid!r} (test): column_name: Input should be a valid string" in message, message
    assert "Analysis" not in message and "Compiled" not in message  # not the first branch of a union
    with Paradime.from_path(GENERATED / version / "3_test", schedule_name="t", strict=True) as client:
        assert client.metadata.load("t", progress=False).loaded  # the file as dbt wrote it passes
    value(shell, f"%paradime connect --path {target} --schedule-name t --strict")  # the same in the magic
    err = _error(shell, "%paradime load t")
    assert isinstance(err, UsageError) and f"node {uid!r} (test): column_name" in str(err) and "\n" not in str(err)


def test_strict_mode_says_what_is_allowed_not_the_first_branch():
    from paradime_nb.artifacts import read_artifact
    from paradime_nb.errors import ArtifactValidationError

    from .conftest import GENERATED

    folder = GENERATED / "dbt-1.11.16" / "6_build"
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["metadata"]["fusion_only_field"] = {"a": 1}  # unknown fields at the top level too
    read_artifact(json.dumps(manifest).encode(), "t/manifest.json", strict=True)
    uid = sorted(manifest["nodes"])[0]
    manifest["nodes"][uid]["resource_type"] = "widget"
    with pytest.raises(ArtifactValidationError) as info:
        read_artifact(json.dumps(manifest).encode(), "t/manifest.json", strict=True)
    assert f"node {uid!r} (widget): resource_type should be one of seed, analysis, test" in str(info.value)
    results = json.loads((folder / "run_results.json").read_text())
    results["results"][0]["status"] = "Exploded"
    with pytest.raises(ArtifactValidationError) as info:
        read_artifact(json.dumps(results).encode(), "t/run_results.json", strict=True)
    message = str(info.value)  # every status the schema allows, not the first enum's
    assert f"result 0 ({results['results'][0]['unique_id']}): status:" in message
    assert all(f"'{s}'" in message for s in ("success", "no-op", "pass", "fail", "warn", "runtime error"))


def test_files_written_before_dbt_0_19_are_all_named(tmp_path):
    import shutil

    from paradime_nb.errors import MissingSchemaVersionError, UnsupportedSchemaVersionError

    from .conftest import GENERATED

    target = tmp_path / "target"
    shutil.copytree(GENERATED / "dbt-1.11.16" / "6_build", target)
    shutil.copy(GENERATED / "dbt-1.11.16" / "5_docs_generate" / "catalog.json", target)
    names = ["catalog.json", "manifest.json", "run_results.json"]
    for name in names:  # dbt before 0.19 wrote no dbt_schema_version (run_results had no metadata at all)
        doc = json.loads((target / name).read_text())
        if name == "run_results.json":
            doc["generated_at"] = doc.pop("metadata")["generated_at"]
        else:
            del doc["metadata"]["dbt_schema_version"]
        (target / name).write_text(json.dumps(doc))
    with Paradime.from_path(target, schedule_name="old", strict=True) as client:
        with pytest.raises(UnsupportedSchemaVersionError) as info:
            client.metadata.load("old", progress=False)
        assert client.metadata.query_sql("SELECT count(*) AS n FROM runs")["n"].tolist() == [0]
    assert isinstance(info.value, MissingSchemaVersionError) and "\n" not in str(info.value)
    assert sorted(p.rsplit("/", 1)[-1] for p in info.value.paths) == names
    assert all(name in str(info.value) for name in names) and "0.19" in str(info.value)
    # a saved-runs folder of two such runs: the files of both are named, nothing is stored
    root = tmp_path / "runs"
    (root / S).mkdir(parents=True)
    shutil.copy(RUNS / S / "schedule.json", root / S)
    for run_id in ("48001", "48002"):
        shutil.copytree(RUNS / S / run_id, root / S / run_id)
    for path in (root / S).rglob("run_results.json"):
        doc = json.loads(path.read_text())
        del doc["metadata"]["dbt_schema_version"]
        path.write_text(json.dumps(doc))
    with Paradime.from_path(root) as client:
        with pytest.raises(MissingSchemaVersionError) as info:
            client.metadata.load(S, runs=2, progress=False)
    assert {"run 48001", "run 48002"} <= {p.split("/")[1] for p in info.value.paths}
    assert "\n" not in str(info.value)


# --- bad arguments of the project-quality analyses (issue 15's), as everywhere else ---------------


def test_bad_arguments_of_the_quality_analyses_are_one_line_invalid_argument_errors(shell):
    from paradime_nb.metadata.rules import RULES, StagingLayer

    ids = [r.rule_id for r in RULES]
    with Paradime.demo() as client:
        client.metadata.load(S, progress=False)
        m = client.metadata
        cases = [
            (lambda: m.get_coverage(S, by="colour"), ["folder", "tag", "owner", "package"]),
            (lambda: m.get_recommendations(S, rules=["nope"]), ids),
            (lambda: m.get_recommendations(S, rules=42), ["list of rule ids"]),
            (lambda: m.get_recommendations(S, thresholds={"rejoin": 2}),
             [r.rule_id for r in RULES if r.threshold is not None]),
            (lambda: m.get_recommendations(S, thresholds={"high_fan_out": "ten"}), ["finite number"]),
            (lambda: m.get_recommendations(S, thresholds={"high_fan_out": float("nan")}), ["finite number"]),
            (lambda: m.get_recommendations(S, thresholds=["high_fan_out"]), ["mapping"]),
            (lambda: m.get_recommendations(S, staging="staging"), ["StagingLayer"]),
            (lambda: StagingLayer(folders=("staging", 3)), ["tuple of strings"]),
            (lambda: m.get_relation_stats(S, days=0), ["more than 0"]),
            (lambda: m.get_relation_stats(S, days=float("inf")), ["more than 0"]),
            (lambda: m.get_schema_changes(S, days="30"), ["number of days"]),
        ]
        for call, allowed in cases:
            with pytest.raises(InvalidArgumentError) as info:
                call()
            assert "\n" not in str(info.value) and all(a in str(info.value) for a in allowed), str(info.value)
        # one rule id alone is that rule (not its letters), a prefix string one prefix
        assert [r.rule_id for r in m.get_recommendations(S, rules="rejoin").rules] == ["rejoin"]
        assert StagingLayer(prefixes="stg_").prefixes == ("stg_",)
    value(shell, "%paradime connect --demo")
    value(shell, "%paradime load jaffle-daily")
    for line, said in (("%paradime coverage --by colour", "one of folder, tag"),
                       ("%paradime recommendations --rule nope", "unknown rule 'nope'"),
                       ("%paradime recommendations --threshold rejoin=2", "has no threshold"),
                       ("%paradime schema-changes --days 0", "days")):
        err = _error(shell, line)
        assert isinstance(err, UsageError) and "\n" not in str(err) and said in str(err), (line, err)


def test_an_old_catalog_in_a_target_folder_stays_with_todays_run_and_is_warned(tmp_path):
    """A catalog carries no statuses: one from last week's `dbt docs generate` describes the
    project, so it stays with today's run (its columns are used) and the report says so."""
    import shutil

    from .conftest import GENERATED

    version = sorted(GENERATED.glob("dbt-1.11*"))[-1]
    target = tmp_path / "target"
    target.mkdir()
    for name in ("manifest.json", "run_results.json"):
        shutil.copy(version / "6_build" / name, target / name)
    catalog = json.loads((version / "5_docs_generate" / "catalog.json").read_text())
    catalog["metadata"]["generated_at"] = "2026-02-20T01:02:03Z"
    (target / "catalog.json").write_text(json.dumps(catalog))
    with Paradime.from_path(target, schedule_name="docs") as client:
        assert len(client.metadata.list_runs("docs")) == 1
        report = client.metadata.load("docs", progress=False)
        stored = client.metadata.query_sql("SELECT count(*) AS n FROM catalog_nodes")["n"].tolist()
    assert stored == [len(catalog["nodes"]) + len(catalog["sources"])]
    assert "target/catalog.json (generated_at 2026-02-20 01:02:03)" in str(report) and "days apart" in str(report)


def test_a_run_whose_files_span_months_is_warned_with_every_file(tmp_path):
    """A saved (or API) run is one run as Paradime recorded it: files a year apart in it are
    warned about, naming each old file with its generated_at and the spread."""
    import shutil

    root = tmp_path / "runs"
    (root / S).mkdir(parents=True)
    shutil.copy(RUNS / S / "schedule.json", root / S)
    run_dir = root / S / "48004"
    shutil.copytree(RUNS / S / "48004", run_dir)
    (path,) = run_dir.glob("*_source_freshness/target/sources.json")
    doc = json.loads(path.read_text())
    doc["metadata"]["generated_at"] = "2025-01-02T03:04:05Z"
    path.write_text(json.dumps(doc))
    newest = max(json.loads(p.read_text())["metadata"]["generated_at"] for p in run_dir.rglob("*.json")
                 if p.name in ("manifest.json", "run_results.json", "catalog.json"))
    with Paradime.from_path(root) as client:
        report = client.metadata.load(S, progress=False)
    text = str(report)
    command = path.parent.parent.name.split("_", 1)[0]
    assert f"command {command} target/sources.json (generated_at 2025-01-02 03:04:05)" in text, text
    assert newest[:19].replace("T", " ") in text and "days apart" in text and "\n" not in text
    assert report.loaded == [48004]
