"""The dataset in Spark: the store's tables as temporary views over the committed Parquet
files, then the store's views transpiled to Spark SQL (``store.portable``), so
``SELECT * FROM node_health`` answers in Spark as it does in DuckDB.

```python
from paradime_nb.store.dataset.spark import create_spark_views
create_spark_views(spark, "s3://bucket/paradime")      # any URL Spark's Hadoop filesystem reads
spark.sql("SELECT unique_id, health_status FROM models_with_tests WHERE schedule_name = 'prod'")
```

Each table is read with the schema the store declares (no schema-inference job per
table) from the files the commit log lists, so a sync in progress is never read.
"""

from __future__ import annotations

from typing import Any

from ..portable import ANALYSIS_VIEWS, base_tables, tables_read, view_definitions
from .layout import Layout
from .reader import committed_files

# DuckDB column types -> Spark SQL types (everything the store schema uses).
_TYPES = {"VARCHAR": "STRING", "BIGINT": "BIGINT", "INTEGER": "INT", "DOUBLE": "DOUBLE", "BOOLEAN": "BOOLEAN",
          "TIMESTAMP": "TIMESTAMP_NTZ", "JSON": "STRING", "VARCHAR[]": "ARRAY<STRING>"}
_HIVE_KEYS = ("schedule_name", "run_month", "run_date")


def spark_type(duckdb_type: str) -> str:
    return _TYPES[duckdb_type]


def create_spark_views(spark: Any, url: str, *, filesystem: Any = None, views: tuple[str, ...] | None = ANALYSIS_VIEWS,
                       cache: bool = True) -> list[str]:
    """Register the dataset's tables and the store's views in ``spark`` (temporary views):
    ``views`` and every view they read (None: all store views). Returns the names created.
    ``cache``: the latest manifest's views and node_health are computed once, now (a
    snapshot of the dataset as it is), so the graph walks and the views above them read
    rows instead of re-planning them; pass False for plain views that follow the files."""
    layout = Layout(url, filesystem)
    layout.check_info()
    files = committed_files(layout)
    # a schedule slug of digits must stay a string
    spark.conf.set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
    # Spark 4.x fails ("unresolved operator 'Filter dynamicpruning") when dynamic partition
    # pruning meets the recursive graph walk over the partitioned tables
    spark.conf.set("spark.sql.optimizer.dynamicPartitionPruning.enabled", "false")
    created = []
    needed = tables_read(views)
    for table, columns in base_tables():
        if table not in needed:
            continue
        names = files.get(table)
        if names:
            keys = [k for k in _HIVE_KEYS if any(f"/{k}=" in n for n in names)]
            stored = [(c, t) for c, t in columns if c not in keys]
            schema = ", ".join([f"`{c}` {spark_type(t)}" for c, t in stored] + [f"`{k}` STRING" for k in keys])
            raw = spark.read.schema(schema).option("basePath", layout.uri(table)).parquet(*names)
            raw.createOrReplaceTempView(f"_paradime_raw_{table}")
            exprs = [f"CAST(`{c}` AS {spark_type(t).replace('_NTZ', '')}) AS `{c}`" for c, t in columns]
            body = f"SELECT {', '.join(exprs)} FROM _paradime_raw_{table}"
            if table == "schedules":  # one row per commit that touched it: the latest wins
                body = (f"SELECT {', '.join(f'`{c}`' for c, _ in columns)} FROM (SELECT {', '.join(exprs)}, "
                        "row_number() OVER (PARTITION BY schedule_name ORDER BY commit_seq DESC) AS _n "
                        f"FROM _paradime_raw_{table}) s WHERE _n = 1")
                raw = spark.read.schema(schema + ", `commit_seq` BIGINT").option("basePath", layout.uri(table)).parquet(*names)
                raw.createOrReplaceTempView(f"_paradime_raw_{table}")
        else:
            body = "SELECT " + ", ".join(
                f"CAST(NULL AS {spark_type(t).replace('_NTZ', '')}) AS `{c}`" for c, t in columns) + " WHERE FALSE"
        spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW `{table}` AS {body}")
        created.append(table)
    for name, body in view_definitions("spark", views):
        if cache and name in _CACHED:
            # computed now and kept as a leaf: the views above it plan over its rows, not
            # over its (large, recursive) plan, which Spark would analyse at every reference
            spark.sql(body).localCheckpoint(eager=True).createOrReplaceTempView(name)
        else:
            spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW `{name}` AS {body}")
        created.append(name)
    return created


# What the graph walks read on every step of their recursion: computed once, not per step.
_CACHED = ("latest_manifest_runs", "latest_nodes", "latest_edges", "latest_test_metadata", "latest_test_targets",
           "node_health")
