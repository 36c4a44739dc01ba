"""Command lines and the artifact files worth fetching from each command.

Decided from names alone, before anything is downloaded: only the latest manifest and
catalog of a run, and run_results only from commands that may execute nodes. The store
confirms with the file's own ``args.which`` (a chained ``dbt run && dbt docs generate``
leaves the docs run_results).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence

from ..artifacts import EXECUTING_WHICH, artifact_kind

# dbt subcommands whose run_results hold real node executions (the same set as args.which).
EXECUTING = EXECUTING_WHICH
# Subcommands that write a run_results.json where every node "succeeds", or none at all.
NOT_EXECUTING = frozenset({
    "docs generate", "docs serve", "compile", "parse", "deps", "ls", "list", "debug",
    "run-operation", "show", "clean", "init", "clone", "source freshness", "snapshot-freshness",
})
_TWO_WORD = {"docs", "source"}
_SPLIT = re.compile(r"&&|\|\||;|\n")


def dbt_subcommands(command_line: str) -> list[str]:
    """``"dbt seed && dbt run --select x"`` -> ``["seed", "run"]``; ``source freshness`` and
    ``docs generate`` are kept as two words. Non-dbt parts (``git pull``) are ignored."""
    found: list[str] = []
    for part in _SPLIT.split(command_line or ""):
        try:
            tokens = shlex.split(part)
        except ValueError:
            tokens = part.split()
        words = [t for t in tokens if not t.startswith("-")]
        for i, tok in enumerate(words):
            if tok == "dbt" or tok.endswith("/dbt"):
                rest = words[i + 1 :]
                if rest:
                    sub = rest[0]
                    if sub in _TWO_WORD and len(rest) > 1:
                        sub = f"{sub} {rest[1]}"
                    found.append(sub)
                break
    return found


def command_kind(command_line: str) -> str | None:
    """The dbt subcommand whose artifacts the command leaves: the last one in a chain."""
    subs = dbt_subcommands(command_line)
    return subs[-1] if subs else None


def may_execute_nodes(command_line: str) -> bool:
    """False only when every dbt part of the line is known not to execute nodes."""
    subs = dbt_subcommands(command_line)
    if not subs:
        return True  # a wrapper script: let the file's args.which decide
    return any(s not in NOT_EXECUTING for s in subs)


def pick(paths: Iterable[str]) -> dict[str, str]:
    """kind -> path for one command; with two files of a kind, the shallowest path wins."""
    chosen: dict[str, str] = {}
    for path in sorted(paths, key=lambda p: (p.count("/"), p)):
        kind = artifact_kind(path)
        if kind is not None and kind not in chosen:
            chosen[kind] = path
    return chosen


def wanted_files(commands: Sequence[tuple[int, str, Iterable[str]]]) -> set[tuple[int, str]]:
    """(command index, path) of every file the store will read for one run.

    ``commands`` holds (index, command line, paths the command left)."""
    per_command = [(index, line, pick(paths)) for index, line, paths in commands]
    wanted: set[tuple[int, str]] = set()
    for kind in ("manifest", "catalog"):
        latest = [(index, files[kind]) for index, _line, files in per_command if kind in files]
        if latest:
            wanted.add(max(latest))
    for index, line, files in per_command:
        if "run_results" in files and may_execute_nodes(line):
            wanted.add((index, files["run_results"]))
        if "sources" in files:
            wanted.add((index, files["sources"]))
    return wanted
