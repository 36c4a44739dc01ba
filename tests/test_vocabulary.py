"""dbt's words are defined once (paradime_nb/vocabulary.py): the SQL views spell them
through {{NAME}} tokens, and what the views compute agrees with the Python sets."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from paradime_nb import vocabulary as v
from paradime_nb.store import Store

PACKAGE = Path(__file__).resolve().parents[1] / "paradime_nb"
SQL_FILES = sorted(PACKAGE.rglob("*.sql"))
HEALTH_WORDS = ("healthy", "warning", "critical", "unknown")


def _literal_lists(text: str) -> list[tuple[str, ...]]:
    return [tuple(x.strip().strip("'") for x in m.group(1).split(",")) for m in re.finditer(r"IN \(('[^)]*')\)", text)]


def test_every_token_is_known_and_no_sql_file_restates_a_set_or_a_spelling():
    sets = {tuple(val) for val in v.SQL_TOKENS.values() if isinstance(val, tuple)}
    for path in SQL_FILES:
        text = path.read_text(encoding="utf-8")
        for token in re.findall(r"\{\{([A-Z_]+)\}\}", text):
            assert token in v.SQL_TOKENS, f"{path.name}: unknown token {token}"
        rendered = v.render_sql(text)
        assert "{{" not in rendered
        code = "\n".join(line.split("--")[0] for line in text.splitlines())  # comments may speak of them
        for words in _literal_lists(code):
            assert tuple(words) not in sets and tuple(sorted(words)) not in {tuple(sorted(s)) for s in sets}, (
                f"{path.name}: {words} restates a vocabulary set; use its token")
        for word in HEALTH_WORDS:
            assert not re.search(rf"'{word}'", code, re.I), f"{path.name}: spells the health {word!r}; use a token"


def test_python_modules_do_not_restate_a_status_set():
    sets = [tuple(s) for s in (v.OK_STATUSES, v.ERROR_STATUSES, v.FAILING_TEST_STATUSES, v.PROBLEM_TEST_STATUSES,
                               v.STALE_FRESHNESS, v.RUNNING_STATES, v.NODE_EXECUTING_COMMANDS)]
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "vocabulary.py":
            continue
        text = path.read_text(encoding="utf-8")
        for found in re.finditer(r"[(\[{]((?:\"[^\"]+\",\s*)+\"[^\"]+\")[)\]}]", text):
            words = tuple(w.strip().strip('"') for w in found.group(1).split(","))
            assert sorted(words) not in [sorted(s) for s in sets], f"{path.relative_to(PACKAGE)}: {words}"
        for word in HEALTH_WORDS:
            assert not re.search(rf"[\"']{word.capitalize()}[\"']", text), f"{path.relative_to(PACKAGE)}: {word}"


@pytest.fixture(scope="module")
def store():
    store = Store()
    yield store
    store.close()


_CASES = iter(range(10**6))


def _own_health(store: Store, status: str | None, test_status: str | None = None, severity: str = "error") -> str:
    """The health node_health gives one model with ``status`` and one test of it (a new
    schedule per call, so cases never mix)."""
    con = store.connection.cursor()
    s = f"s{next(_CASES)}"
    m = f"m-{s}"  # the run's manifest version (schema v3: manifests stored once per content)
    con.execute("INSERT INTO runs (schedule_name, run_id, state, started_at, node_count, manifest_id) VALUES "
                "(?, 1, 'SUCCESS', TIMESTAMP '2026-01-01', 2, ?)", [s, m])
    con.execute("INSERT INTO schedules (schedule_name) VALUES (?)", [s])
    con.execute("INSERT INTO manifest_node_versions (manifest_id, unique_id, resource_type, name, materialized) VALUES "
                "(?, 'model.p.m', 'model', 'm', 'table'), (?, 'test.p.t', 'test', 't', 'test')", [m, m])
    con.execute("INSERT INTO manifest_edge_versions VALUES (?, 'model.p.m', 'test.p.t')", [m])
    con.execute("INSERT INTO manifest_test_versions (manifest_id, unique_id, tested_node, severity) VALUES "
                "(?, 'test.p.t', 'model.p.m', ?)", [m, severity])
    for uid, st in (("model.p.m", status), ("test.p.t", test_status)):
        if st is not None:
            con.execute("INSERT INTO node_results (schedule_name, run_id, command_index, unique_id, result_index, status)"
                        " VALUES (?, 1, 1, ?, 0, ?)", [s, uid, st])
    store.changed()  # written by hand, not by the loader: the latest results are recomputed
    got = con.execute("SELECT health_status FROM node_health WHERE schedule_name = ? AND unique_id = 'model.p.m'",
                      [s]).fetchone()[0]
    con.close()
    return got


@pytest.mark.parametrize("status", [*v.KNOWN_STATUSES, "Something new", None])
def test_the_health_view_classifies_statuses_as_the_python_sets_say(store, status):
    got = _own_health(store, status)
    if status in v.ERROR_STATUSES:
        assert got == v.CRITICAL
    elif status is None:
        assert got == v.UNKNOWN
    elif status in v.OK_STATUSES:
        assert got == v.HEALTHY
    else:
        assert got == v.WARNING


@pytest.mark.parametrize("test_status", [*v.KNOWN_STATUSES, None])
def test_the_health_view_reads_tests_as_the_python_sets_say(store, test_status):
    got = _own_health(store, "success", test_status)
    if test_status in v.FAILING_TEST_STATUSES:
        assert got == v.CRITICAL
    elif test_status == "warn":
        assert got == v.WARNING
    else:
        assert got == v.HEALTHY


def test_render_sql_quotes_and_refuses_unknown_tokens():
    assert v.render_sql("x IN {{STALE_FRESHNESS}}") == "x IN ('warn', 'error', 'runtime error')"
    assert duckdb.sql(v.render_sql("SELECT {{CRITICAL}} AS h")).fetchall() == [("Critical",)]
    with pytest.raises(KeyError):
        v.render_sql("{{NO_SUCH}}")
