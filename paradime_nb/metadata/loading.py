"""Moved to ``paradime_nb.loading`` (loading is not an analysis); these names stay
importable from here for code written before the move."""

from ..loading import LoadReport, Loader, load_runs, window_start  # noqa: F401  (a compatibility path)
