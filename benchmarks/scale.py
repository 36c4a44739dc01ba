"""Case 15: a year of history. Manifests stored once, the shared dataset, Spark.

Generates (replaying fixture runs, parsed once, under new run ids and shifted times):
- a year: 365 daily runs of the big-2000 project into one schedule (its two fixture runs
  alternating, a few results turned into errors each day, a deployment every 30 days);
- 200 schedules x 30 daily runs of the jaffle project (its 12 fixture runs in turn).

Measures, each with a baseline from the same run:
- store growth per unchanged run vs the same runs' run-results rows alone (target <= 1.2x);
- the year's store file size; sync throughput into a fresh dataset (runs/s) vs DuckDB's
  own ``COPY ... TO parquet`` of the same runs' result rows;
- the health dashboard of the year (first call in a fresh client, target < 0.5 s) from
  the file store and from the dataset, vs the same on a store of one run;
- failing tests per schedule over the last 7 days on the 200 schedules, store and dataset;
- Spark (local[2]): session start, views, and the health query, vs DuckDB's same query.

    python benchmarks/scale.py [--smoke] [--days 365] [--schedules 200] [--runs 30] [--no-spark]
"""

from __future__ import annotations

import dataclasses
import os
from contextlib import closing as _closing
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from _common import BIG, RUNS, Row, finish, parser

YEAR_START = datetime(2025, 1, 1, 6, 0)
HEALTH_SQL = ("SELECT health_status, count(*) AS n FROM models_with_tests WHERE schedule_name = 'big-2000' "
              "GROUP BY 1 ORDER BY 1")
FAILING_7D = """
WITH latest AS (SELECT max(started_at) AS t FROM runs)
SELECT r.schedule_name, count(DISTINCT r.unique_id) AS failing_tests, count(*) AS failures
FROM node_results r JOIN runs ru USING (schedule_name, run_id)
WHERE ru.started_at >= (SELECT t FROM latest) - INTERVAL 7 DAY
  AND r.unique_id LIKE 'test.%' AND r.status IN ('fail', 'error')
GROUP BY 1 ORDER BY 1"""


def _prepared(project: Path, slug: str):
    from paradime_nb.sources import open_path
    from paradime_nb.store import prepare_run

    source = open_path(project)
    schedule = source.schedule(slug)
    runs = sorted(source.runs(schedule), key=lambda r: r.run_id)
    return [prepare_run(d) for d in source.fetch(schedule, runs)]


_VARIANTS: dict = {}


def _deployed(base, deploy: int):
    """``base``'s tables after deployment ``deploy`` (one model's checksum changed), with
    their manifest version id; cached, as a project keeps a deployment's manifest."""
    from paradime_nb.store.versions import GROUPS, content_id

    key = (id(base), deploy)
    if key not in _VARIANTS:
        tables = dict(base.tables)
        manifest_id = base.run_row.get("manifest_id")
        if deploy and "manifest_nodes" in tables:
            nodes = dict(tables["manifest_nodes"])
            checksum = list(nodes["checksum"])
            checksum[0] = f"deployment-{deploy}"
            nodes["checksum"] = checksum
            tables["manifest_nodes"] = nodes
            manifest_id = content_id(GROUPS[0], tables)
        _VARIANTS[key] = (tables, manifest_id)
    return _VARIANTS[key]


def _replay(base, schedule: str, run_id: int, started: datetime, *, flip: int = 0, deploy: int = 0):
    """``base`` again as run ``run_id`` of ``schedule``, after deployment ``deploy``, with
    ``flip`` results turned into errors."""
    tables, manifest_id = _deployed(base, deploy)
    tables = dict(tables)
    if flip and "node_results" in tables:
        results = dict(tables["node_results"])
        status = list(results["status"])
        for i in range(flip):
            status[(run_id * 7919 + i * 104729) % len(status)] = "error"
        results["status"] = status
        tables["node_results"] = results
    row = {**base.run_row, "schedule_name": schedule, "run_id": run_id, "started_at": started,
           "ended_at": started + timedelta(seconds=base.run_row.get("duration_seconds") or 60),
           "manifest_id": manifest_id}
    schedule_row = {**base.schedule_row, "schedule_name": schedule, "display_name": schedule}
    return dataclasses.replace(base, schedule_name=schedule, run_id=run_id, tables=tables, run_row=row,
                               schedule_row=schedule_row)


def _file_size(store_path: Path, store) -> int:
    store.connection.execute("CHECKPOINT")
    return store_path.stat().st_size


def _used_bytes(con, database: str) -> int:
    """Bytes of the blocks a DuckDB file uses after a checkpoint (its size on disk also
    counts free blocks, reused later: growth per run measured by it can even be negative)."""
    con.execute(f"CHECKPOINT {database}")
    return con.execute("SELECT block_size * used_blocks FROM pragma_database_size() WHERE database_name = ?",
                       [database]).fetchone()[0]


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _timed(fn):
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def year(tmp: Path, days: int, rows: list[Row], spark_on: bool) -> None:
    from paradime_nb import Paradime
    from paradime_nb.store.dataset import export_dataset
    from paradime_nb.store import Store

    base = _prepared(BIG / "big-2000", "big-2000")
    db = tmp / "year.duckdb"
    store = Store(db)
    t0 = time.perf_counter()
    for day in range(days):
        store.write_run(_replay(base[day % len(base)], "big-2000", 100000 + day, YEAR_START + timedelta(days=day),
                                flip=day % 5, deploy=day // 30))
    write_s = time.perf_counter() - t0
    size_year = _file_size(db, store)

    # growth per unchanged run: ten more runs of the same manifest, vs their results alone
    extra = 10
    before = _used_bytes(store.connection, "year")
    for k in range(extra):
        store.write_run(_replay(base[1], "big-2000", 200000 + k, YEAR_START + timedelta(days=days + k),
                                deploy=(days - 1) // 30))
    per_run = (_used_bytes(store.connection, "year") - before) / extra
    results_only = _results_only_growth(tmp, store, extra)
    rows.append(Row("15a", "store growth per unchanged big-2000 run (dbt run + dbt test)", per_run / 2**20, "its run-results rows alone",
                    results_only / 2**20, unit="MB", target="<= 1.2x", met=per_run <= 1.2 * results_only, n="10 runs",
                    note="schema v1 stored ~7 MB per such run (the manifest again)"))
    versions = store.fetchall("SELECT count(*) FROM content_versions WHERE kind = 'manifest'")[0][0]
    rows.append(Row("15b", f"year store file: {days + extra} runs of big-2000, {versions} manifest versions",
                    _file_size(db, store) / 2**20, "", None, unit="MB", n="1",
                    note=f"written in {write_s:.0f} s ({(days + extra) / write_s:.1f} runs/s)"))
    store.close()

    # the dashboard of the year vs of one run
    one = tmp / "one.duckdb"
    with _closing(Store(one)) as s1:
        s1.write_run(_replay(base[1], "big-2000", 1, YEAR_START))
    dash_one = _cold_dashboard(lambda: Paradime.from_source(None, database=one))
    dash_year = _cold_dashboard(lambda: Paradime.from_source(None, database=db))
    rows.append(Row("15c", "health dashboard, year store file (first call)", dash_year, "store of one run", dash_one,
                    target="< 0.5 s", met=dash_year < 0.5, n="3 fresh clients"))

    ds = tmp / "year-dataset"
    with _closing(Store(db, read_only=True)) as src:
        sync_s, report = _timed(lambda: export_dataset(src, str(ds)))
        copy_s = _copy_baseline(src, tmp / "copy")
    rows.append(Row("15d", f"sync the year into a fresh dataset ({len(report.runs_written)} runs, {report.files} files)",
                    len(report.runs_written) / sync_s, "DuckDB COPY of the result rows to Parquet (runs/s)",
                    len(report.runs_written) / copy_s, unit="runs/s", n="1",
                    note=f"{sync_s:.1f} s; dataset {_dir_size(ds) / 2**20:.0f} MB; ratio >1 is faster", ratio=copy_s / sync_s))
    dash_ds = _cold_dashboard(lambda: Paradime.from_dataset(str(ds)))
    rows.append(Row("15e", "health dashboard, year dataset (first call)", dash_ds, "year store file", dash_year,
                    target="< 0.5 s", met=dash_ds < 0.5, n="3 fresh clients"))
    if spark_on:
        _spark(ds, db, rows)


def _results_only_growth(tmp: Path, store, extra: int) -> float:
    """The same runs' result rows in a DuckDB file holding nothing else."""
    path = tmp / "results-only.duckdb"
    con = store.connection
    ids = [r for (r,) in store.fetchall("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT ?", [extra + 1])]
    con.execute(f"ATTACH '{path}' AS results_only")
    con.execute("CREATE TABLE results_only.node_results AS SELECT * FROM node_results WHERE run_id = ?", [ids[-1]])
    before = _used_bytes(con, "results_only")
    for run_id in ids[:-1]:
        con.execute("INSERT INTO results_only.node_results SELECT * FROM node_results WHERE run_id = ?", [run_id])
    grown = _used_bytes(con, "results_only") - before
    con.execute("DETACH results_only")
    return grown / extra


def _copy_baseline(store, out: Path) -> float:
    out.mkdir()
    t = time.perf_counter()
    store.connection.execute(f"COPY (SELECT * FROM node_results) TO '{out}/r.parquet' (FORMAT parquet, COMPRESSION zstd)")
    return time.perf_counter() - t


def _cold_dashboard(open_client) -> float:
    times = []
    for _ in range(3):
        client = open_client()
        t = time.perf_counter()
        client.metadata.get_health_dashboard("big-2000")
        times.append(time.perf_counter() - t)
        client.close()
    return sorted(times)[1]


def _spark(ds: Path, db: Path, rows: list[Row]) -> None:
    if shutil.which("java") is None:
        print("no java: Spark skipped", file=sys.stderr)
        return
    from pyspark.sql import SparkSession

    from paradime_nb import Paradime
    from paradime_nb.store.dataset.spark import create_spark_views

    start_s, spark = _timed(lambda: SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
                            .config("spark.sql.shuffle.partitions", "4").config("spark.sql.session.timeZone", "UTC")
                            .config("spark.driver.memory", "3g").getOrCreate())
    views_s, _ = _timed(lambda: create_spark_views(spark, str(ds)))
    import sqlglot

    query = sqlglot.transpile(HEALTH_SQL, read="duckdb", write="spark")[0]
    first_s, _ = _timed(lambda: spark.sql(query).collect())
    again_s, spark_rows = _timed(lambda: spark.sql(query).collect())
    spark.stop()
    client = Paradime.from_source(None, database=db)
    duck_s, duck_rows = _timed(lambda: client.store.fetchall(HEALTH_SQL))
    client.close()
    same = sorted(tuple(r) for r in spark_rows) == sorted(duck_rows)
    rows.append(Row("15f", "Spark local[2]: models_with_tests health on the year dataset (second query)", again_s,
                    "DuckDB, the same query on the year store", duck_s, n="1",
                    note=f"session start {start_s:.1f} s, views {views_s:.1f} s, first query {first_s:.1f} s; "
                         f"answers {'equal' if same else 'DIFFER'}"))


def many(tmp: Path, schedules: int, runs: int, rows: list[Row]) -> None:
    from paradime_nb.store.dataset import export_dataset, open_dataset
    from paradime_nb.store import Store

    base = _prepared(RUNS / "jaffle-daily", "jaffle-daily")
    db = tmp / "many.duckdb"
    store = Store(db)
    t0 = time.perf_counter()
    for s in range(schedules):
        for k in range(runs):
            store.write_run(_replay(base[k % len(base)], f"jaffle-{s:03d}", 1_000_000 + s * 1000 + k,
                                    YEAR_START + timedelta(days=k, minutes=s)))
    write_s = time.perf_counter() - t0
    size = _file_size(db, store)
    store_s, store_rows = _timed(lambda: store.fetchall(FAILING_7D))
    ds = tmp / "many-dataset"
    sync_s, report = _timed(lambda: export_dataset(store, str(ds), batch_runs=runs))
    store.close()
    reader = open_dataset(str(ds))
    ds_s, ds_rows = _timed(lambda: reader.fetchall(FAILING_7D))
    reader.close()
    total = schedules * runs
    rows.append(Row("15g", f"failing tests per schedule, last 7 days, {schedules} schedules x {runs} runs: dataset",
                    ds_s, "the same query on the store file", store_s, n="1",
                    note=f"answers {'equal' if sorted(ds_rows) == sorted(store_rows) else 'DIFFER'}; store "
                         f"{size / 2**20:.0f} MB written at {total / write_s:.0f} runs/s; sync {total / sync_s:.0f} runs/s "
                         f"({report.commits} commits, {report.files} files, {_dir_size(ds) / 2**20:.0f} MB)"))


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--schedules", type=int, default=200)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--no-spark", action="store_true")
    args = p.parse_args(argv)
    if args.smoke:
        args.days, args.schedules, args.runs, args.no_spark = 12, 4, 3, True
    rows: list[Row] = []
    tmp = Path(tempfile.mkdtemp(prefix="paradime-scale-"))
    try:
        year(tmp, args.days, rows, not args.no_spark)
        many(tmp, args.schedules, args.runs, rows)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish(rows, args.json)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    sys.exit(main())
