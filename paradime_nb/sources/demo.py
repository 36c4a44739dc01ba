"""The bundled demo: twelve daily runs of a jaffle-shop project, shipped inside the package.

Built from the real fixture runs by ``scripts/build_demo.py`` (only the files the store
reads, gzipped), so it loads exactly like a saved-runs folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .saved_runs import SavedRunsSource

DEMO_SCHEDULE = "jaffle-daily"


def demo_path() -> Path:
    return Path(str(resources.files("paradime_nb") / "demo_data" / "runs"))


class DemoSource(SavedRunsSource):
    def __init__(self) -> None:
        super().__init__(demo_path())
        self.description = "the bundled demo"
