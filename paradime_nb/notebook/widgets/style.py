"""Colours and small HTML pieces shared by the widgets (one palette for card, graph, table)."""

from __future__ import annotations

from html import escape

HEALTH_COLOURS = {
    "healthy": "#43a047",
    "warning": "#f9a825",
    "critical": "#e53935",
    "unknown": "#9e9e9e",
}
HEALTH_ORDER = ("critical", "warning", "healthy", "unknown")
STATUS_HEALTH = {  # a test's or a source's own status, in the health palette
    "pass": "healthy", "success": "healthy", "warn": "warning", "skipped": "warning",
    "fail": "critical", "error": "critical", "runtime error": "critical",
}
# No quotes: FONT goes inside style='...' and style="..." attributes alike. A quote here
# cut the attribute short, and JupyterLab's sanitizer (run on every HTML output for the
# table of contents) backtracks exponentially on the truncated font list: 20-60 s of
# frozen page per health card. system-ui is Segoe UI on Windows, San Francisco on macOS.
FONT = "font-family:system-ui,-apple-system,BlinkMacSystemFont,Roboto,Helvetica,Arial,sans-serif"


def colour(health: str | None) -> str:
    return HEALTH_COLOURS.get(health or "unknown", HEALTH_COLOURS["unknown"])


def badge(text: str, health: str | None) -> str:
    """A coloured pill, readable without colour too (the text carries the meaning)."""
    fg = "#212121" if health == "warning" else "#fff"
    return (f"<span style='display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;"
            f"background:{colour(health)};color:{fg}'>{escape(text)}</span>")


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 60:
        return f"{value:.1f}s"
    if value < 3600:
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes}m {seconds:02d}s"
    hours, rest = divmod(round(value), 3600)
    if hours < 48:
        return f"{hours}h {rest // 60:02d}m"
    return f"{hours // 24}d {hours % 24}h"
