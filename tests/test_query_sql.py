"""query_sql: parameters are bound, never formatted in; schedule names load on demand."""

from __future__ import annotations

import pytest

from paradime_nb import Paradime
from paradime_nb.errors import NotLoadedError, StoreError
from tests import raw
from tests.conftest import JAFFLE, RUNS


@pytest.fixture(scope="module")
def client():
    with Paradime.from_path(RUNS) as c:
        yield c


def test_schedule_name_loads_the_latest_run_and_binds_the_slug(client):
    df = client.metadata.query_sql(
        "SELECT run_id, count(*) AS n FROM dbt_run_results WHERE schedule_name = $schedule_name GROUP BY 1",
        schedule_name="Jaffle daily",
    )
    latest = max(raw.run_dirs(JAFFLE), key=lambda p: raw.load_json(p / "run.json")["startDttm"])
    assert df.to_dict("records") == [{"run_id": int(latest.name), "n": len(raw.executing_results(latest))}]


def test_list_and_dict_parameters_are_bound(client):
    client.metadata.ensure_loaded("jaffle-daily")
    by_list = client.metadata.query_sql("SELECT count(*) AS n FROM model_metadata WHERE resource_type = ?", parameters=["model"])
    by_dict = client.metadata.query_sql("SELECT count(*) AS n FROM model_metadata WHERE resource_type = $t", parameters={"t": "model"})
    assert by_list["n"][0] == by_dict["n"][0] > 0


def test_an_injection_attempt_stays_data(client):
    client.metadata.ensure_loaded("jaffle-daily")
    before = client.metadata.query_sql("SELECT count(*) AS n FROM runs")["n"][0]
    evil = "x'; DROP TABLE runs; --"
    df = client.metadata.query_sql("SELECT count(*) AS n FROM model_metadata WHERE name = ?", parameters=[evil])
    assert df["n"][0] == 0
    assert client.metadata.query_sql("SELECT count(*) AS n FROM runs")["n"][0] == before


def test_a_store_without_source_says_so(tmp_path):
    db = tmp_path / "s.duckdb"
    with Paradime.from_path(RUNS, database=db) as c:
        c.metadata.load("jaffle-daily", progress=False)
    with Paradime.from_source(None, database=db) as reader:
        assert reader.metadata.query_sql("SELECT count(*) AS n FROM runs", schedule_name="jaffle-daily")["n"][0] == 1
        with pytest.raises(NotLoadedError, match="other-schedule"):
            reader.metadata.query_sql("SELECT 1", schedule_name="other-schedule")


def test_a_store_from_another_schema_version_is_refused(tmp_path):
    db = tmp_path / "old.duckdb"
    with Paradime.from_path(RUNS, database=db) as c:
        c.store.connection.execute("UPDATE store_info SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema"):
        Paradime.from_path(RUNS, database=db)
