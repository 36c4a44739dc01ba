"""``paradime-nb``: the installed console script, run in subprocesses, on the demo, a
saved-runs folder and the loopback API; answers checked against the independent oracle
(``test_metadata_oracle``: the raw fixture JSON read by hand)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from paradime_nb.testing.server import DOWNLOAD, LoopbackServer, default_runs_dir
from tests.conftest import JAFFLE
from tests.test_metadata_oracle import BAD_TEST, History, read_runs

SCRIPT = Path(sys.executable).with_name("paradime-nb")
DEMO = default_runs_dir() / "jaffle-daily"
FAILING_RUN = 48008  # accepted_values and a business-rule test FAIL (critical), chronic warnings
HEALTHS = ("healthy", "warning", "critical", "unknown")


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout,
                          env={**BASE_ENV, **(env or {})})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith("PARADIME_API")}


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """No ~/.paradime/credentials and a private download cache for every subprocess."""
    path = tmp_path_factory.mktemp("home")
    BASE_ENV.update(HOME=str(path), PARADIME_NB_CACHE_DIR=str(path / "cache"), COLUMNS="200")
    return path


@pytest.fixture(scope="module")
def runs_until_failing(tmp_path_factory) -> Path:
    """A saved-runs folder of jaffle-daily whose latest run is 48008 (links to the fixtures)."""
    root = tmp_path_factory.mktemp("runs")
    schedule = root / "jaffle-daily"
    schedule.mkdir()
    for item in JAFFLE.iterdir():
        if item.is_file() or int(item.name) <= FAILING_RUN:
            (schedule / item.name).symlink_to(item)
    return root


def expected(schedule_dir: Path, run_ids: set[int] | None = None) -> dict[str, dict[str, str]]:
    """The oracle's health per kind and unique id, over the given runs (default: the latest)."""
    runs = read_runs(schedule_dir)
    chosen = [r for r in runs if r.run_id in run_ids] if run_ids else runs[-1:]
    h = History(chosen)
    g = h.graph
    out: dict[str, dict[str, str]] = {}
    for uid, health in {**h.health(), **h.downstream_health()}.items():
        out.setdefault(g.rtype(uid), {})[uid] = health
    for t in g.tests():
        status = h.status(t)
        if status in BAD_TEST and g.severity(t) == "error":
            health = "critical"
        elif status in BAD_TEST or status in ("warn", "skipped"):
            health = "warning"
        else:
            health = "unknown" if status is None else "healthy"
        out.setdefault("test", {})[t] = health
    return out


def unhealthy(exp: dict[str, dict[str, str]], floor: tuple[str, ...] = ("warning", "critical")) -> set[str]:
    return {uid for kind in exp.values() for uid, h in kind.items() if h.lower() in floor}


def oracle_counts(exp: dict[str, dict[str, str]]) -> dict[str, dict[str, int]]:
    kinds = {"unit_test": "test"}
    out: dict[str, dict[str, int]] = {}
    for rtype, nodes in exp.items():
        bucket = out.setdefault(kinds.get(rtype, rtype), dict.fromkeys(HEALTHS, 0))
        for h in nodes.values():
            bucket[h.lower()] += 1
    return out


def lower_counts(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Health spelled in lower case (the API's spelling may capitalise it)."""
    return {kind: {h.lower(): n for h, n in by.items()} for kind, by in counts.items()}


# --- check on the demo, every format -------------------------------------------------------


def test_check_demo_text_and_exit_codes(home):
    exp = expected(DEMO)
    assert not unhealthy(exp, ("critical",)) and unhealthy(exp)  # the demo's latest run: warnings only
    ok = run_cli("check", "--demo", "jaffle-daily")
    assert ok.returncode == 0, ok.stderr
    assert "ok nothing at or above critical" in ok.stdout.lower()
    warn = run_cli("check", "--demo", "jaffle-daily", "--fail-on", "warning")
    assert warn.returncode == 1
    assert "FAIL" in warn.stdout
    graph = History(read_runs(DEMO)[-1:]).graph
    for name in {graph.nodes[uid]["name"] for uid in unhealthy(exp)}:
        assert name in warn.stdout


def test_check_demo_json_round_trips_with_every_unhealthy_node(home):
    proc = run_cli("check", "--demo", "jaffle-daily", "--format", "json", "--fail-on", "warning")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert json.loads(json.dumps(doc)) == doc
    exp = expected(DEMO)
    (schedule,) = doc["schedules"]
    assert schedule["schedule"] == "jaffle-daily" and schedule["failed"] and doc["failed"]
    assert schedule["run"]["run_id"] == read_runs(DEMO)[-1].run_id
    assert {n["unique_id"] for n in schedule["unhealthy"]} == unhealthy(exp)
    assert all(n["reasons"] for n in schedule["unhealthy"])
    assert lower_counts(schedule["counts"]) == oracle_counts(exp)


def test_check_demo_junit_and_github(home):
    from junitparser import Failure, JUnitXml, Skipped

    exp = expected(DEMO)
    proc = run_cli("check", "--demo", "jaffle-daily", "--format", "junit", "--fail-on", "warning")
    assert proc.returncode == 1
    xml = JUnitXml.fromstring(proc.stdout)
    (suite,) = list(xml)
    cases = list(suite)
    assert suite.name == "jaffle-daily" and len(cases) == sum(len(v) for v in exp.values())
    failed = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
    skipped = [c for c in cases if any(isinstance(r, Skipped) for r in c.result)]
    assert len(failed) == len(unhealthy(exp)) and suite.failures == len(failed)
    assert len(skipped) == len(unhealthy(exp, ("unknown",)))
    assert all(c.result[0].message for c in failed)

    gh = run_cli("check", "--demo", "jaffle-daily", "--format", "github")
    assert gh.returncode == 0  # warnings only, threshold critical
    lines = gh.stdout.splitlines()
    assert sum(line.startswith("::warning ") for line in lines) == len(unhealthy(exp))
    graph = History(read_runs(DEMO)[-1:]).graph
    files = {f"file={graph.nodes[uid]['original_file_path']}," for uid in unhealthy(exp)}
    assert {line.split(" ", 1)[1].split("title=")[0] for line in lines if line.startswith("::warning ")} == files
    assert not any(line.startswith("::error ") for line in lines)
    assert lines[-1].startswith("::notice title=jaffle-daily health::")


# --- check on saved runs whose latest run failed, and on the loopback API ------------------


def test_check_saved_runs_failing_run_against_oracle(home, runs_until_failing, tmp_path):
    exp = expected(runs_until_failing / "jaffle-daily")
    critical = unhealthy(exp, ("critical",))
    assert critical  # the failing tests of run 48008 and the models they test
    out = tmp_path / "deep" / "check.json"
    proc = run_cli("check", "--path", str(runs_until_failing), "jaffle-daily", "--format", "json", "-o", str(out))
    assert proc.returncode == 1 and proc.stdout == ""
    doc = json.loads(out.read_text())
    (schedule,) = doc["schedules"]
    assert schedule["run"]["run_id"] == FAILING_RUN
    assert set(schedule["at_or_above_threshold"]) == critical
    assert {n["unique_id"] for n in schedule["unhealthy"]} == unhealthy(exp)
    h = History([r for r in read_runs(runs_until_failing / "jaffle-daily") if r.run_id == FAILING_RUN])
    own, g = h.own_health(), h.graph
    origins = {u for u, health in own.items() if health.lower() == "critical" or (
        g.rtype(u) == "source" and h.fresh_status(u) not in (None, "pass"))}
    for n in schedule["unhealthy"]:
        named = [r for r in n["reasons"] if r.startswith("because of upstream ")]
        above = set(g.bfs([n["unique_id"]], "up")) - {n["unique_id"]} if n["kind"] == "model" else set()
        want = sorted(g.nodes[u]["name"] for u in above & origins)
        assert named == ([f"because of upstream {', '.join(want)}"] if want else []), n
    failing_tests = {n["name"] for n in schedule["unhealthy"]
                     if n["kind"] == "test" and n["health_status"].lower() == "critical"}
    assert failing_tests == {g.nodes[t]["name"] for t in h.failing_tests() if g.severity(t) == "error"}

    from junitparser import Failure, JUnitXml

    junit = run_cli("check", "--path", str(runs_until_failing), "jaffle-daily", "--format", "junit")
    suite = next(iter(JUnitXml.fromstring(junit.stdout)))
    failed = {c.name for c in suite if any(isinstance(r, Failure) for r in c.result)}
    assert failed >= failing_tests and suite.failures == len(critical)
    gh = run_cli("check", "--path", str(runs_until_failing), "jaffle-daily", "--format", "github")
    assert gh.returncode == 1
    assert sum(line.startswith("::error ") for line in gh.stdout.splitlines()) == len(critical)


@pytest.fixture()
def server(runs_until_failing):
    with LoopbackServer(runs_until_failing, api_key="cli-key", api_secret="cli-secret-do-not-print") as s:
        yield s


def api_env(server: LoopbackServer) -> dict[str, str]:
    return {"PARADIME_API_ENDPOINT": server.endpoint, "PARADIME_API_KEY": server.api_key,
            "PARADIME_API_SECRET": server.api_secret}


def test_check_over_the_api_matches_the_saved_runs(home, server, runs_until_failing):
    env = api_env(server)
    proc = run_cli("check", "Jaffle daily", "--format", "json", env=env)
    assert proc.returncode == 1, proc.stderr
    local = run_cli("check", "--path", str(runs_until_failing), "jaffle-daily", "--format", "json")
    assert json.loads(proc.stdout)["schedules"] == json.loads(local.stdout)["schedules"]
    assert server.api_secret not in proc.stdout + proc.stderr and server.api_key not in proc.stdout + proc.stderr
    runs = run_cli("runs", "jaffle-daily", "--limit", "3", "--format", "json", env=env)
    listed = json.loads(runs.stdout)
    assert [r["run_id"] for r in listed] == [FAILING_RUN, FAILING_RUN - 1, FAILING_RUN - 2]
    schedules = run_cli("schedules", "--format", "json", env=env)
    (row,) = json.loads(schedules.stdout)
    assert row["schedule_name"] == "jaffle-daily" and row["latest_run_id"] == FAILING_RUN


# --- sync ----------------------------------------------------------------------------------


def test_sync_is_idempotent_one_request_per_schedule(home, server, runs_until_failing, tmp_path):
    store = tmp_path / "store" / "history.duckdb"
    env = api_env(server)
    first = run_cli("sync", "jaffle-daily", "--runs", "3", "--store", str(store), env=env)
    assert first.returncode == 0, first.stderr
    assert "loaded run(s) 48008, 48007, 48006" in first.stdout or "3 new run(s)" in first.stdout
    before = dict(server.counts)
    second = run_cli("sync", "jaffle-daily", "--runs", "3", "--store", str(store), env=env)
    assert second.returncode == 0 and "nothing new" in second.stdout
    delta = {k: v - before.get(k, 0) for k, v in server.counts.items() if v != before.get(k, 0)}
    assert delta == {"listBoltRuns": 1}, delta
    before = dict(server.counts)
    every = run_cli("sync", "--all", "--runs", "3", "--store", str(store), env=env)
    assert every.returncode == 0 and "synced 1 schedule(s): nothing new" in every.stdout
    delta = {k: v - before.get(k, 0) for k, v in server.counts.items() if v != before.get(k, 0)}
    # --all lists the schedules first (active and inactive: two listings), then one per schedule
    assert delta == {"listBoltSchedules": 2, "listBoltRuns": 1}, delta
    count = run_cli("sql", "SELECT count(*) AS n FROM runs", "--store", str(store), "--offline", "--format", "json")
    assert json.loads(count.stdout) == [{"n": 3}]
    offline = run_cli("check", "jaffle-daily", "--store", str(store), "--offline", "--format", "json")
    exp = expected(runs_until_failing / "jaffle-daily", {FAILING_RUN, FAILING_RUN - 1, FAILING_RUN - 2})
    doc = json.loads(offline.stdout)["schedules"][0]
    assert {n["unique_id"] for n in doc["unhealthy"]} == unhealthy(exp)


def test_sync_progress_bar_on_a_terminal_only(home, server, tmp_path):
    import fcntl
    import pty
    import struct
    import termios

    master, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))  # a real terminal's size
    proc = subprocess.Popen([str(SCRIPT), "sync", "jaffle-daily", "--runs", "3", "--store", str(tmp_path / "t.duckdb")],
                            stdin=terminal, stdout=terminal, stderr=terminal, env={**BASE_ENV, **api_env(server)})
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: the process ended
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 0
    text = seen.decode(errors="replace")
    assert "loading jaffle-daily" in text and "3/3" in text and "3 new run(s)" in text
    piped = run_cli("sync", "jaffle-daily", "--runs", "4", "--store", str(tmp_path / "t.duckdb"), env=api_env(server))
    assert piped.returncode == 0 and "loading jaffle-daily" not in piped.stdout + piped.stderr
    assert piped.stdout.splitlines()[0].startswith("jaffle-daily: loaded run(s) 48005")


def test_sync_under_cron_overlap_second_waits_then_exits_2(home, runs_until_failing, tmp_path):
    store = tmp_path / "cron.duckdb"
    with LoopbackServer(runs_until_failing, api_key="k", api_secret="s") as server:
        env = api_env(server)
        server.pause_downloads()  # the first sync is held mid-load, store open, until the second has given up
        first = subprocess.Popen([str(SCRIPT), "sync", "jaffle-daily", "--runs", "8", "--store", str(store)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**BASE_ENV, **env})
        deadline = time.monotonic() + 60
        while server.counts[DOWNLOAD] == 0 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert first.poll() is None, first.communicate()
        started = time.monotonic()
        second = run_cli("sync", "jaffle-daily", "--runs", "8", "--store", str(store), "--lock-wait", "1", env=env)
        waited = time.monotonic() - started
        server.resume_downloads()
        out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert second.returncode == 2, (second.stdout, second.stderr)
    assert waited >= 1.0
    assert str(store) in second.stderr and "locked" in second.stderr and len(second.stderr.strip().splitlines()) == 1
    runs = run_cli("sql", "SELECT run_id FROM runs ORDER BY run_id", "--store", str(store), "--offline",
                   "--format", "json")
    assert [r["run_id"] for r in json.loads(runs.stdout)] == list(range(FAILING_RUN - 7, FAILING_RUN + 1))
    from paradime_nb.store import Store
    from paradime_nb.store.integrity import check_integrity

    opened = Store(store)
    try:
        assert check_integrity(opened) == []
    finally:
        opened.close()


# --- sql, schedules, runs ------------------------------------------------------------------


def test_sql_formats_and_read_only(home, tmp_path):
    store = tmp_path / "demo.duckdb"
    proc = run_cli("sql", "SELECT run_id, state FROM runs ORDER BY run_id", "--demo", "-s", "jaffle-daily",
                   "--runs", "12", "--store", str(store), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == "run_id,state"
    assert [int(line.split(",")[0]) for line in lines[1:]] == [r.run_id for r in read_runs(DEMO)]
    table = run_cli("sql", "SELECT schedule_name, count(*) AS n FROM runs GROUP BY 1", "--store", str(store),
                    "--offline")
    assert "jaffle-daily" in table.stdout and "12" in table.stdout
    refused = run_cli("sql", "DELETE FROM runs", "--store", str(store), "--offline")
    assert refused.returncode == 2 and "read-only" in refused.stderr.lower()
    still = run_cli("sql", "SELECT count(*) AS n FROM runs", "--store", str(store), "--offline", "--format", "json")
    assert json.loads(still.stdout) == [{"n": 12}]
    writes = run_cli("sql", "SELECT 1; DROP VIEW node_health", "--demo", "-s", "jaffle-daily", "--store", str(store))
    assert writes.returncode == 2 and "DROP" in writes.stderr
    assert run_cli("sql", "SELECT count(*) FROM node_health", "--store", str(store), "--offline").returncode == 0
    bad = run_cli("sql", "SELEC 1", "--store", str(store), "--offline")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_runs_and_schedules_on_saved_runs(home, runs_until_failing):
    proc = run_cli("runs", "--path", str(runs_until_failing), "jaffle-daily", "--limit", "2", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert [line.split(",")[1] for line in proc.stdout.strip().splitlines()[1:]] == [str(FAILING_RUN), str(FAILING_RUN - 1)]
    table = run_cli("schedules", "--path", str(runs_until_failing))
    assert "jaffle-daily" in table.stdout and str(FAILING_RUN) in table.stdout


# --- bad input -----------------------------------------------------------------------------


def test_bad_input_is_one_line_and_exit_2(home, tmp_path):
    unknown = run_cli("check", "--demo", "jaffle-dialy")
    assert unknown.returncode == 2 and "jaffle-daily" in unknown.stderr and "Did you mean" in unknown.stderr
    nocreds = run_cli("check", "jaffle-daily")
    assert nocreds.returncode == 2
    for way in ("--demo", "--path", "PARADIME_API_SECRET", ".paradime/credentials"):
        assert way in nocreds.stderr
    usage = run_cli("check", "--demo", "jaffle-daily", "--fail-on", "sometimes")
    assert usage.returncode == 2
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    unwritable = run_cli("report", "--demo", "jaffle-daily", "-o", str(blocker / "report.html"))
    assert unwritable.returncode == 2 and len(unwritable.stderr.strip().splitlines()) == 1
    assert "cannot write" in unwritable.stderr or "Not a directory" in unwritable.stderr


def test_help_on_every_command_documents_exit_codes(home):
    from click.testing import CliRunner

    from paradime_nb.cli.app import COMMANDS, cli

    top = run_cli("--help")
    assert top.returncode == 0 and "Exit codes" in top.stdout
    runner = CliRunner()
    for module in COMMANDS:
        result = runner.invoke(cli, [module.command.name, "--help"])
        assert result.exit_code == 0 and "Usage: " in result.output, module.command.name
    assert "Exit codes: 0" in runner.invoke(cli, ["check", "--help"]).output
    module = subprocess.run([sys.executable, "-m", "paradime_nb", "--version"], capture_output=True, text=True)
    assert module.returncode == 0 and "paradime-nb" in module.stdout


def test_demo_prints_summary_and_check(home, tmp_path):
    out = tmp_path / "demo" / "report.html"
    proc = run_cli("demo", "--report", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "jaffle-daily: loaded 12 run(s)" in proc.stdout and "paradime-nb check" in proc.stdout
    assert out.stat().st_size > 100_000
