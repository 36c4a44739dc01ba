"""Diff view of two runs: both runs side by side (commit, commands, wall time), then what
changed, worst first. Plain HTML and CSS (no script), so it reads the same in exported HTML."""

from __future__ import annotations

from html import escape
from typing import Any

from .style import FONT, STATUS_HEALTH, badge, fmt_seconds

SUCCEEDED = "SUCCESS"  # the Bolt run state of a run that passed
ROWS = 40  # rows per section; the rest are counted (``.to_frame()`` has them all)
TRANSITION_STATUS = {  # a transition drawn in the colour of the status it moved to
    "newly failing": "error", "newly warning": "warn", "newly skipped": "skipped", "fixed": "success",
}


def run_diff_view(diff: Any) -> str:
    a, b = diff.a, diff.b
    sides = "".join(_side(label, side) for label, side in (("A", a), ("B", b)))
    counts = {}
    for s in diff.statuses:
        counts[s.transition] = counts.get(s.transition, 0) + 1
    badges = " ".join(badge(f"{v} {k}", STATUS_HEALTH.get(TRANSITION_STATUS.get(k, ""))) for k, v in counts.items())
    sections = [
        _table("Status changes", ["transition", "kind", "name", "A", "B"],
               [(_pill(s.transition), s.kind, s.name, s.status_a, s.status_b) for s in diff.statuses], raw=(0,)),
        _table("New test failures", ["test", "status", "failures", "message"],
               [(t.name, t.status, t.failures, t.message) for t in diff.new_test_failures]),
        _table("Resolved test failures", ["test", "now", "failures before", "message before"],
               [(t.name, t.status, t.failures, t.message) for t in diff.resolved_test_failures]),
        _table("Nodes added, removed, changed", ["change", "type", "name", "what changed"],
               [(n.change, n.resource_type, n.name, ", ".join(n.fields)) for n in diff.nodes]),
        _table("Freshness", ["source", "A", "B", "age A", "age B"],
               [(f"{f.source_name}.{f.table_name}", f.status_a, f.status_b, fmt_seconds(f.age_seconds_a),
                 fmt_seconds(f.age_seconds_b)) for f in diff.freshness]),
        _table("Durations", ["name", "A", "B", "change", "on a critical path"],
               [(d.name, fmt_seconds(d.seconds_a), fmt_seconds(d.seconds_b), f"{d.delta_seconds:+.1f} s",
                 "yes" if d.on_critical_path else "") for d in diff.durations]),
        _table("Wall time", ["part", "name", "A", "B", "change"],
               [(w.kind, w.name, fmt_seconds(w.seconds_a), fmt_seconds(w.seconds_b), f"{w.delta_seconds:+.1f} s")
                for w in diff.wall_time if abs(w.delta_seconds) >= 0.05]),
    ]
    notes = "".join(f"<li>{escape(n)}</li>" for n in diff.notes)
    return (f"<div class='paradime-diff' style='{FONT};font-size:13px;max-width:1200px'>"
            f"<div style='font-size:15px;margin:4px 0'><b>{escape(diff.schedule_name)}</b>: run {a.run_id} &rarr; "
            f"run {b.run_id}</div><div class='paradime-diff-explanation' style='margin:4px 0 8px'>"
            f"{escape(diff.explanation)}</div><div style='margin-bottom:8px'>{badges}</div>"
            f"<div style='display:flex;gap:12px;flex-wrap:wrap'>{sides}</div>"
            + (f"<ul style='color:#616161'>{notes}</ul>" if notes else "") + "".join(sections) + "</div>")


def _side(label: str, side: Any) -> str:
    failed = side.state not in (None, SUCCEEDED)
    state = badge(side.state or "?", STATUS_HEALTH["error"] if failed else STATUS_HEALTH["success"])
    commands = "".join(f"<li><code>{escape(c)}</code></li>" for c in side.commands)
    commit = escape(side.git_commit or "-")
    return (f"<div class='paradime-diff-run' style='flex:1;min-width:320px;border:1px solid #e0e0e0;"
            f"border-radius:6px;padding:8px 12px'><div><b>{label}: run {side.run_id}</b> {state}</div>"
            f"<div style='color:#616161'>{escape(str(side.started_at))} &middot; wall {fmt_seconds(side.wall_seconds)}"
            f" &middot; critical path {fmt_seconds(side.critical_path_seconds)} of node time</div>"
            f"<div>git <code class='paradime-diff-commit'>{commit}</code> on {escape(side.git_branch or '-')}"
            f"{' &middot; PR ' + escape(side.pull_request_id) if side.pull_request_id else ''}</div>"
            f"<ol style='margin:4px 0;padding-left:20px'>{commands}</ol>"
            f"<div style='color:#757575'>{escape(side.description or '')}</div></div>")


def _pill(transition: str) -> str:
    return badge(transition, STATUS_HEALTH.get(TRANSITION_STATUS.get(transition, "")))


def _table(title: str, columns: list[str], rows: list[tuple], raw: tuple[int, ...] = ()) -> str:
    if not rows:
        return (f"<div class='paradime-diff-section' style='margin-top:10px'><b>{escape(title)}</b> "
                f"<span style='color:#9e9e9e'>none</span></div>")
    head = "".join(f"<th style='text-align:left;padding:2px 8px;border-bottom:1px solid #bdbdbd'>{escape(c)}</th>"
                   for c in columns)
    body = "".join(
        "<tr>" + "".join(
            f"<td style='padding:2px 8px;border-bottom:1px solid #eeeeee;vertical-align:top'>"
            f"{v if i in raw else escape('' if v is None else str(v))}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in rows[:ROWS])
    more = f"<div style='color:#757575'>{len(rows) - ROWS} more; .to_frame() has them all</div>" if len(rows) > ROWS else ""
    return (f"<div class='paradime-diff-section' style='margin-top:10px'><b>{escape(title)}</b> ({len(rows)})"
            f"<table style='border-collapse:collapse;margin-top:2px'><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{more}</div>")
