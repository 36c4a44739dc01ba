"""The store's fast write path gives the rows the plain SQL path gives.

Timestamps are parsed in Arrow when every value of a column can be, else by the SQL macro;
the stage is found by DuckDB's replacement scan, else registered; writes run on one DuckDB
thread and give the user's setting back.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from paradime_nb.store import PreparedRun, Store

TEXT_TIMES = {
    "zoned": ["2024-11-28T08:00:01.123456Z", "2024-11-28T10:00:01+02:00", None],
    "naive": ["2024-11-28T08:00:01.5", "2024-11-28 08:00:01", None],
    "mixed": ["2024-11-28T08:00:01Z", "2024-11-28T08:00:01", "2024-11-28T10:00:01+02:00"],
    "bad": ["2024-11-28T08:00:01Z", "yesterday", ""],
    "nanoseconds": ["2024-11-28T08:00:01.1234567Z", None, "2024-11-28T08:00:01Z"],
    "short forms": ["2024-01-01T00:00Z", "2024-01-01T00:00:00+05", "2024-01-01T00:00:00+0530", "2024-01-01T00:00:00-00:00"],
    "dates alone": ["2024-01-01", "2024-01-01T00:00", "2024-01-01 00:00:00.5"],
    "year edges": ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"],
    "out of range": ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00"],
    "not iso": ["epoch", "infinity", "2024-1-1", "20240101"],
}


def _run(times: list, run_id: int = 1) -> PreparedRun:
    prepared = PreparedRun(schedule_name="s", run_id=run_id)
    prepared.run_row = {"schedule_name": "s", "run_id": run_id, "state": "SUCCESS"}
    prepared.schedule_row = {"schedule_name": "s", "display_name": "S"}
    n = len(times)
    prepared.add("artifacts", {"command_index": list(range(n)), "path": ["target/x.json"] * n, "generated_at": times})
    return prepared


@pytest.mark.parametrize("case", sorted(TEXT_TIMES))
def test_timestamps_as_the_sql_macro_reads_them(case):
    times = TEXT_TIMES[case]
    store = Store()
    store.write_run(_run(times))
    got = [r[0] for r in store.fetchall("SELECT generated_at FROM artifacts ORDER BY command_index")]
    expected = [store.fetchall("SELECT paradime_utc(?)", [t])[0][0] for t in times]
    assert got == expected
    assert all(v is None or isinstance(v, datetime) for v in got)


def test_stage_is_registered_when_replacement_scans_are_off():
    store = Store()
    store.connection.execute("SET python_enable_replacements = false")
    assert store.write_run(_run(TEXT_TIMES["zoned"]))
    assert store.fetchall("SELECT count(*) FROM artifacts")[0][0] == 3


def test_a_write_gives_the_thread_setting_back():
    store = Store()
    store.connection.execute("SET threads = 3")
    store.write_run(_run(TEXT_TIMES["naive"]))
    assert store.fetchall("SELECT current_setting('threads')")[0][0] == 3


def test_a_failed_write_gives_the_thread_setting_back_and_stores_nothing():
    store = Store()
    store.connection.execute("SET threads = 3")
    bad = _run(TEXT_TIMES["naive"])
    bad.tables["commands"] = {"command_index": [None]}  # NOT NULL column
    with pytest.raises(Exception):
        store.write_run(bad)
    assert store.fetchall("SELECT current_setting('threads')")[0][0] == 3
    assert store.fetchall("SELECT count(*) FROM artifacts")[0][0] == 0
    assert store.fetchall("SELECT count(*) FROM runs")[0][0] == 0
