"""Gantt chart of a run: one lane per thread, a bar per node execution coloured by status,
the commands as a strip on top, the critical path outlined.

The chart is a static SVG (it reads in exported HTML, on GitHub, with scripts off); the
script in ``gantt.js`` (inlined, no network) adds zoom, pan and a tooltip. Idle time
between commands longer than ``GAP_COLLAPSE_SECONDS`` is cut out of the axis (marked
with its length), so a run with a 20-minute wait still shows its nodes. Past
``BAR_LIMIT`` executions, the longest ones (and the critical path) are drawn one by one
and the rest are merged into blocks per thread; the chart says so.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any

from ...vocabulary import CRITICAL
from .style import FONT, STATUS_HEALTH, colour, fmt_seconds

BAR_LIMIT = 3000
GAP_COLLAPSE_SECONDS = 10.0
BREAK_PX = 28
WIDTH_PX = 1100
LABEL_PX = 150
LANE_PX = 18
STRIP_PX = 22
AXIS_PX = 22
MERGED_COLOUR = "#90a4ae"
FAILED = "error"  # a failed command is drawn in this status's colour
PATH_OUTLINE = "#1a237e"
_ids = itertools.count(1)


@dataclass
class GanttChart:
    """The drawn chart; ``html`` is self-contained (no network, no files)."""

    html: str
    bars: int
    merged_nodes: int
    blocks: int
    lanes: int

    def _repr_html_(self) -> str:
        return self.html


@lru_cache(maxsize=1)
def script() -> str:
    """The chart's JavaScript (one file, so a page-wide loader can take it over)."""
    return (resources.files(__package__) / "gantt.js").read_text(encoding="utf-8")


def gantt_chart(timeline: Any, *, highlight: Any = (), title: str = "") -> GanttChart:
    """``timeline`` (a RunTimeline) drawn; ``highlight``: (command_index, unique_id) pairs
    to outline (the critical path)."""
    marked = set(highlight)
    timed = [n for n in timeline.nodes if n.offset_seconds is not None and n.duration_seconds is not None]
    lanes = list(timeline.threads) or sorted({n.thread_id or "?" for n in timed})
    lane_of = {name: i for i, name in enumerate(lanes)}
    axis = _Axis(timeline, timed)
    drawn, rest = _split(timed, marked)
    blocks = _merge(rest, axis)
    top = STRIP_PX + 6
    height = top + LANE_PX * max(1, len(lanes)) + AXIS_PX
    parts = [_strip(timeline, axis)]
    for n in drawn:
        y = top + LANE_PX * lane_of.get(n.thread_id or "?", 0)
        x0, x1 = axis.x(n.offset_seconds), axis.x(n.offset_seconds + n.duration_seconds)
        on_path = (n.command_index, n.unique_id) in marked
        stroke = f" stroke='{PATH_OUTLINE}' stroke-width='2' vector-effect='non-scaling-stroke'" if on_path else ""
        parts.append(f"<rect class='paradime-gantt-bar{' paradime-gantt-path' if on_path else ''}' x='{x0:.2f}' "
                     f"y='{y + 2}' width='{max(x1 - x0, 0.6):.2f}' height='{LANE_PX - 4}' "
                     f"fill='{colour(STATUS_HEALTH.get(n.status or ''))}'{stroke} data-tip=\"{escape(_tip(n), True)}\"/>")
    for lane, start, end, members in blocks:
        y = top + LANE_PX * lane_of.get(lane, 0)
        x0, x1 = axis.x(start), axis.x(end)
        worst = _worst(members)
        tip = (f"{len(members)} nodes merged on {lane}: {fmt_seconds(end - start)} span, "
               f"{fmt_seconds(sum(m.duration_seconds for m in members))} busy; statuses {worst}")
        parts.append(f"<rect class='paradime-gantt-merged' x='{x0:.2f}' y='{y + 4}' width='{max(x1 - x0, 0.6):.2f}' "
                     f"height='{LANE_PX - 8}' fill='{MERGED_COLOUR}' data-tip=\"{escape(tip, True)}\"/>")
    parts.extend(axis.breaks(top, top + LANE_PX * len(lanes)))
    labels = "".join(
        f"<text x='{LABEL_PX - 6}' y='{top + LANE_PX * i + LANE_PX - 5}' text-anchor='end' font-size='11' "
        f"fill='#424242'>{escape(_short(name))}</text>" for i, name in enumerate(lanes))
    ticks = axis.ticks(top + LANE_PX * len(lanes))
    chart_id = f"paradime-gantt-{next(_ids)}"
    svg = (f"<svg class='paradime-gantt-svg' viewBox='0 0 {LABEL_PX + WIDTH_PX + 10} {height}' width='100%' "
           f"data-left='{LABEL_PX}' data-width='{WIDTH_PX}' style='max-width:{LABEL_PX + WIDTH_PX + 10}px;"
           f"user-select:none' role='img' aria-label='{escape(title or 'run timeline', True)}'>"
           f"<defs><clipPath id='{chart_id}-clip'><rect x='{LABEL_PX}' y='0' width='{WIDTH_PX}' height='{height}'/>"
           f"</clipPath></defs>{labels}<g clip-path='url(#{chart_id}-clip)'><g class='paradime-gantt-plot'>"
           f"{''.join(parts)}</g></g>{ticks}</svg>")
    note = _note(timeline, len(timed), len(drawn), len(rest), len(blocks))
    html = (f"<div id='{chart_id}' class='paradime-gantt' style='{FONT};position:relative;font-size:12px'>"
            f"<div style='margin:4px 0'><b>{escape(title)}</b> <span class='paradime-gantt-summary' "
            f"style='color:#616161'>{escape(note)}</span> <span class='paradime-gantt-zoom' style='color:#1565c0'>"
            f"</span></div>{_legend(timed, bool(marked))}{svg}{_commands(timeline, axis)}"
            f"<div class='paradime-gantt-tip' style='display:none;position:absolute;pointer-events:none;"
            f"background:#263238;color:#fff;padding:4px 8px;border-radius:4px;white-space:pre;z-index:10'></div>"
            f"<script>{script()}\nwindow.paradimeGantt.init('{chart_id}');</script></div>")
    return GanttChart(html, len(drawn), len(rest), len(blocks), len(lanes))


class _Axis:
    """Seconds since the run's start -> x, with long idle gaps between commands cut out."""

    def __init__(self, timeline: Any, timed: list[Any]) -> None:
        spans = []
        for c in timeline.commands:
            if c.offset_seconds is not None:
                spans.append([c.offset_seconds, c.offset_seconds + (c.duration_seconds or 0.0)])
        for n in timed:
            spans.append([n.offset_seconds, n.offset_seconds + n.duration_seconds])
        spans.sort()
        merged: list[list[float]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1] + GAP_COLLAPSE_SECONDS:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.segments = merged or [[0.0, 1.0]]
        self.cut = len(self.segments) - 1
        busy = sum(b - a for a, b in self.segments) or 1.0
        self.px_per_second = (WIDTH_PX - BREAK_PX * self.cut) / busy
        self.starts = []
        x = LABEL_PX
        for a, b in self.segments:
            self.starts.append(x)
            x += (b - a) * self.px_per_second + BREAK_PX

    def x(self, seconds: float) -> float:
        for (a, b), x0 in zip(self.segments, self.starts):
            if seconds <= b:
                return x0 + max(0.0, seconds - a) * self.px_per_second
        a, b = self.segments[-1]
        return self.starts[-1] + (b - a) * self.px_per_second

    def seconds_per_px(self) -> float:
        return 1.0 / self.px_per_second

    def breaks(self, y0: int, y1: int) -> list[str]:
        out = []
        for (_, b), (a2, _), x0 in zip(self.segments, self.segments[1:], self.starts[1:]):
            x = x0 - BREAK_PX
            out.append(f"<rect class='paradime-gantt-break' x='{x:.2f}' y='{y0}' width='{BREAK_PX}' height='{y1 - y0}' "
                       f"fill='#eceff1' data-tip=\"{escape(f'idle {fmt_seconds(a2 - b)} (cut from the axis)', True)}\"/>")
        return out

    def ticks(self, y: int) -> str:
        out = [f"<g class='paradime-gantt-ticks'><line x1='{LABEL_PX}' y1='{y}' x2='{LABEL_PX + WIDTH_PX}' y2='{y}' "
               f"stroke='#bdbdbd'/>"]
        for (a, b), x0 in zip(self.segments, self.starts):
            width = (b - a) * self.px_per_second
            out.append(f"<text x='{x0:.1f}' y='{y + 14}' font-size='10' fill='#757575'>{escape(fmt_seconds(a))}</text>")
            if width > 120:
                out.append(f"<text x='{x0 + width:.1f}' y='{y + 14}' font-size='10' text-anchor='end' "
                           f"fill='#757575'>{escape(fmt_seconds(b))}</text>")
        return "".join(out) + "</g>"


def _split(timed: list[Any], marked: set) -> tuple[list[Any], list[Any]]:
    if len(timed) <= BAR_LIMIT:
        return timed, []
    keep = [n for n in timed if (n.command_index, n.unique_id) in marked]
    others = sorted((n for n in timed if (n.command_index, n.unique_id) not in marked),
                    key=lambda n: -n.duration_seconds)
    room = max(0, BAR_LIMIT - len(keep))
    return keep + others[:room], others[room:]


def _merge(rest: list[Any], axis: _Axis) -> list[tuple[str, float, float, list[Any]]]:
    """Per lane, executions closer than two pixels merged into one block."""
    gap = 2 * axis.seconds_per_px()
    blocks: list[tuple[str, float, float, list[Any]]] = []
    by_lane: dict[str, list[Any]] = {}
    for n in rest:
        by_lane.setdefault(n.thread_id or "?", []).append(n)
    for lane, nodes in by_lane.items():
        nodes.sort(key=lambda n: n.offset_seconds)
        current: list[Any] = []
        start = end = 0.0
        for n in nodes:
            if current and n.offset_seconds - end <= gap:
                current.append(n)
                end = max(end, n.offset_seconds + n.duration_seconds)
                continue
            if current:
                blocks.append((lane, start, end, current))
            current, start, end = [n], n.offset_seconds, n.offset_seconds + n.duration_seconds
        if current:
            blocks.append((lane, start, end, current))
    return blocks


def _strip(timeline: Any, axis: _Axis) -> str:
    out = []
    for c in timeline.commands:
        if c.offset_seconds is None:
            continue
        x0, x1 = axis.x(c.offset_seconds), axis.x(c.offset_seconds + (c.duration_seconds or 0.0))
        fill = "#cfd8dc" if c.exit_code in (0, None) else colour(STATUS_HEALTH[FAILED])
        tip = f"command {c.command_index}: {c.command}\nexit {c.exit_code}, {fmt_seconds(c.duration_seconds)}"
        out.append(f"<rect class='paradime-gantt-command' x='{x0:.2f}' y='2' width='{max(x1 - x0, 0.6):.2f}' "
                   f"height='{STRIP_PX}' fill='{fill}' stroke='#fff' vector-effect='non-scaling-stroke' "
                   f"data-tip=\"{escape(tip, True)}\"/>")
    return "".join(out)


def _commands(timeline: Any, axis: _Axis) -> str:
    """The commands below the chart; clicking one zooms to it."""
    items = []
    for c in timeline.commands:
        if c.offset_seconds is None:
            continue
        x0, x1 = axis.x(c.offset_seconds), axis.x(c.offset_seconds + (c.duration_seconds or 0.0))
        failed = c.exit_code not in (0, None)
        items.append(f"<span class='paradime-gantt-cmd' data-zoom-from='{x0:.2f}' data-zoom-to='{x1:.2f}' "
                     f"style='cursor:pointer;margin-right:10px;color:{colour(CRITICAL) if failed else '#37474f'}'>"
                     f"{c.command_index}. {escape(c.dbt_command or c.command or '?')} "
                     f"({fmt_seconds(c.duration_seconds)}{', exit ' + str(c.exit_code) if failed else ''})</span>")
    return f"<div style='margin:2px 0 4px;color:#616161'>commands (click to zoom): {''.join(items)}</div>"


def _legend(timed: list[Any], path: bool) -> str:
    statuses = sorted({n.status or "?" for n in timed})
    swatches = "".join(
        f"<span style='margin-right:10px'><span style='display:inline-block;width:11px;height:11px;border-radius:2px;"
        f"vertical-align:middle;background:{colour(STATUS_HEALTH.get(s))}'></span> {escape(s)}</span>" for s in statuses)
    outline = (f"<span style='margin-right:10px'><span style='display:inline-block;width:9px;height:9px;"
               f"border:2px solid {PATH_OUTLINE};vertical-align:middle'></span> critical path</span>" if path else "")
    return f"<div class='paradime-gantt-legend' style='margin:2px 0 4px;color:#424242'>{swatches}{outline}</div>"


def _note(timeline: Any, timed: int, drawn: int, merged: int, blocks: int) -> str:
    text = (f"run {timeline.run_id}: {timed} node executions on {len(timeline.threads)} threads, "
            f"wall {fmt_seconds(timeline.wall_seconds)}")
    if merged:
        text += (f"; {timed} are more than {BAR_LIMIT} bars: the {drawn} longest (and the critical path) drawn "
                 f"one by one, {merged} shorter ones merged into {blocks} grey blocks")
    if timeline.untimed:
        text += f"; {len(timeline.untimed)} without timing not drawn"
    if timeline.in_progress:
        text += "; run in progress: partial"
    return text


def _tip(n: Any) -> str:
    start, end = (f"{t:%H:%M:%S.%f}"[:-3] for t in (n.started_at, n.ended_at))
    return (f"{n.name or n.unique_id} ({n.resource_type or '?'})\n{n.status} on {n.thread_id}\n"
            f"{start} -> {end}  {fmt_seconds(n.duration_seconds)}\ncommand {n.command_index} ({n.dbt_command})")


def _worst(members: list[Any]) -> str:
    counts: dict[str, int] = {}
    for m in members:
        counts[m.status or "?"] = counts.get(m.status or "?", 0) + 1
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def _short(thread: str) -> str:
    return thread.replace(" (worker)", "")
