"""The %paradime magic in a real IPython shell: help, errors, typed results, jupysql on
the same DuckDB, the API through the loopback server. Expectations come from the raw
demo JSON (tests/raw.py) or from a separate client, never from the shell's own store."""

from __future__ import annotations

import dataclasses
import json
from html import unescape
import re
import subprocess
import sys
from pathlib import Path

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing.globalipapp import start_ipython
from IPython.utils.capture import capture_output

from paradime_nb import Paradime
from paradime_nb.metadata.results import HealthDashboard, LineageResult
from paradime_nb.notebook.commands import NAMES
from paradime_nb.notebook.commands.lineage import _around

from . import raw
from .bolt_support import assert_no_secret, server
from .conftest import RUNS

DEMO = Path(__file__).resolve().parents[1] / "paradime_nb" / "demo_data" / "runs" / "jaffle-daily"


@pytest.fixture()
def shell(monkeypatch, tmp_path):
    """The IPython shell with the extension freshly loaded and no credentials around."""
    for name in ("API_ENDPOINT", "API_KEY", "API_SECRET", "WORKSPACE_UID"):
        monkeypatch.delenv(f"PARADIME_{name}", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.paradime/credentials
    start_ipython()
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "paradime_nb")
    yield ip
    ip.run_line_magic("unload_ext", "paradime_nb")
    ip.user_ns.pop("_paradime_test", None)


def run(ip, source: str):
    """Run a cell; return (result, captured output). Errors are returned, not raised."""
    with capture_output(display=True) as out:
        result = ip.run_cell(source)
    return result, out


def value(ip, source: str):
    result, _ = run(ip, source)
    if result.error_in_exec is not None:
        raise result.error_in_exec
    return result.result


def usage_error(ip, source: str, capsys) -> str:
    """The UsageError a line raises, checked to be one short line without a traceback."""
    result = ip.run_cell(source)
    err = result.error_in_exec
    assert isinstance(err, UsageError), f"{source!r} gave {err!r}"
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err
    message = str(err)
    assert "\n" not in message and len(message) < 400, message
    return message


def fetches_anything(html: str) -> bool:
    """Does the fragment load anything from the network (script, style sheet, image, frame)?
    Unescaped first: the lineage page sits escaped in an iframe's srcdoc."""
    html = unescape(html)
    return bool(re.search(r"""\bsrc\s*=\s*["']?https?:|<link[^>]+href\s*=\s*["']?https?:|@import""", html))


def test_load_ext_is_cheap():
    """%load_ext imports no widget, plotting or SQL library, and costs little next to duckdb."""
    probe = """
import sys, time
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
t = time.perf_counter(); ip.run_line_magic("load_ext", "paradime_nb"); dt = time.perf_counter() - t
heavy = [m for m in ("pyvis", "ipywidgets", "itables", "sql", "sqlalchemy", "pandas", "matplotlib", "duckdb")
         if m in sys.modules]
print(dt, heavy)
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    duck = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter(); import duckdb; "
                           "print(time.perf_counter() - t)"], capture_output=True, text=True, check=True).stdout
    assert out[1].strip() == "[]"
    assert float(out[0]) <= float(duck) + 0.3


def test_help_lists_every_subcommand(shell, capsys):
    doc = shell.find_line_magic("paradime").__doc__
    for name in NAMES:
        assert f"paradime {name}" in doc
    assert "SCHEDULE" in doc and "--demo" in doc
    shell.run_cell("%paradime health -h")
    assert "SCHEDULE" in capsys.readouterr().out
    shell.run_cell("%paradime lineage --help")
    out = capsys.readouterr().out
    assert "--up N" in out and "MODEL_OR_SELECTOR" in out


def test_without_a_connection_the_message_says_how_to_connect(shell, capsys):
    message = usage_error(shell, "%paradime load jaffle-daily", capsys)
    assert "--demo" in message and "--path" in message and "PARADIME_API_KEY" in message
    status = value(shell, "%paradime status")
    assert "not connected" in repr(status)


def test_user_errors_are_short_usage_errors(shell, capsys):
    value(shell, "%paradime connect --demo")
    assert "not found" in usage_error(shell, "%paradime load no-such-schedule", capsys)
    assert "unknown subcommand" in usage_error(shell, "%paradime bogus", capsys)
    assert "runs must be" in usage_error(shell, "%paradime load jaffle-daily --runs 0", capsys)  # the API checks it
    assert "name a schedule" in usage_error(shell, "%paradime health", capsys)
    value(shell, "%paradime load jaffle-daily")
    assert "no_such_model" in usage_error(shell, "%paradime lineage no_such_model", capsys)
    assert "choose one" in usage_error(shell, "%paradime connect --demo --path .", capsys)
    assert "cell" in usage_error(shell, "%paradime query", capsys)


def test_sql_sees_the_same_database_after_every_load(shell):
    """jupysql's %sql, %%sql x <<, %sqlcmd all read the store, including runs loaded later."""
    value(shell, "%paradime connect --demo")
    value(shell, "%paradime load jaffle-daily")
    assert value(shell, "%sql SELECT count(*) AS n FROM runs").DataFrame()["n"].tolist() == [1]
    value(shell, "%paradime load jaffle-daily --runs 12")
    result, out = run(shell, "%%sql ids <<\nSELECT run_id FROM runs ORDER BY run_id")
    assert result.error_in_exec is None
    expected = [json.loads((d / "run.json").read_text())["id"] for d in raw.run_dirs(DEMO)]
    assert shell.user_ns["ids"].DataFrame()["run_id"].tolist() == sorted(expected)
    chatter = "".join(str(o.data) for o in out.outputs) + out.stdout
    assert "Running query" not in chatter and "Tip" not in chatter
    tables = value(shell, "%sqlcmd tables")
    assert "node_results" in str(tables) and "manifest_edge_versions" in str(tables)  # tables; node_edges and the SDK's names are views
    sdk = value(shell, "%sql SELECT count(*) AS n FROM dbt_run_results").DataFrame()["n"].tolist()
    assert sdk == value(shell, "%sql SELECT count(*) AS n FROM node_results").DataFrame()["n"].tolist()
    columns = value(shell, "%sqlcmd columns --table models_with_tests")
    assert "health_status" in str(columns)
    frame = value(shell, "%%paradime query\nSELECT count(*) AS n FROM runs WHERE schedule_name = $schedule_name")
    assert frame["n"].tolist() == [len(expected)]


def test_results_are_the_typed_objects_of_the_api(shell):
    value(shell, "%paradime connect --demo")
    value(shell, "%paradime load jaffle-daily --runs 12")
    dashboard = value(shell, "x = %paradime health\nx")
    assert isinstance(shell.user_ns["x"], HealthDashboard)
    with Paradime.demo() as other:
        other.metadata.load("jaffle-daily", runs=12, progress=False)
        expected = other.metadata.get_health_dashboard("jaffle-daily")
        failing = other.metadata.get_test_results("jaffle-daily", failed_only=True)
        slowest = other.metadata.get_slowest_models("jaffle-daily", limit=3)
    for f in dataclasses.fields(HealthDashboard):
        if f.name != "slowest_models":
            assert getattr(dashboard, f.name) == getattr(expected, f.name), f.name
    assert [m.unique_id for m in dashboard.slowest_models] == [m.unique_id for m in expected.slowest_models]
    assert [t.unique_id for t in dashboard.failing_tests] == [t.unique_id for t in failing]

    bundle, _ = shell.display_formatter.format(dashboard)
    assert "application/vnd.jupyter.widget-view+json" not in bundle and "text/html" in bundle  # no model to lose
    for health, count in expected.models_by_health.items():
        assert f"data-health='{health}'" in bundle["text/html"]
        assert f"{count} {health}" in bundle["text/html"]

    table = value(shell, "%paradime slowest --limit 3")
    html = shell.display_formatter.format(table)[0]["text/html"]
    assert "new ITable" in html and not fetches_anything(html)
    assert [m.name for m in table] == [m.name for m in slowest]
    assert all(m.name in html for m in slowest)


def _raw_graph() -> tuple[dict[str, str], set[tuple[str, str]]]:
    """Resource type of every non-test node of the demo's latest manifest, and its edges."""
    manifest = raw.load_json(raw.latest_file(raw.run_dirs(DEMO)[-1], "manifest.json"))
    nodes = {k: v["resource_type"] for k, v in raw.manifest_graph_nodes(manifest).items()
             if v["resource_type"] not in ("test", "unit_test")}
    edges = {(p, k) for k, v in raw.manifest_graph_nodes(manifest).items() if k in nodes
             for p in (v.get("depends_on") or {}).get("nodes", []) if p in nodes}
    return nodes, edges


def test_lineage_depth_one_matches_the_manifest(shell):
    value(shell, "%paradime connect --demo")
    value(shell, "%paradime load jaffle-daily --runs 12")
    result = value(shell, "%paradime lineage orders --up 1 --down 1")
    assert isinstance(result, LineageResult)
    nodes, edges = _raw_graph()
    orders = "model.jaffle_shop.orders"
    expected = {orders} | {p for p, c in edges if c == orders} | {c for p, c in edges if p == orders}
    assert {n.unique_id for n in result} == expected
    assert set(result.edges) == {(p, c) for p, c in edges if p in expected and c in expected}
    html = shell.display_formatter.format(result)[0]["text/html"]
    assert "<iframe srcdoc=" in html and "vis.Network" in html
    assert not fetches_anything(html)


def test_selector_syntax_and_depth_translation():
    assert _around("orders", None, None) == "+orders+"
    assert _around("orders", 2, 1) == "2+orders+1"
    assert _around("orders", 0, None) == "orders+"
    assert _around("orders", 1, 0) == "1+orders"


def test_connect_to_a_folder_and_to_the_api(shell, monkeypatch, tmp_path):
    value(shell, f"%paradime connect --path {RUNS}")
    assert value(shell, "%paradime schedules")["schedule_name"].tolist() == ["jaffle-daily"]
    with server(RUNS) as srv:
        for key, val in srv.credentials().items():
            if val is not None:
                monkeypatch.setenv(f"PARADIME_{key.upper()}", val)
        shell.run_line_magic("unload_ext", "paradime_nb")
        shell.run_line_magic("load_ext", "paradime_nb")
        result, out = run(shell, "%paradime load jaffle-daily --runs 2")  # connects from the environment
        assert result.error_in_exec is None, result.error_in_exec
        assert sorted(result.result.loaded) == [48011, 48012]
        status = value(shell, "%paradime status")
        assert "Paradime API" in repr(status) and "2 run(s)" in repr(status)
        runs = value(shell, "%paradime runs --limit 3")
        assert runs["run_id"].tolist() == [48012, 48011, 48010]
        assert runs["loaded"].tolist() == [True, True, False]
        assert srv.counts  # the requests really went to the server
        assert_no_secret(out.stdout, out.stderr, repr(status), runs.to_string())
