"""The store's tables as a shared, Hive-partitioned Parquet dataset: one scheduled job
syncs, everyone (DuckDB, Spark, Trino, ...) reads. See ``layout`` for the files."""

from .layout import DATASET_SCHEMA_VERSION
from .reader import open_dataset
from .writer import ExportReport, export_dataset

__all__ = ["DATASET_SCHEMA_VERSION", "ExportReport", "export_dataset", "open_dataset"]
