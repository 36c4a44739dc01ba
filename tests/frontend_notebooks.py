"""Notebooks made for the front-end measurements: a scale notebook (big fixtures) and the
plain-table variant of any notebook (the baseline of the ratios in RESULTS.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Injected after the %load_ext cell: every result the extension draws as a widget is
# shown as a plain DataFrame._repr_html_ instead (the baseline of the ratios).
PLAIN_CELL = '''\
from paradime_nb.notebook.widgets.formatters import unregister_formatters as _unreg
_unreg(get_ipython())
import paradime_nb.metadata.results as _res
def _plain_frame(obj):
    for part in ("unhealthy_models", "slowest_models", "models"):
        if hasattr(getattr(obj, part, None), "to_frame"): return getattr(obj, part).to_frame()
    return obj.to_frame()
def _plain(obj, include=None, exclude=None):
    return {"text/html": _plain_frame(obj)._repr_html_(), "text/plain": type(obj).__name__}
_mb = get_ipython().display_formatter.mimebundle_formatter
for _cls in (_res.HealthDashboard, _res.LineageResult, _res.ResultList, _res.PerformanceMetrics):
    _mb.for_type(_cls, _plain)
from paradime_nb.notebook.widgets.health import HealthReport as _HR
_mb.for_type(_HR, _plain)
'''


def code_cell(source: str) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": None, "id": f"c{abs(hash(source)) % 10**10}",
            "metadata": {}, "outputs": [], "source": source}


def notebook(cells: list[str]) -> dict[str, Any]:
    return {"cells": [code_cell(s) for s in cells], "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}}}


def has_plain_variant(nb: dict[str, Any]) -> bool:
    return any("%load_ext paradime_nb" in "".join(c["source"]) for c in nb["cells"])


def plain_variant(nb: dict[str, Any]) -> dict[str, Any]:
    """The same notebook with the widgets replaced by plain DataFrame tables."""
    nb = json.loads(json.dumps(nb))
    cells = nb["cells"]
    at = next(i for i, c in enumerate(cells) if "%load_ext paradime_nb" in "".join(c["source"]))
    cells.insert(at + 1, code_cell(PLAIN_CELL))
    for c in cells:
        c["outputs"] = [] if c["cell_type"] == "code" else c.get("outputs")
        if c["cell_type"] != "code":
            c.pop("outputs", None)
    return nb


def scale_notebook(big: Path, lineage_selector: str = "+dim_risk__sessions_237", test_rows: int = 10_000) -> dict:
    """A 2,000-node project's health card and a ~300-node lineage (big-2000), then a table
    of ``test_rows`` test results of big-10000."""
    return notebook([
        f"%load_ext paradime_nb\nclient = %paradime connect --path {big / 'big-2000'}\n%paradime load big-2000",
        "%paradime health",
        f"%paradime lineage {lineage_selector}",
        f"big = %paradime connect --path {big / 'big-10000'}\n%paradime load big-10000\n"
        f"tests = %paradime tests\ntests.__class__(tests[:{test_rows}], tests.record_type)",
    ])
