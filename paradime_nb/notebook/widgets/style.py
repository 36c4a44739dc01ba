"""Colours and small HTML pieces shared by the widgets (one palette for card, graph, table)."""

from __future__ import annotations

from html import escape

from ...vocabulary import CRITICAL, HEALTH_WORST_FIRST, HEALTHY, UNKNOWN, WARNING

HEALTH_COLOURS = {
    HEALTHY: "#43a047",
    WARNING: "#f9a825",
    CRITICAL: "#e53935",
    UNKNOWN: "#9e9e9e",
}
HEALTH_ORDER = HEALTH_WORST_FIRST  # legend, counts and bar: the worst first
STATUS_HEALTH = {  # a test's or a source's own status, in the health palette
    "pass": HEALTHY, "success": HEALTHY, "warn": WARNING, "skipped": WARNING,
    "fail": CRITICAL, "error": CRITICAL, "runtime error": CRITICAL,
}
# No quotes inside: FONT goes into single-quoted style attributes (an unquoted family name
# of several words is valid CSS).
FONT = "font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif"


def colour(health: str | None) -> str:
    return HEALTH_COLOURS.get(health or UNKNOWN, HEALTH_COLOURS[UNKNOWN])


def badge(text: str, health: str | None) -> str:
    """A coloured pill, readable without colour too (the text carries the meaning)."""
    fg = "#212121" if health == WARNING else "#fff"
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
