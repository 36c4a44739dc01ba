"""Where artifacts come from: the Paradime API, saved-runs folders, dbt target folders, the demo."""

from __future__ import annotations

from pathlib import Path

from ..errors import SourceError
from .demo import DEMO_SCHEDULE, DemoSource
from .local import TargetFolderSource, find_target
from .model import ArtifactFile, CommandInfo, RunData, RunInfo, RunSource, ScheduleInfo
from .saved_runs import SavedRunsSource, is_schedule_folder

__all__ = [
    "DEMO_SCHEDULE", "ArtifactFile", "CommandInfo", "DemoSource", "RunData", "RunInfo", "RunSource",
    "SavedRunsSource", "ScheduleInfo", "TargetFolderSource", "open_path",
]


def open_path(path: str | Path, schedule_name: str | None = None) -> RunSource:
    """A saved-runs folder (one schedule or several) or a dbt project / target folder."""
    p = Path(path).expanduser()
    if not p.exists():
        raise SourceError(f"{p}: no such folder")
    if p.is_dir() and (is_schedule_folder(p) or any(c.is_dir() and is_schedule_folder(c) for c in p.iterdir())):
        return SavedRunsSource(p)
    if p.is_dir() and find_target(p) is not None:
        return TargetFolderSource(p, schedule_name)
    raise SourceError(
        f"{p}: neither a saved-runs folder (<slug>/schedule.json, <run id>/run.json) nor a dbt project or target/ folder"
    )
