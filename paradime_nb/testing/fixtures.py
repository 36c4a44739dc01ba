"""pytest fixtures for your own tests: ``from paradime_nb.testing.fixtures import *`` in a
``conftest.py``, then ask for ``paradime_server`` (override ``paradime_runs_dir`` to serve
your own saved-runs folder; the default is the bundled demo runs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .server import LoopbackServer, default_runs_dir

__all__ = ["paradime_runs_dir", "paradime_server"]


@pytest.fixture
def paradime_runs_dir() -> Path:
    return default_runs_dir()


@pytest.fixture
def paradime_server(paradime_runs_dir: Path) -> Iterator[LoopbackServer]:
    """A started loopback server; ``paradime_server.credentials()`` gives client keywords."""
    with LoopbackServer(paradime_runs_dir) as server:
        yield server
