"""The store's views transpiled to Spark SQL answer as DuckDB's do: health of every model
and node, failing tests and freshness on jaffle-daily and big-2000, read by a local Spark
session from the Parquet dataset. One session and one dataset for the module (Spark
starts slowly); every view ``paradime-nb views --dialect spark`` prints is run here."""

from __future__ import annotations

import math
import os
import shutil
from datetime import datetime

import pytest

from paradime_nb import Paradime
from paradime_nb.store.portable import ANALYSIS_VIEWS, DIALECTS, create_views_script, view_definitions
from tests.conftest import BIG, RUNS

pyspark = pytest.importorskip("pyspark", reason="pyspark is in the test extras")
pytestmark = [
    pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("JAVA_HOME"),
                       reason="Spark needs Java (scripts/ensure_java.sh installs it)"),
    pytest.mark.xdist_group("spark"),  # one JVM for the module, on one worker
]

SCHEDULES = ("jaffle-daily", "big-2000")
FAILING = "('fail', 'error', 'runtime error', 'warn')"

# Each question written once (DuckDB's dialect), run in DuckDB, and transpiled for Spark.
QUESTIONS = {
    "health": "SELECT schedule_name, unique_id, resource_type, status, health_status, tests_total, tests_failed, "
              "tests_warned, upstream_critical, upstream_source_error, upstream_source_warn, problem_tests "
              "FROM node_health",
    "models_with_tests": "SELECT schedule_name, unique_id, status, health_status, total_tests, failed_tests, status_run_id, "
                         "depends_on, children_l1 FROM models_with_tests",
    "failing_tests": "SELECT t.schedule_name, t.unique_id, t.status FROM latest_test_status t "
                     f"WHERE t.status IN {FAILING}",
    "failing_test_results": "SELECT r.schedule_name, r.unique_id, r.status, r.failures, r.run_id FROM latest_node_results r "
                            f"WHERE r.unique_id LIKE 'test.%' AND r.status IN {FAILING}",
    "freshness": "SELECT schedule_name, unique_id, status, max_loaded_at, age_seconds, warn_after_seconds, "
                 "error_after_seconds, run_started_at FROM latest_source_freshness",
    "source_status": "SELECT schedule_name, unique_id, status FROM latest_source_status",
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    url = str(tmp_path_factory.mktemp("spark") / "dataset")
    with Paradime.from_path(RUNS) as jaffle:
        jaffle.metadata.load("jaffle-daily", runs=100, progress=False)
        jaffle.write_dataset(url)
    with Paradime.from_path(BIG / "big-2000") as big:  # its two runs: all the comparison needs
        big.metadata.load("big-2000", runs=2, progress=False)
        big.write_dataset(url)
    reader = Paradime.from_dataset(url)  # DuckDB over the same files
    yield url, reader
    reader.close()


@pytest.fixture(scope="module")
def spark(dataset):
    from pyspark.sql import SparkSession  # noqa: PLC0415

    from paradime_nb.store.dataset.spark import create_spark_views  # noqa: PLC0415

    os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)
    session = (SparkSession.builder.master("local[2]").appName("paradime_nb-tests")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2").config("spark.default.parallelism", "2")
               .config("spark.sql.session.timeZone", "UTC").config("spark.driver.memory", "1g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    created = create_spark_views(session, dataset[0])
    yield session, created
    session.stop()


def _norm(value):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, (list, tuple)):
        return tuple(_norm(v) for v in value)
    return value


def _rows(rows) -> list[tuple]:
    return sorted((tuple(_norm(v) for v in r) for r in rows), key=repr)


def test_spark_answers_every_question_as_duckdb(spark, dataset):
    import sqlglot  # noqa: PLC0415

    session, _ = spark
    _url, reader = dataset
    for question, sql in QUESTIONS.items():
        duck = _rows(reader.store.fetchall(sql))
        got = _rows(session.sql(sqlglot.transpile(sql, read="duckdb", write="spark")[0]).collect())
        assert got == duck, question
        if question != "failing_test_results" or any(r[0] == "big-2000" for r in duck):
            pass
        for schedule in SCHEDULES[: 2 if question in ("health", "models_with_tests", "freshness") else 1]:
            assert any(r[0] == schedule for r in duck), (question, schedule)  # not an empty agreement
    # the fixtures plant problems: more than one health in each project
    health = {(r[0], r[4]) for r in reader.store.fetchall(QUESTIONS["health"])}
    for schedule in SCHEDULES:
        assert len({h for s, h in health if s == schedule}) >= 2, schedule


def test_every_view_printed_for_spark_runs_there(spark):
    session, created = spark
    printed = create_views_script("spark", temporary=True)
    names = [name for name, _ in view_definitions("spark")]
    assert set(ANALYSIS_VIEWS) <= set(names) and all(f"TEMPORARY VIEW {n} AS" in printed for n in names)
    assert set(names) <= set(created)
    for name in names:
        session.sql(f"SELECT * FROM `{name}` LIMIT 5").collect()


def test_duckdb_over_the_dataset_answers_as_the_store(dataset):
    _url, reader = dataset
    with Paradime.from_path(RUNS) as store:
        store.metadata.load("jaffle-daily", runs=100, progress=False)
        for question, sql in QUESTIONS.items():
            want = _rows(store.store.fetchall(sql))
            got = _rows(r for r in reader.store.fetchall(sql) if r[0] == "jaffle-daily")
            assert got == want, question


def test_every_dialect_gets_the_views():
    for dialect in DIALECTS:
        script = create_views_script(dialect)
        assert "node_health" in script and "models_with_tests" in script
        if dialect != "duckdb":
            assert "EXCLUDE" not in script and "MATERIALIZED" not in script
        if dialect in ("spark", "databricks"):  # no named-parameter look-alikes ('k': v)
            assert "JSON_OBJECT" not in script.upper()
