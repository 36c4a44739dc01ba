"""The analyses: SQL over the store, typed results. Never fetches or parses."""

from .client import MetadataClient
from .results import LineageResult, ResultList

__all__ = ["LineageResult", "LoadReport", "MetadataClient", "ResultList"]


def __getattr__(name: str):  # ``from paradime_nb.metadata import LoadReport``: moved to paradime_nb.loading
    if name == "LoadReport":
        from ..loading import LoadReport

        return LoadReport
    raise AttributeError(f"module 'paradime_nb.metadata' has no attribute {name!r}")
