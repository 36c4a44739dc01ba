"""The DuckDB store: schema in .sql files, one transaction per run, history over many runs."""

from .loader import PreparedRun, prepare_run
from .store import Store

__all__ = ["PreparedRun", "Store", "prepare_run"]
