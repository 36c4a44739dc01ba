"""dbt's node selection syntax over the latest manifest, with dbt's meaning.

``"+orders"`` (orders and all its ancestors), ``"orders+2"`` (and children two levels
down), ``"2+orders+"``, ``"@orders"`` (orders, its descendants and all their ancestors),
methods ``tag:``, ``source:``, ``exposure:``, ``metric:``, ``path:``, ``file:``,
``package:``, ``fqn:``, ``resource_type:``, ``test_type:``, ``test_name:``, ``config.<key>:``,
``group:``, ``access:``, ``version:``; a name alone is matched against fqns (folders,
packages, wildcards) like dbt does. Space-separated terms are a union, comma-separated
ones an intersection. Tests are added the way dbt's default (eager) indirect selection
does: every test that depends on a selected node.

Graph operators run the recursive walk of ``lineage``; attribute methods match in Python
over one query of the nodes (fnmatch semantics, as dbt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import PurePosixPath
from typing import Any

from ..errors import SelectorError
from ..store import Store
from .lineage import describe, walk
from .queries import rows
from .results import LineageResult

_ATOM = re.compile(
    r"\A(?P<at>@)?(?P<parents>(?P<parents_depth>\d*)\+)?"
    r"(?:(?P<method>[\w.]+):)?(?P<value>.*?)"
    r"(?P<children>\+(?P<children_depth>\d*))?\Z"
)
_TESTS = ("test", "unit_test")
_CONFIG_KEYS = {
    "materialized": "materialized", "severity": "severity", "tags": "tags", "enabled": "enabled",
    "group": "group_name", "access": "access", "store_failures": "store_failures",
}
METHODS = ("fqn", "tag", "source", "exposure", "metric", "path", "file", "package", "resource_type", "test_type",
           "test_name", "config", "group", "access", "version")


@dataclass(frozen=True)
class Criterion:
    """One term of a selector: a method, its value, and the graph operators around it."""

    method: str
    args: tuple[str, ...]
    value: str
    parents: bool = False
    parents_depth: int | None = None
    children: bool = False
    children_depth: int | None = None
    childrens_parents: bool = False


def parse(selector: str) -> list[list[Criterion]]:
    """A union (space) of intersections (comma) of criteria."""
    if not isinstance(selector, str) or not selector.strip():
        raise SelectorError("empty selector: give a node name, a method (tag:x, source:x, ...) or graph operators")
    return [[_criterion(part, selector) for part in term.split(",")] for term in selector.split()]


def _criterion(text: str, selector: str) -> Criterion:
    m = _ATOM.match(text)
    if m is None or not m.group("value"):
        raise SelectorError(f"cannot read {text!r} in selector {selector!r}")
    if m.group("at") and (m.group("parents") or m.group("children")):
        raise SelectorError(f"{text!r}: the @ operator cannot be combined with + (selector {selector!r})")
    value = m.group("value")
    if m.group("method"):
        method, *args = m.group("method").split(".")
    else:
        method, args = _default_method(value), []
    if method not in METHODS:
        raise SelectorError(f"unknown selector method {method!r} in {selector!r}; supported: {', '.join(METHODS)}")
    if method == "config" and (len(args) != 1 or args[0] not in _CONFIG_KEYS):
        raise SelectorError(f"{text!r}: config methods supported here are config.{', config.'.join(_CONFIG_KEYS)}")
    if method != "config" and args:
        raise SelectorError(f"{text!r}: method {method!r} takes no dotted arguments")
    return Criterion(
        method=method, args=tuple(args), value=value,
        parents=bool(m.group("parents")), parents_depth=_depth(m.group("parents_depth")),
        children=bool(m.group("children")), children_depth=_depth(m.group("children_depth")),
        childrens_parents=bool(m.group("at")),
    )


def _depth(digits: str | None) -> int | None:
    return int(digits) if digits else None


def _default_method(value: str) -> str:
    """dbt: a path if it has a separator, a file if it names one, else an fqn."""
    if "/" in value or "\\" in value:
        return "path"
    if value.lower().endswith((".sql", ".py", ".csv")):
        return "file"
    return "fqn"


# --- matching -------------------------------------------------------------------------


def _fqn_match(fqn: list[str], selector: str, versioned: bool) -> bool:
    """dbt's rule: the leaf name, or a prefix of the fqn (dots split names), wildcards from
    the first part that has one; tried with and without the package."""
    return _fqn_match_scoped(fqn, selector, versioned) or _fqn_match_scoped(fqn[1:], selector, versioned)


def _fqn_match_scoped(fqn: list[str], selector: str, versioned: bool) -> bool:
    if not fqn:
        return False
    parts = selector.split(".")
    if versioned and len(fqn) >= 2:
        if fqn[-2] == selector or "_".join(fqn[-2:]) == "_".join(parts[-2:]):
            return True
    elif fqn[-1] == selector:
        return True
    flat = [item for segment in fqn for item in segment.split(".")]
    if len(flat) < len(parts):
        return False
    for i, part in enumerate(parts):
        if any(c in part for c in "*?[]"):
            return fnmatch(".".join(flat[i:]), ".".join(parts[i:]))
        if flat[i] != part:
            return False
    return True


def _path_match(path: str | None, selector: str) -> bool:
    if not path:
        return False
    want = selector.rstrip("/").removeprefix("./")
    p = PurePosixPath(path.replace("\\", "/"))
    return str(p) == want or fnmatch(str(p), want) or any(str(parent) == want or fnmatch(str(parent), want)
                                                           for parent in p.parents if str(parent) != ".")


def _version_match(node: dict, value: str) -> bool:
    version, latest = node["version"], node["latest_version"]
    if value == "none":
        return version is None
    if version is None or latest is None:
        return False
    key = (_num(version), _num(latest))
    return {"latest": key[0] == key[1], "prerelease": key[0] > key[1], "old": key[0] < key[1]}.get(value, False)


def _num(v: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\-]", str(v)))


def _matches(node: dict, c: Criterion) -> bool:
    v, rtype = c.value, node["resource_type"]
    if c.method == "fqn":
        return rtype not in ("source", "exposure", "metric", "unit_test") and _fqn_match(
            list(node["fqn"] or []), v, node["version"] is not None)
    if c.method == "tag":
        return any(fnmatch(t, v) for t in node["tags"] or [])
    if c.method == "source":
        return rtype == "source" and _dotted_match(node, v, ("package_name", "source_name", "name"), "source")
    if c.method in ("exposure", "metric"):
        return rtype == c.method and _dotted_match(node, v, ("package_name", "name"), c.method)
    if c.method == "path":
        return _path_match(node["original_file_path"], v)
    if c.method == "file":
        return bool(node["original_file_path"]) and fnmatch(PurePosixPath(node["original_file_path"]).name, v)
    if c.method == "package":
        return fnmatch(node["package_name"] or "", v)
    if c.method == "resource_type":
        return rtype == v
    if c.method == "test_type":
        wanted = {"data": "singular", "schema": "generic"}.get(v, v)
        return rtype in _TESTS and node["test_type"] == wanted
    if c.method == "test_name":
        return rtype in _TESTS and fnmatch(node["test_name"] or "", v)
    if c.method == "group":
        return node["group_name"] == v
    if c.method == "access":
        return rtype == "model" and node["access"] == v
    if c.method == "version":
        return rtype == "model" and _version_match(node, v)
    return _config_match(node[_CONFIG_KEYS[c.args[0]]], v, c.args[0])


def _dotted_match(node: dict, value: str, fields: tuple[str, ...], kind: str) -> bool:
    parts = value.split(".")
    if len(parts) > len(fields):
        raise SelectorError(f"{kind}:{value}: expected {' or '.join('.'.join(fields[i:]) for i in range(len(fields)))}")
    if kind == "source" and len(parts) == 1:
        parts = [parts[0], "*"]
    wanted = ["*"] * (len(fields) - len(parts)) + parts
    return all(fnmatch(str(node[f] or ""), w) for f, w in zip(fields, wanted))


def _config_match(value: Any, wanted: str, key: str) -> bool:
    if isinstance(value, bool):
        return wanted.lower() == str(value).lower()
    if isinstance(value, list):
        return wanted in value
    if key == "severity" and value is not None:
        return str(value).lower() == wanted.lower()
    return value is not None and str(value) == wanted


# --- selection ------------------------------------------------------------------------


def select(store: Store, schedule_name: str, selector: str) -> LineageResult:
    """Nodes ``selector`` selects in the latest manifest (0: matched, >0: descendants, <0:
    ancestors), and in ``.tests`` the tests it selects."""
    terms = parse(selector)
    nodes = {n["unique_id"]: n for n in rows(store, "selector_nodes", schedule_name=schedule_name)}
    union: dict[str, int] = {}
    for term in terms:
        picked: dict[str, int] | None = None
        for criterion in term:
            levels = _apply(store, schedule_name, nodes, criterion)
            picked = levels if picked is None else {k: v for k, v in picked.items() if k in levels}
        for k, v in (picked or {}).items():
            if k not in union or abs(v) < abs(union[k]):
                union[k] = v
    tests = [k for k in union if nodes[k]["resource_type"] in _TESTS]
    graph = {k: v for k, v in union.items() if nodes[k]["resource_type"] not in _TESTS}
    return describe(store, schedule_name, graph, root=[selector], direction="selected", depth=None, test_ids=tests)


def _apply(store: Store, schedule_name: str, nodes: dict[str, dict], c: Criterion) -> dict[str, int]:
    matched = [uid for uid, n in nodes.items() if _matches(n, c)]
    levels = {uid: 0 for uid in matched}
    plain = [u for u in matched if nodes[u]["resource_type"] not in _TESTS]
    if c.childrens_parents:
        below = walk(store, schedule_name, plain, "down")
        above = walk(store, schedule_name, list(below), "up")
        _merge(levels, below, 1)
        _merge(levels, above, -1)
        return levels
    if c.parents:
        _merge(levels, walk(store, schedule_name, plain, "up", c.parents_depth), -1)
        # a test has no place in the walked graph: climb from its parents, one level up
        test_parents = {p for u in matched if nodes[u]["resource_type"] in _TESTS for p in nodes[u]["parents"]}
        if test_parents and c.parents_depth != 0:
            depth = None if c.parents_depth is None else c.parents_depth - 1
            above = walk(store, schedule_name, sorted(test_parents), "up", depth)
            _merge(levels, {k: v + 1 for k, v in above.items()}, -1)
    if c.children:
        _merge(levels, walk(store, schedule_name, plain, "down", c.children_depth), 1)
    return levels


def _merge(levels: dict[str, int], walked: dict[str, int], sign: int) -> None:
    """Add a walk's nodes (``sign``: -1 above, +1 below); the nearer level wins, and the
    walk's own start nodes (level 0) keep the level they already have."""
    for uid, level in walked.items():
        if uid not in levels or 0 < level < abs(levels[uid]):
            levels[uid] = sign * level
