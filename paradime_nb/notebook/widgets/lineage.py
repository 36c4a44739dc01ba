"""Lineage graph: pyvis (vis-network) inside an isolated ``<iframe srcdoc>``.

Why srcdoc: pyvis's own notebook display is an IFrame to a file on disk, which VS Code
and exported HTML cannot load. Here the page (the graph's data and pyvis's drawing code)
travels inside the output, sandboxed so its scripts and styles cannot touch the notebook.
vis-network itself (0.5 MB, from the pyvis package: no CDN) is not in every page: it is
sent to the notebook page once per kernel session (``assets``) and each iframe asks the
page for it by ``postMessage``. The legend is plain HTML beside it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from ...vocabulary import CRITICAL, HEALTH_PROBLEMS, UNKNOWN, WARNING
from .assets import IFRAME_BOOTSTRAP, LIBRARIES, VIS_NETWORK, require
from .style import FONT, HEALTH_COLOURS, HEALTH_ORDER, colour

#: vis-network shape per resource type; the legend draws the same shapes.
SHAPES = {
    "model": "box", "source": "database", "seed": "triangle", "snapshot": "hexagon",
    "exposure": "star", "analysis": "ellipse", "semantic_model": "ellipse", "metric": "diamond",
}
PHYSICS_LIMIT = 300  # above this many nodes the layout is computed once, never simulated
COLLAPSE_LIMIT = 500  # above this many nodes the healthy ones are drawn as groups
DRAW_LIMIT = 2000  # a graph still above this after collapsing is not drawn; a note says how to narrow it
HEIGHT = 600
# pyvis's template links bootstrap from a CDN for its menus (not used here) and has two
# empty headings; both go, so the page needs no network and has no blank band on top.
_CDN_TAG = re.compile(r"<link[^>]*href=\"https?://[^\"]*\"[^>]*/?>|<script[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>")
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>")
_DRAW_CALL = re.compile(r"^(\s*)drawGraph\(\);\s*$", re.M)
# the little of vis-network's stylesheet the graph uses: its hover tooltip
_TOOLTIP_CSS = ("<style>div.vis-tooltip{position:absolute;visibility:hidden;padding:5px;white-space:pre;"
                "font:13px sans-serif;color:#000;background:#f5f4ed;border:1px solid #808074;border-radius:3px;"
                "box-shadow:3px 3px 10px rgba(0,0,0,.2);pointer-events:none;z-index:5}</style>")


@dataclass
class LineageGraph:
    """The drawn graph. ``html`` needs no network and no files but gets vis-network from
    the page: ``_repr_html_`` adds it when this output is the kernel session's first to
    need it, ``page()`` always (a standalone page)."""

    html: str
    node_count: int
    edge_count: int

    def _repr_html_(self) -> str:
        return (require(VIS_NETWORK) if "<iframe" in self.html else "") + self.html

    def page(self) -> str:
        return LIBRARIES[VIS_NETWORK]() + self.html


def lineage_graph(
    nodes: Iterable[Any],
    edges: Iterable[tuple[str, str]],
    *,
    focus: Iterable[str] = (),
    title: str = "",
    height: int = HEIGHT,
) -> LineageGraph:
    """Draw ``nodes`` (records with unique_id, name, resource_type, status, health_status)
    and ``edges`` (parent_id, child_id) left to right; ``focus`` ids get a thick border."""
    nodes = list(nodes)
    ids = {_get(n, "unique_id") for n in nodes}
    edges = [(p, c) for p, c in edges if p in ids and c in ids]
    collapsed = ""
    if len(nodes) > COLLAPSE_LIMIT:
        total = len(nodes)
        nodes, edges, collapsed = collapse(nodes, edges, set(focus))
        if len(nodes) <= DRAW_LIMIT:
            collapsed = f"{total} nodes: {collapsed}"
    if len(nodes) > DRAW_LIMIT:
        note = (f"{len(nodes)} nodes are too many to draw legibly; narrow the selection "
                f"(--up/--down, or a selector such as 2+model+1).")
        return LineageGraph(_frame(title, note, ""), len(nodes), len(edges))
    page = _page(nodes, edges, set(focus), height)
    iframe = (f"<iframe srcdoc=\"{escape(page, quote=True)}\" sandbox=\"allow-scripts\" "
              f"title=\"lineage graph\" class=\"paradime-lineage-frame\" "
              f"style=\"width:100%;height:{height + 24}px;border:1px solid #e0e0e0;border-radius:4px\"></iframe>")
    summary = collapsed or f"{len(nodes)} nodes, {len(edges)} edges"
    return LineageGraph(_frame(title, summary, iframe), len(nodes), len(edges))


def collapse(nodes: list[Any], edges: list[tuple[str, str]], focus: set[str]) -> tuple[list[Any], list[tuple[str, str]], str]:
    """A large graph drawn readably: the selected nodes and those not Healthy one by one
    (as long as they are few enough), every other node in a group per resource type,
    health and level, labelled with its count; edges between groups drawn once."""
    problems = [n for n in nodes if _get(n, "unique_id") in focus or _get(n, "health_status") in HEALTH_PROBLEMS]
    if len(problems) > COLLAPSE_LIMIT // 2:
        problems = [n for n in problems if _get(n, "unique_id") in focus or _get(n, "health_status") == CRITICAL]
    if len(problems) > COLLAPSE_LIMIT // 2:
        problems = [n for n in problems if _get(n, "unique_id") in focus]
    kept = {_get(n, "unique_id") for n in problems}
    groups: dict[str, dict[str, Any]] = {}
    where: dict[str, str] = {}
    for n in nodes:
        uid = _get(n, "unique_id")
        if uid in kept:
            where[uid] = uid
            continue
        rtype, health, level = _get(n, "resource_type") or "model", _get(n, "health_status") or UNKNOWN, _get(n, "level")
        key = f"group:{rtype}:{health}:{level}"
        group = groups.setdefault(key, {"unique_id": key, "resource_type": rtype, "health_status": health,
                                        "level": level, "status": None, "members": []})
        group["members"].append(_get(n, "name") or uid)
        where[uid] = key
    for group in groups.values():
        count = len(group["members"])
        group["name"] = f"{count} {group['resource_type']}{'s' if count > 1 else ''} ({group['health_status']})"
    pairs = sorted({(where[p], where[c]) for p, c in edges if where[p] != where[c]})
    hidden = len(nodes) - len(problems)
    note = (f"{len(problems)} drawn one by one (the selected and those not Healthy), {hidden} collapsed into "
            f"{len(groups)} groups by type, health and level (hover a group for its members)")
    return problems + list(groups.values()), pairs, note


def _page(nodes: list[Any], edges: list[tuple[str, str]], focus: set[str], height: int) -> str:
    from pyvis.network import Network

    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="remote")
    for n in nodes:
        uid = _get(n, "unique_id")
        health = _get(n, "health_status") or UNKNOWN
        rtype = _get(n, "resource_type") or "model"
        level = _get(n, "level")
        tip = [f"{_get(n, 'name') or uid} ({rtype})", uid, f"health: {health}",
               f"status: {_get(n, 'status') or 'not run'}"]
        if level is not None:
            tip.append(f"level: {level}")
        members = _get(n, "members")
        if members:
            tip = [f"{len(members)} {rtype} nodes, health {health}, level {level}"]
            tip += members[:20] + ([f"... and {len(members) - 20} more"] if len(members) > 20 else [])
        net.add_node(
            uid, label=str(_get(n, "name") or uid), shape=SHAPES.get(rtype, "dot"), title="\n".join(tip),
            color={"background": colour(health), "border": "#1a237e" if uid in focus else "#546e7a",
                   "highlight": {"background": colour(health), "border": "#000"}},
            borderWidth=4 if uid in focus else 1,
            font={"color": "#212121" if health in (WARNING, UNKNOWN) or SHAPES.get(rtype) != "box" else "#fff"},
        )
    for parent, child in edges:
        net.add_edge(parent, child)
    big = len(nodes) > PHYSICS_LIMIT
    net.set_options(json.dumps({
        "layout": {"hierarchical": {"enabled": True, "direction": "LR", "sortMethod": "directed",
                                    "levelSeparation": 220, "nodeSpacing": 70, "shakeTowards": "roots"}},
        "physics": {"enabled": not big, "solver": "hierarchicalRepulsion",
                    "hierarchicalRepulsion": {"nodeDistance": 110}, "stabilization": {"iterations": 150}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "color": {"color": "#90a4ae"},
                  "smooth": False if big else {"type": "cubicBezier", "forceDirection": "horizontal"}},
        "interaction": {"hover": True, "tooltipDelay": 120},
    }))
    page = _EMPTY_HEADING.sub("", _CDN_TAG.sub("", net.generate_html(notebook=False)))
    page, calls = _DRAW_CALL.subn(rf"\1paradimeAsset({json.dumps(VIS_NETWORK)}, drawGraph);", page)
    if calls != 1:  # pragma: no cover - a pyvis template we do not know
        raise RuntimeError("pyvis's page template changed: no single drawGraph() call to defer")
    page = page.replace("</head>", f"{_TOOLTIP_CSS}{IFRAME_BOOTSTRAP}</head>", 1)
    return page.replace("<body>", "<body style=\"margin:0\">", 1)


def _frame(title: str, summary: str, body: str) -> str:
    head = f"<b>{escape(title)}</b> " if title else ""
    return (f"<div class='paradime-lineage' style='{FONT}'>"
            f"<div style='margin:4px 0'>{head}<span style='color:#616161'>{escape(summary)}</span></div>"
            f"{_legend()}{body}</div>")


def _legend() -> str:
    """Colour = health, shape = resource type; small inline SVG, no script."""
    swatches = "".join(
        f"<span style='margin-right:12px'><span style='display:inline-block;width:11px;height:11px;"
        f"border-radius:2px;background:{HEALTH_COLOURS[h]};vertical-align:middle'></span> {h}</span>"
        for h in HEALTH_ORDER
    )
    shapes = "".join(
        f"<span style='margin-right:12px'>{_SVG[t]} {t}</span>"
        for t in ("model", "source", "seed", "snapshot", "exposure")
    )
    return (f"<div class='paradime-legend' style='font-size:12px;color:#424242;margin:2px 0 6px'>"
            f"{swatches}<span style='margin:0 8px;color:#bdbdbd'>|</span>{shapes}"
            f"<span style='color:#9e9e9e'>thick border: the selected model</span></div>")


_G = "fill='#b0bec5' stroke='#546e7a'"
_SVG = {
    "model": f"<svg width='16' height='11' style='vertical-align:middle'><rect x='1' y='1' width='14' height='9' {_G}/></svg>",
    "source": f"<svg width='12' height='13' style='vertical-align:middle'><path d='M1 3v7c0 2 10 2 10 0V3' {_G}/>"
              f"<ellipse cx='6' cy='3' rx='5' ry='2' {_G}/></svg>",
    "seed": f"<svg width='13' height='12' style='vertical-align:middle'><polygon points='6.5,1 12,11 1,11' {_G}/></svg>",
    "snapshot": f"<svg width='13' height='12' style='vertical-align:middle'>"
                f"<polygon points='3.5,1 9.5,1 12.5,6 9.5,11 3.5,11 0.5,6' {_G}/></svg>",
    "exposure": f"<svg width='13' height='13' style='vertical-align:middle'><polygon "
                f"points='6.5,0.5 8.2,4.7 12.5,4.9 9.2,7.7 10.3,12 6.5,9.6 2.7,12 3.8,7.7 0.5,4.9 4.8,4.7' {_G}/></svg>",
}


def _get(record: Any, name: str) -> Any:
    return record.get(name) if isinstance(record, dict) else getattr(record, name, None)
