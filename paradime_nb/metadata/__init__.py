"""The analyses: SQL over the store, typed results. Never fetches or parses."""

from .client import MetadataClient
from .loading import LoadReport
from .results import LineageResult, ResultList

__all__ = ["LineageResult", "LoadReport", "MetadataClient", "ResultList"]
