"""Testing helpers: a loopback Paradime Bolt API server (needs the ``server`` extra,
graphql-core) and pytest fixtures for it in ``paradime_nb.testing.fixtures``."""

from .server import DOWNLOAD, FAULT_KINDS, Fault, LoopbackServer, default_runs_dir

__all__ = ["DOWNLOAD", "FAULT_KINDS", "Fault", "LoopbackServer", "default_runs_dir"]
