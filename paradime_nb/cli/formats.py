"""``check``'s outputs: text (rich), one JSON document, JUnit XML, GitHub workflow annotations.

Each takes the ``HealthCheck`` results the API returned (one per schedule) and the
threshold; none decides health, they only lay it out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any
from xml.etree import ElementTree as ET

from ..metadata.check import CheckedNode, HealthCheck
from ..vocabulary import CRITICAL, HEALTH_DISPLAY_ORDER, HEALTHY, UNKNOWN, WARNING

FORMATS = ("text", "json", "junit", "github")
JSON_VERSION = 1
ANNOTATION_ERROR, ANNOTATION_WARNING = "error", "warning"  # GitHub's workflow-command levels
_STYLE = {CRITICAL: "bold red", WARNING: "yellow", UNKNOWN: "dim", HEALTHY: "green"}
_NODE_FIELDS = ("unique_id", "name", "resource_type", "health_status", "status", "run_id", "reasons", "message",
                "severity", "failures", "tested_node_name", "original_file_path")


def render(fmt: str, checks: Sequence[HealthCheck], threshold: str) -> str:
    return {"text": text, "json": as_json, "junit": junit, "github": github}[fmt](checks, threshold)


# --- json ----------------------------------------------------------------------------------


def document(checks: Sequence[HealthCheck], threshold: str) -> dict[str, Any]:
    """The JSON document: per schedule the run, counts by kind and health, every unhealthy
    node with its reasons, and whether it reached the threshold."""
    schedules = []
    for c in checks:
        found = c.at_or_above(threshold)
        schedules.append({
            "schedule": c.schedule_name,
            "run": _plain(asdict(c.run)) if c.run is not None else None,
            "failed": bool(found),
            "counts": c.counts(),
            "at_or_above_threshold": [n.unique_id for n in found],
            "unhealthy": [_node(n) for n in c.unhealthy],
        })
    return {"version": JSON_VERSION, "threshold": threshold, "failed": any(s["failed"] for s in schedules),
            "schedules": schedules}


def as_json(checks: Sequence[HealthCheck], threshold: str) -> str:
    return json.dumps(document(checks, threshold), indent=2, default=str)


def _node(n: CheckedNode) -> dict[str, Any]:
    return {k: _plain(getattr(n, k)) for k in _NODE_FIELDS} | {"kind": n.kind}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


# --- junit ---------------------------------------------------------------------------------


def junit(checks: Sequence[HealthCheck], threshold: str) -> str:
    """One testsuite per schedule, one testcase per node (classname: the kind); nodes at or
    above the threshold are failures, warnings below it are system-out notes, unknown
    nodes (never run) are skipped."""
    root = ET.Element("testsuites", name="paradime-nb check")
    total = failures = skipped = 0
    for c in checks:
        cases = sorted(c.nodes, key=lambda n: (n.kind, n.name, n.unique_id))
        failing = {n.unique_id for n in c.at_or_above(threshold)}
        suite = ET.SubElement(root, "testsuite", name=c.schedule_name, tests=str(len(cases)))
        if c.run is not None and c.run.started_at is not None:
            suite.set("timestamp", c.run.started_at.isoformat())
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="threshold", value=threshold)
        if c.run is not None:
            ET.SubElement(props, "property", name="run_id", value=str(c.run.run_id))
        n_fail = n_skip = 0
        for n in cases:
            case = ET.SubElement(suite, "testcase", name=n.name, classname=f"{c.schedule_name}.{n.kind}")
            if n.unique_id in failing:
                n_fail += 1
                failure = ET.SubElement(case, "failure", message=_summary(n), type=n.health_status)
                failure.text = _details(n)
            elif n.health_status == UNKNOWN:
                n_skip += 1
                ET.SubElement(case, "skipped", message=_summary(n))
            elif n.health_status != HEALTHY:
                ET.SubElement(case, "system-out").text = _summary(n)
        suite.set("failures", str(n_fail))
        suite.set("errors", "0")
        suite.set("skipped", str(n_skip))
        total, failures, skipped = total + len(cases), failures + n_fail, skipped + n_skip
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _summary(n: CheckedNode) -> str:
    return f"{n.health_status}: " + ("; ".join(n.reasons) or n.status or "no result")


def _details(n: CheckedNode) -> str:
    lines = [f"{n.resource_type} {n.unique_id}", f"health: {n.health_status}", f"status: {n.status or 'not run'}"]
    lines += [f"reason: {r}" for r in n.reasons]
    if n.message:
        lines.append(f"message: {n.message}")
    return "\n".join(lines)


# --- github --------------------------------------------------------------------------------


def github(checks: Sequence[HealthCheck], threshold: str) -> str:
    """``::error`` for nodes at or above the threshold, ``::warning`` for other warnings (on
    the node's file in the dbt project, so a pull request shows them there), and a
    ``::notice`` per schedule with the counts."""
    lines = []
    for c in checks:
        failing = {n.unique_id for n in c.at_or_above(threshold)}
        for n in c.unhealthy:
            level = ANNOTATION_ERROR if n.unique_id in failing else ANNOTATION_WARNING
            title = f"{c.schedule_name}: {n.kind} {n.name} is {n.health_status}"
            body = "; ".join(n.reasons) or (n.status or "")
            if n.problem_message:
                body += f" | {n.problem_message}"
            where = f"file={_escape_property(n.original_file_path)}," if n.original_file_path else ""
            lines.append(f"::{level} {where}title={_escape_property(title)}::{_escape_data(body)}")
        lines.append(f"::notice title={_escape_property(c.schedule_name + ' health')}::{_escape_data(_count_line(c))}")
    return "\n".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _count_line(c: HealthCheck) -> str:
    parts = []
    for kind, by_health in c.counts().items():
        shown = ", ".join(f"{v} {h}" for h, v in by_health.items() if v)
        parts.append(f"{kind} {shown}")
    run = f"run {c.run.run_id} ({c.run.state}); " if c.run is not None else ""
    return run + "; ".join(parts)


# --- text ----------------------------------------------------------------------------------


def text(checks: Sequence[HealthCheck], threshold: str) -> str:
    """Rendered by ``print_text`` on a rich console; this plain form is for files."""
    from io import StringIO  # noqa: PLC0415

    from rich.console import Console  # noqa: PLC0415

    buffer = StringIO()
    print_text(Console(file=buffer, width=200, no_color=True, highlight=False, soft_wrap=True), checks, threshold)
    return buffer.getvalue().rstrip("\n")


def print_text(console: Any, checks: Sequence[HealthCheck], threshold: str) -> None:
    from rich.markup import escape  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    for c in checks:
        run = c.run
        head = f"[bold]{escape(c.schedule_name)}[/bold]"
        if run is not None:
            head += f": run {run.run_id} {run.state or '?'} started {run.started_at:%Y-%m-%d %H:%M} UTC"
        found = c.at_or_above(threshold)
        verdict = (f"[bold red]FAIL[/bold red] {len(found)} at or above {threshold}" if found
                   else f"[green]OK[/green] nothing at or above {threshold}")
        console.print(f"{head}  {verdict}")
        counts = Table(show_edge=False, box=None, pad_edge=False)
        counts.add_column("kind")
        for h in HEALTH_DISPLAY_ORDER:
            counts.add_column(h, justify="right", style=_STYLE.get(h, ""))
        for kind, by_health in c.counts().items():
            counts.add_row(kind, *(str(by_health.get(h, 0)) for h in HEALTH_DISPLAY_ORDER))
        console.print(counts)
        if c.unhealthy:
            table = Table(show_edge=False, box=None, pad_edge=False, title_justify="left")
            for column in ("health", "kind", "name", "why"):
                table.add_column(column, overflow="fold")
            for n in c.unhealthy:
                why = "; ".join(n.reasons)
                if n.problem_message:
                    why += f" | {' '.join(n.problem_message.split())[:160]}"
                table.add_row(f"[{_STYLE.get(n.health_status, 'default')}]{escape(n.health_status)}[/]", n.kind,
                              escape(n.name), escape(why))
            console.print(table)
        console.print()
