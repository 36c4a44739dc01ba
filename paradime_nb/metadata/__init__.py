"""The analyses: SQL over the store, typed results. Never fetches or parses."""

from .client import MetadataClient
from .loading import LoadReport

__all__ = ["LoadReport", "MetadataClient"]
