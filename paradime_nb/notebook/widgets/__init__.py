"""Widgets for the analyses' results: a health card, a lineage graph, a performance table.

Each takes the typed result of a ``client.metadata`` call and only lays it out; the
functions work from plain Python too (``health_card(client.metadata.get_health_dashboard(s))``).
pyvis, ipywidgets and itables are imported when a widget is first built.
"""

from __future__ import annotations

from typing import Any

__all__ = ["health_card", "lineage_graph", "performance_table"]


def __getattr__(name: str) -> Any:
    if name == "health_card":
        from .health import health_card

        return health_card
    if name == "lineage_graph":
        from .lineage import lineage_graph

        return lineage_graph
    if name == "performance_table":
        from .table import performance_table

        return performance_table
    raise AttributeError(name)
