"""Testing helpers: a loopback Paradime Bolt API server (needs the ``server`` extra,
graphql-core) and pytest fixtures for it in ``paradime_nb.testing.fixtures``.

Names load on first use, so ``python -m paradime_nb.testing.server`` runs cleanly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["DOWNLOAD", "FAULT_KINDS", "Fault", "LoopbackServer", "default_runs_dir"]

if TYPE_CHECKING:
    from .server import DOWNLOAD, FAULT_KINDS, Fault, LoopbackServer, default_runs_dir


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module 'paradime_nb.testing' has no attribute {name!r}")
