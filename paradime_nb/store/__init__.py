"""The DuckDB store: schema in .sql files, one transaction per run, history over many runs."""

from .bulk import gc_paused
from .loader import PreparedRun, prepare_run
from .store import Store

__all__ = ["PreparedRun", "Store", "gc_paused", "prepare_run"]
