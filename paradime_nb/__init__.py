"""paradime_nb: dbt run metadata (Paradime Bolt, local target folders) in DuckDB, in notebooks.

``from paradime_nb import Paradime``; ``%load_ext paradime_nb`` in Jupyter. Heavy modules
load on first use, so importing the package stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

__all__ = ["Paradime", "__version__", "load_ipython_extension", "unload_ipython_extension"]

if TYPE_CHECKING:
    from .client import Paradime


def __getattr__(name: str) -> Any:
    if name == "Paradime":
        from .client import Paradime

        return Paradime
    raise AttributeError(f"module 'paradime_nb' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext paradime_nb``: register the ``%paradime`` magic."""
    from .notebook.magic import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .notebook.magic import unload_ipython_extension as _unload

    _unload(ipython)
