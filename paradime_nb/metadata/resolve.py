"""Which node a user means: a unique id, a name, ``source_name.table_name``, or a versioned
model name (``dim_customers`` is its latest version; ``dim_customers.v1`` or
``dim_customers_v1`` a given one). Ambiguity and typos are errors that list the choices."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass

from ..errors import AmbiguousNodeError, NodeNotFoundError
from ..store import Store
from .queries import rows

_VERSIONED = re.compile(r"^(?P<name>.+?)[._]v(?P<version>[0-9A-Za-z.\-]+)$")
NOT_TESTS = ("model", "seed", "snapshot", "source", "exposure", "analysis", "metric", "semantic_model",
             "saved_query", "function", "operation")
EXECUTABLE = ("model", "seed", "snapshot", "function")


@dataclass(frozen=True)
class NodeRef:
    unique_id: str
    name: str | None
    resource_type: str | None


def resolve_node(store: Store, schedule_name: str, name: str, types: Collection[str] = NOT_TESTS) -> NodeRef:
    """The one node of the schedule's latest manifest that ``name`` designates."""
    if not isinstance(name, str) or not name.strip():
        raise NodeNotFoundError(str(name), schedule_name)
    value = name.strip()
    m = _VERSIONED.match(value)
    base, version = (m.group("name"), m.group("version")) if m else (value, None)
    found = [r for r in rows(store, "resolve_candidates", schedule_name=schedule_name, value=value, base=base)
             if r["resource_type"] in types]
    exact = [r for r in found if r["unique_id"] == value]
    if exact:
        return _ref(exact[0])
    for same_case in (True, False):
        picked = _pick(found, value, base, version, same_case)
        if picked:
            if len(picked) == 1:
                return _ref(picked[0])
            raise AmbiguousNodeError(value, sorted(r["unique_id"] for r in picked))
    other = [r for r in found if r["resource_type"] not in types] if found else []
    if not other:
        other = [r for r in rows(store, "resolve_candidates", schedule_name=schedule_name, value=value, base=base)
                 if r["resource_type"] not in types]
    if other:  # the name exists, as another kind of node: say so, listing them
        kinds = sorted({r["resource_type"] for r in other})
        ids = sorted(r["unique_id"] for r in other)
        shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        raise NodeNotFoundError(value, schedule_name, (), detail=(
            f"{value!r} names {len(ids)} {'/'.join(kinds)} node(s) ({shown}), and this needs a "
            f"{', '.join(sorted(set(types) & {'model', 'seed', 'snapshot', 'source', 'exposure'}))}"))
    raise NodeNotFoundError(value, schedule_name, _suggestions(store, schedule_name, value, types))


def _pick(found: list[dict], value: str, base: str, version: str | None, same_case: bool) -> list[dict]:
    def eq(a: str | None, b: str) -> bool:
        return a is not None and (a == b if same_case else a.lower() == b.lower())

    named = [r for r in found if r["resource_type"] != "source" and eq(r["name"], value)]
    if named:
        return _latest_versions(named)
    if version is not None:
        versioned = [r for r in found if r["resource_type"] == "model" and eq(r["name"], base) and r["version"] == version]
        if versioned:
            return versioned
    dotted = [r for r in found if r["resource_type"] == "source" and eq(f"{r['source_name']}.{r['name']}", value)]
    if dotted:
        return dotted
    return [r for r in found if r["resource_type"] == "source" and eq(r["name"], value)]


def _latest_versions(named: list[dict]) -> list[dict]:
    """Versions of one model count once: the latest (dbt's rule when a name has versions)."""
    groups: dict[tuple, list[dict]] = {}
    for r in named:
        key = (r["resource_type"], r["package_name"], r["name"]) if r["version"] is not None else (r["unique_id"],)
        groups.setdefault(key, []).append(r)
    out = []
    for members in groups.values():
        if len(members) == 1:
            out.append(members[0])
            continue
        latest = [r for r in members if r["is_latest_version"]]
        out.extend(latest if len(latest) == 1 else [max(members, key=lambda r: _version_key(r["version"]))])
    return out


def _version_key(version: str | None) -> tuple:
    parts = re.split(r"[.\-]", version or "")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def _suggestions(store: Store, schedule_name: str, value: str, types: Collection[str]) -> list[str]:
    """Close names of the same kind: a dotted value (``source.table``) is matched against
    sources only, a plain one against the other nodes."""
    names = {}
    dotted = "." in value
    for r in rows(store, "resolve_names", schedule_name=schedule_name):
        if r["resource_type"] in types and (r["resource_type"] == "source") == dotted:
            names.setdefault(r["label"].lower(), r["label"])
    close = difflib.get_close_matches(value.lower(), list(names), n=5, cutoff=0.6)
    return [names[c] for c in close]


def _ref(row: dict) -> NodeRef:
    return NodeRef(row["unique_id"], row["name"], row["resource_type"])
