"""The Paradime Bolt GraphQL client: ``BoltClient`` over one keep-alive ``Transport``."""

from .client import BoltClient, BoltCommand, BoltResource, RunStatus, split_options
from .http import HttpOptions, Transport

__all__ = ["BoltClient", "BoltCommand", "BoltResource", "HttpOptions", "RunStatus", "Transport", "split_options"]
