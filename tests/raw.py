"""Independent reading of the raw fixture JSON, for computing test expectations.

Deliberately plain (json module, dicts, loops): it shares no code with paradime_nb, so a
bug in the package cannot hide in both the answer and the expectation.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

EXECUTING = {"run", "test", "build", "seed", "snapshot", "retry"}
GRAPH_SECTIONS = ("nodes", "sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests", "functions")


def load_json(path: Path) -> dict:
    path = Path(path)
    if not path.exists() and Path(str(path) + ".gz").exists():
        path = Path(str(path) + ".gz")
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return json.loads(data)


def find(cmd_dir: Path, name: str) -> Path | None:
    for p in sorted(cmd_dir.rglob(name + "*"), key=lambda p: len(p.parts)):
        if p.name in (name, name + ".gz"):
            return p
    return None


def command_dirs(run_dir: Path) -> list[Path]:
    dirs = [p for p in run_dir.iterdir() if (p / "command.json").is_file()]
    return sorted(dirs, key=lambda p: json.loads((p / "command.json").read_text())["id"])


def run_dirs(schedule_dir: Path) -> list[Path]:
    return sorted(p for p in schedule_dir.iterdir() if (p / "run.json").is_file())


def executing_results(run_dir: Path) -> list[tuple[int, dict, dict]]:
    """(command position, run_results doc, result) for results that count, in order."""
    out = []
    seen_invocations = set()
    for pos, cmd in enumerate(command_dirs(run_dir), start=1):
        f = find(cmd, "run_results.json")
        if f is None:
            continue
        doc = load_json(f)
        which = doc.get("args", {}).get("which")
        if which not in EXECUTING:
            continue
        inv = doc["metadata"].get("invocation_id")
        if inv in seen_invocations:
            continue
        seen_invocations.add(inv)
        for r in doc["results"]:
            out.append((pos, doc, r))
    return out


def status_counts(run_dir: Path) -> Counter:
    return Counter(r["status"] for _pos, _doc, r in executing_results(run_dir))


def final_statuses(run_dir: Path) -> dict[str, str]:
    """A node's status in a run: its status in the last command that executed it."""
    final: dict[str, str] = {}
    for _pos, _doc, r in executing_results(run_dir):
        final[r["unique_id"]] = r["status"]
    return final


def latest_file(run_dir: Path, name: str) -> Path | None:
    found = None
    for cmd in command_dirs(run_dir):
        f = find(cmd, name)
        if f is not None:
            found = f
    return found


def manifest_graph_nodes(manifest: dict) -> dict[str, dict]:
    nodes = {}
    for section in GRAPH_SECTIONS:
        for key, node in (manifest.get(section) or {}).items():
            nodes[node.get("unique_id", key)] = node
    return nodes


def freshness_rows(run_dir: Path) -> list[dict]:
    rows = []
    for cmd in command_dirs(run_dir):
        f = find(cmd, "sources.json")
        if f is not None:
            rows.extend(load_json(f)["results"])
    return rows
