"""Column lineage graph: the columns of each node stacked under its header, coloured by the
node's health, drawn like the model lineage graph (pyvis in an isolated ``srcdoc`` iframe,
vis-network inlined: works offline and in exported HTML).

vis-network has no nested nodes, so the grouping is a fixed layout: one lane per level,
each node a header box with its columns directly below it; edges join columns (a dashed
edge into a header is a join key, filter or grouping: it touches the node's rows).
"""

from __future__ import annotations

import json
from collections import defaultdict
from html import escape
from typing import Any

from .lineage import _CDN_TAG, _EMPTY_HEADING, DRAW_LIMIT, LineageGraph, _frame
from ...vocabulary import UNKNOWN
from .style import colour

LANE = 290  # px between levels
ROW = 30  # px between a node's columns
GAP = 26  # px between two nodes of one lane
_FILTER = "filter"
_EXPOSURE = "exposure"
_KIND_COLOURS = {"passthrough": "#90a4ae", "renamed": "#5c6bc0", "transformed": "#8e24aa", "aggregated": "#ef6c00",
                 _FILTER: "#bdbdbd"}


def column_graph(result: Any, *, height: int | None = None) -> LineageGraph:
    """Draw a ``ColumnLineageResult`` (its columns and ``edges``)."""
    columns = [c for c in result if c.column is not None]
    title = f"{result.direction} of {'.'.join(result.root)}"
    if len(columns) > DRAW_LIMIT:
        note = f"{len(columns)} columns are too many to draw legibly; pass a depth."
        return LineageGraph(_frame(title, note, ""), len(columns), len(result.edges))
    nodes, places = _layout(result)
    rows = max((y for _x, y in places.values()), default=0)
    height = height or min(900, max(260, rows + 2 * ROW))
    page = _page(result, nodes, places, height)
    iframe = (f"<iframe srcdoc=\"{escape(page, quote=True)}\" sandbox=\"allow-scripts\" "
              f"title=\"column lineage graph\" class=\"paradime-lineage-frame paradime-column-frame\" "
              f"style=\"width:100%;height:{height + 24}px;border:1px solid #e0e0e0;border-radius:4px\"></iframe>")
    summary = f"{len(columns)} columns in {len(nodes)} nodes, {len(result.edges)} edges"
    if result.stopped:
        summary += "; lineage stops at " + ", ".join(f"{s.name} ({s.lineage_status})" for s in result.stopped)
    return LineageGraph(_frame(title, summary, _kinds() + iframe), len(columns), len(result.edges))


def _layout(result: Any) -> tuple[dict[str, dict], dict[str, tuple[int, int]]]:
    """Node header and column positions: lane by the nearest level of the node's columns."""
    sign = -1 if result.direction == "upstream" else 1
    nodes: dict[str, dict] = {}
    for c in result:
        n = nodes.setdefault(c.unique_id, {"record": c, "level": c.level, "columns": []})
        n["level"] = min(n["level"], c.level)
        if c.column is not None and c.column not in n["columns"]:
            n["columns"].append(c.column)
    lanes: dict[int, list[str]] = defaultdict(list)
    for uid, n in nodes.items():
        lanes[n["level"]].append(uid)
    places: dict[str, tuple[int, int]] = {}
    for level, ids in lanes.items():
        y = 0
        for uid in sorted(ids, key=lambda u: nodes[u]["record"].name or u):
            places[uid] = (sign * level * LANE, y)
            for i, column in enumerate(nodes[uid]["columns"], start=1):
                places[f"{uid}\x00{column}"] = (sign * level * LANE, y + i * ROW)
            y += (len(nodes[uid]["columns"]) + 1) * ROW + GAP
    return nodes, places


def _page(result: Any, nodes: dict[str, dict], places: dict[str, tuple[int, int]], height: int) -> str:
    from pyvis.network import Network

    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line")
    root = (result.root_id, result.root[1])
    for uid, n in nodes.items():
        rec = n["record"]
        health = rec.health_status or UNKNOWN
        x, y = places[uid]
        tip = [f"{rec.name or uid} ({rec.resource_type})", uid, f"health: {health}",
               f"status: {rec.status or 'not run'}", f"column lineage: {rec.lineage_status or 'not derived'}"]
        net.add_node(uid, label=str(rec.name or uid), shape="box", x=x, y=y, physics=False, title="\n".join(tip),
                     color={"background": colour(health), "border": "#37474f"}, widthConstraint={"minimum": 200},
                     font={"color": "#212121", "bold": True}, borderWidth=2)
        for column in n["columns"]:
            cid = f"{uid}\x00{column}"
            cx, cy = places[cid]
            focus = (uid, column) == root
            net.add_node(cid, label=column, shape="box", x=cx, y=cy, physics=False,
                         title=f"{rec.name}.{column}", widthConstraint={"minimum": 200},
                         color={"background": "#ffffff", "border": colour(health)},
                         borderWidth=4 if focus else 2, font={"color": "#212121", "size": 13})
    for e in result.edges:
        source = f"{e.source_id}\x00{e.source_column}"
        target = e.target_id if e.target_column is None else f"{e.target_id}\x00{e.target_column}"
        if source in places and target in places:
            net.add_edge(source, target, title=e.kind, dashes=e.kind == _FILTER,
                         color=_KIND_COLOURS.get(e.kind, "#90a4ae"))
    by_name = {n["record"].name: uid for uid, n in nodes.items() if n["record"].resource_type == _EXPOSURE}
    for c in result:  # a column of a node that an exposure reads: a dotted line to the exposure
        for name in c.exposures if c.column else ():
            if by_name.get(name) in places:
                net.add_edge(f"{c.unique_id}\x00{c.column}", by_name[name], title="read by the exposure",
                             dashes=[2, 4], color=_KIND_COLOURS[_FILTER])
    net.set_options(json.dumps({
        "physics": {"enabled": False},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "smooth": {"type": "cubicBezier", "forceDirection": "horizontal"}},
        "interaction": {"hover": True, "tooltipDelay": 120, "dragNodes": False},
    }))
    page = _EMPTY_HEADING.sub("", _CDN_TAG.sub("", net.generate_html(notebook=False)))
    return page.replace("<body>", "<body style=\"margin:0\">", 1)


def _kinds() -> str:
    items = "".join(f"<span style='margin-right:12px'><span style='display:inline-block;width:18px;height:3px;"
                    f"background:{c};vertical-align:middle'></span> {k}</span>" for k, c in _KIND_COLOURS.items())
    return f"<div class='paradime-column-kinds' style='font-size:12px;color:#424242;margin:2px 0 6px'>{items}</div>"
