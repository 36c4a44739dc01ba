"""Moved to ``paradime_nb.testing.runner`` (executing notebooks is a testing tool); the
names stay importable from here."""

from ..testing.runner import execute_notebook, export_html  # noqa: F401  (a compatibility path)
