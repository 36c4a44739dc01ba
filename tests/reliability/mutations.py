"""Hypothesis strategies that break real artifacts, and what each break must lead to.

A ``Case`` is the mutated file, the outcome it must have (``fail``: an ``ArtifactError`` of
a given class; ``load``: stored, and ``check`` asserts the documented interpretation;
``any``: either, but nothing else) and a label for the statistics. Expectations are
computed here, from the raw JSON, without the package's code.
"""

from __future__ import annotations

import copy
import gzip
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

import orjson
from hypothesis import strategies as st

from paradime_nb.errors import ArtifactError, CorruptArtifactError, InvalidArtifactError

PLACEHOLDER = "@@PARADIME-MUTATION@@"
EXECUTING = {"run", "test", "build", "seed", "snapshot", "retry"}
SECTIONS = {
    "manifest": ("nodes", "sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests",
                 "functions"),
    "catalog": ("nodes", "sources"),
}
# dbt Fusion's capitalised spellings and what dbt-core calls them
FUSION_STATUSES = {"Success": "success", "SUCCESS": "success", "Error": "error", "Skipped": "skipped",
                   "Pass": "pass", "Fail": "fail", "Warn": "warn", "RuntimeError": "runtime error",
                   "PartialSuccess": "partial success", "NoOp": "no-op", "Reused": "reused"}


@dataclass
class Case:
    label: str
    data: bytes = field(repr=False)
    outcome: str  # "fail", "load" or "any"
    error: type = ArtifactError  # the class a refusal must be (or a subclass of)
    check: Callable[[Any, int], None] | None = field(default=None, repr=False)  # (store, run_id)

    def __repr__(self) -> str:  # hypothesis prints failing cases: not a whole manifest
        head = self.data[:120] + (b"..." if len(self.data) > 120 else b"")
        return f"Case({self.label!r}, {len(self.data)} bytes {head!r}, {self.outcome!r}, {self.error.__name__})"


def dumps(doc: Any) -> bytes:
    """JSON bytes (orjson: fast); the standard library for what orjson cannot write."""
    try:
        return orjson.dumps(doc)
    except TypeError:  # integers over 64 bits
        return json.dumps(doc).encode()


def dumps_spaced(doc: Any) -> str:
    """The standard library's spacing, which the textual edits below look for."""
    return json.dumps(doc)


# --- where to break ----------------------------------------------------------------------


@st.composite
def paths(draw, doc: Any, max_depth: int = 7) -> list:
    """A path into ``doc`` (keys and indexes), at least one step long."""
    path: list = []
    node = doc
    while isinstance(node, (dict, list)) and node and len(path) < max_depth:
        key = draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
        path.append(key)
        node = node[key]
        if draw(st.integers(0, 3)) == 0:
            break
    return path


def parent_of(doc: Any, path: list) -> tuple[Any, Any]:
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node, path[-1]


def with_placeholder(doc: Any, path: list, raw: str) -> bytes:
    """``doc`` with the value at ``path`` replaced by ``raw`` JSON text (valid or not)."""
    parent, key = parent_of(doc, path)
    parent[key] = PLACEHOLDER
    return dumps(doc).replace(json.dumps(PLACEHOLDER).encode(), raw.encode("utf-8", "surrogatepass"), 1)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


# --- families that any artifact gets -----------------------------------------------------


@st.composite
def truncated(draw, kind: str, doc: dict, data: bytes) -> Case:
    end = data.rstrip().rindex(b"}")
    cut = draw(st.integers(0, end))
    return Case("truncated", data[:cut], "fail", CorruptArtifactError)


@st.composite
def truncated_gzip(draw, kind: str, doc: dict, data: bytes) -> Case:
    packed = gzip.compress(data, compresslevel=1)
    return Case("truncated gzip", packed[: draw(st.integers(2, len(packed) - 1))], "fail", CorruptArtifactError)


@st.composite
def invalid_utf8(draw, kind: str, doc: dict, data: bytes) -> Case:
    bad = draw(st.sampled_from([b"\x80", b"\xbf", b"\xc0\x80", b"\xed\xa0\x80", b"\xff", b"\xfe\xff", b"\xe2\x82"]))
    at = draw(st.integers(0, len(data)))
    return Case("invalid utf-8", data[:at] + bad + data[at:], "fail", CorruptArtifactError)


@st.composite
def not_json_numbers(draw, kind: str, doc: dict, data: bytes) -> Case:
    raw = draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "nan", "0x10", "01", "+1", ".5"]))
    return Case("NaN and other non-JSON numbers", with_placeholder(doc, draw(paths(doc)), raw), "fail", CorruptArtifactError)


@st.composite
def bad_strings(draw, kind: str, doc: dict, data: bytes) -> Case:
    raw = draw(st.sampled_from(['"\\ud800"', '"a\\udc00b"', '"\\ud83d"', '"tab\there"', '"nul\x00"', '"\\x41"',
                                '"unterminated', "'single'"]))
    return Case("invalid strings", with_placeholder(doc, draw(paths(doc)), raw), "fail", CorruptArtifactError)


@st.composite
def deep_nesting(draw, kind: str, doc: dict, data: bytes) -> Case:
    depth = draw(st.integers(1, 3000))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"k":', "}")]))
    raw = opener * depth + "1" + closer * depth
    return Case("deep nesting", with_placeholder(doc, draw(paths(doc)), raw), "any")


@st.composite
def dropped_key(draw, kind: str, doc: dict, data: bytes) -> Case:
    path = draw(paths(doc))
    parent, key = parent_of(doc, path)
    del parent[key]
    return Case("dropped key", dumps(doc), "any")


@st.composite
def renamed_key(draw, kind: str, doc: dict, data: bytes) -> Case:
    path = draw(paths(doc))
    parent, key = parent_of(doc, path)
    if isinstance(parent, dict):
        parent[draw(st.text(max_size=12))] = parent.pop(key)
    return Case("renamed key", dumps(doc), "any")


@st.composite
def changed_type(draw, kind: str, doc: dict, data: bytes) -> Case:
    path = draw(paths(doc))
    parent, key = parent_of(doc, path)
    old = parent[key]
    parent[key] = draw(json_values.filter(lambda v: type(v) is not type(old)))
    return Case("changed type", dumps(doc), "any")


@st.composite
def byte_flip(draw, kind: str, doc: dict, data: bytes) -> Case:
    at = draw(st.integers(0, len(data) - 1))
    return Case("byte flip", data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :], "any")


@st.composite
def duplicate_json_key(draw, kind: str, doc: dict, data: bytes) -> Case:
    """The same key twice in one object: the last one wins (as in every JSON reader we use)."""
    section = "results" if kind in ("run_results", "sources") else "nodes"
    if section == "results":
        index = draw(st.integers(0, len(doc["results"]) - 1))
        doc["results"][index] = {**doc["results"][index], "status": "first"}
        text = dumps_spaced(doc)
        i = text.index('"status": "first"')
        text = text[:i] + '"status": "first", "status": "last"' + text[i + len('"status": "first"'):]
        uid = doc["results"][index]["unique_id"]
        return Case("duplicate JSON key", text.encode(), "load", check=_status_is(kind, uid, index, "last"))
    key = draw(st.sampled_from(sorted(doc["nodes"])))
    entry = json.dumps(doc["nodes"][key])
    text = dumps_spaced(doc)
    marker = json.dumps(key) + ": " + entry
    first = {**doc["nodes"][key], "unique_id": key, "name": "first-copy"}
    text = text.replace(marker, json.dumps(key) + ": " + json.dumps(first) + ", " + marker, 1)
    return Case("duplicate JSON key", text.encode(), "load", check=_entry_count(kind, key, 1))


def _status_is(kind: str, uid: str, index: int, expected: str) -> Callable:
    def check(store, run_id):
        if kind == "run_results":
            got = store.fetchall("SELECT status FROM dbt_run_results WHERE run_id = ? AND result_index = ?",
                                 [run_id, index])
        else:
            got = store.fetchall("SELECT status FROM dbt_source_freshness_results WHERE run_id = ? AND unique_id = ?",
                                 [run_id, uid])
        assert got == [(expected,)], f"{uid}: {got} stored, {expected!r} expected"
    return check


def _entry_count(kind: str, uid: str, count: int) -> Callable:
    table = "model_metadata" if kind == "manifest" else "catalog_nodes"

    def check(store, run_id):
        got = store.fetchall(f"SELECT count(*) FROM {table} WHERE run_id = ? AND unique_id = ?", [run_id, uid])
        assert got == [(count,)], f"{uid}: {got[0][0]} rows in {table}, {count} expected"
        if table == "model_metadata":
            names = store.fetchall("SELECT name FROM model_metadata WHERE run_id = ? AND unique_id = ?", [run_id, uid])
            assert ("first-copy",) not in names, f"{uid}: the first of two entries won"
    return check


# --- timestamps ---------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$")


def expected_utc(text: str) -> datetime | None:
    """The documented reading of an artifact timestamp: ISO 8601, a zone converts to UTC,
    no zone is UTC, fractions past microseconds are cut; anything else is NULL."""
    match = _ISO.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                         int((fraction or "0")[:6].ljust(6, "0")))
    except ValueError:
        return None
    if zone and zone != "Z":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        value = value - offset if zone[0] == "+" else value + offset
    return value


@st.composite
def timestamps(draw) -> str:
    if draw(st.integers(0, 4)) == 0:  # not a timestamp at all
        return draw(st.sampled_from(["", "yesterday", "now", "epoch", "infinity", "-infinity", "1700000000",
                                     "2024-13-01T00:00:00", "2024-02-30", "2024-06-01T25:61:00", "06/01/2024",
                                     "2024/06/01 10:00", "Mon, 03 Jun 2024 10:00:00 GMT"]))
    moment = draw(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)))
    if draw(st.booleans()) and draw(st.booleans()):
        return moment.strftime("%Y-%m-%d")  # a date alone
    text = moment.strftime("%Y-%m-%d") + draw(st.sampled_from(["T", " "])) + moment.strftime("%H:%M")
    if draw(st.integers(0, 5)):
        text += moment.strftime(":%S")
        digits = draw(st.integers(0, 9))
        if digits:
            text += "." + f"{moment.microsecond:06d}{draw(st.integers(0, 999)):03d}"[:digits]
    zone = draw(st.sampled_from(["", "", "Z", "+00:00", "+05:30", "-08:00", "+0530", "-05", "+14:00", "-12:00"]))
    return text + zone


@st.composite
def odd_timestamp(draw, kind: str, doc: dict, data: bytes) -> Case:
    value = draw(timestamps())
    expected = expected_utc(value)
    if kind == "run_results":
        timed = [(i, r) for i, r in enumerate(doc["results"])
                 if any(isinstance(s, dict) and s.get("name") == "execute" for s in r.get("timing") or [])]
        index, result = draw(st.sampled_from(timed))
        step = next(s for s in result["timing"] if s.get("name") == "execute")
        step["started_at"] = value
        sql, params = "SELECT execute_started_at FROM dbt_run_results WHERE run_id = ? AND result_index = ?", [index]
    elif kind == "sources":
        result = draw(st.sampled_from(doc["results"]))
        result["max_loaded_at"] = value
        sql = "SELECT max_loaded_at FROM dbt_source_freshness_results WHERE run_id = ? AND unique_id = ?"
        params = [result["unique_id"]]
    else:
        doc["metadata"]["generated_at"] = value
        sql, params = "SELECT generated_at FROM artifacts WHERE run_id = ? AND kind = ?", [kind]

    def check(store, run_id):
        got = store.fetchall(sql, [run_id, *params])
        assert got == [(expected,)], f"{value!r} stored as {got}, expected {expected}"
    return Case("odd timestamp", dumps(doc), "load", check=check)


# --- families that load, with the interpretation to check -----------------------------------


@st.composite
def statuses(draw) -> tuple[str, str]:
    """(status written, status stored): dbt Fusion spellings map to dbt-core's, anything
    unknown is kept verbatim."""
    if draw(st.booleans()):
        written = draw(st.sampled_from(sorted(FUSION_STATUSES)))
        return written, FUSION_STATUSES[written]
    written = "x-" + draw(st.text(max_size=30))
    return written, written


@st.composite
def unknown_status(draw, kind: str, doc: dict, data: bytes) -> Case:
    written, stored = draw(statuses())
    if kind in ("run_results", "sources"):
        index = draw(st.integers(0, len(doc["results"]) - 1))
        doc["results"][index]["status"] = written
        return Case("unknown status", dumps(doc), "load",
                    check=_status_is(kind, doc["results"][index]["unique_id"], index, stored))
    key = draw(st.sampled_from(sorted(doc["nodes"])))
    if kind == "manifest":  # an unknown resource type or materialization is kept verbatim
        field_name, column = draw(st.sampled_from([("resource_type", "resource_type"), ("materialized", "materialized")]))
        if field_name == "materialized":
            doc["nodes"][key].setdefault("config", {})["materialized"] = written
        else:
            doc["nodes"][key]["resource_type"] = written
        sql = f"SELECT {column} FROM model_metadata WHERE run_id = ? AND unique_id = ?"
    else:
        doc["nodes"][key].setdefault("metadata", {})["type"] = written
        sql = "SELECT table_type FROM catalog_nodes WHERE run_id = ? AND unique_id = ?"
    uid = doc["nodes"][key].get("unique_id", key)

    def check(store, run_id):
        assert store.fetchall(sql, [run_id, uid]) == [(written,)]
    return Case("unknown status", dumps(doc), "load", check=check)


@st.composite
def huge_string(draw, kind: str, doc: dict, data: bytes) -> Case:
    size = draw(st.integers(1, 3)) << 20
    piece = draw(st.text(min_size=1, max_size=8).filter(lambda t: PLACEHOLDER not in t))
    value = (piece * (size // len(piece) + 1))[:size]
    if kind == "run_results":
        index = draw(st.integers(0, len(doc["results"]) - 1))
        doc["results"][index]["message"] = value
        sql, params = "SELECT message FROM dbt_run_results WHERE run_id = ? AND result_index = ?", [index]
    elif kind == "sources":
        result = draw(st.sampled_from(doc["results"]))
        result["error"] = value
        sql, params = "SELECT error FROM dbt_source_freshness_results WHERE run_id = ? AND unique_id = ?", [result["unique_id"]]
    elif kind == "manifest":
        key = draw(st.sampled_from(sorted(doc["nodes"])))
        doc["nodes"][key]["description"] = value
        sql, params = "SELECT description FROM model_metadata WHERE run_id = ? AND unique_id = ?", [key]
    else:
        key = draw(st.sampled_from(sorted(doc["nodes"])))
        doc["nodes"][key].setdefault("metadata", {})["comment"] = value
        sql, params = "SELECT table_comment FROM catalog_nodes WHERE run_id = ? AND unique_id = ?", [key]

    def check(store, run_id):
        got = store.fetchall(sql, [run_id, *params])
        assert got == [(value,)], f"a {len(value)}-character string stored as {len(str(got))} characters"
    return Case("huge string", dumps(doc), "load", check=check)


@st.composite
def mismatched_ids(draw, kind: str, doc: dict, data: bytes) -> Case:
    """Ids the run's manifest does not know: results are kept (names NULL where they come
    from the manifest); nodes missing from a manifest take their results with nothing."""
    ghost = "model.ghost." + draw(st.text(min_size=1, max_size=20))
    if kind in ("run_results", "sources"):
        index = draw(st.integers(0, len(doc["results"]) - 1))
        doc["results"][index]["unique_id"] = ghost
        if kind == "run_results":
            sql = "SELECT unique_id FROM dbt_run_results WHERE run_id = ? AND result_index = ?"
            params, expected = [index], [(ghost,)]
        else:
            sql = "SELECT source_name, table_name FROM dbt_source_freshness_results WHERE run_id = ? AND unique_id = ?"
            params, expected = [ghost], [(None, None)]
    elif kind == "manifest":  # drop nodes the run's results name
        keys = draw(st.lists(st.sampled_from(sorted(doc["nodes"])), min_size=1, max_size=10, unique=True))
        for key in keys:
            del doc["nodes"][key]
        sql = "SELECT count(*) FROM model_metadata WHERE run_id = ? AND list_contains(?, unique_id)"
        params, expected = [keys], [(0,)]
    else:
        key = draw(st.sampled_from(sorted(doc["nodes"])))
        doc["nodes"][key]["unique_id"] = ghost
        sql = "SELECT count(*) FROM catalog_nodes WHERE run_id = ? AND unique_id = ?"
        params, expected = [ghost], [(1,)]

    def check(store, run_id):
        assert store.fetchall(sql, [run_id, *params]) == expected
    return Case("ids the manifest does not know", dumps(doc), "load", check=check)


@st.composite
def duplicate_ids(draw, kind: str, doc: dict, data: bytes) -> Case:
    """The same unique_id twice. Results: the later one is the node's status in the run.
    A manifest or catalog naming one id under two keys contradicts itself: refused."""
    if kind in ("manifest", "catalog"):
        key = draw(st.sampled_from(sorted(doc["nodes"])))
        doc["nodes"][key + "-copy"] = {**copy.deepcopy(doc["nodes"][key]), "unique_id": doc["nodes"][key].get("unique_id", key)}
        return Case("duplicate unique ids", dumps(doc), "fail", error=InvalidArtifactError)
    index = draw(st.integers(0, len(doc["results"]) - 1))
    later = {**copy.deepcopy(doc["results"][index]), "status": "x-later"}
    doc["results"].insert(draw(st.integers(index + 1, len(doc["results"]))), later)
    uid = later["unique_id"]
    view = "run_node_results" if kind == "run_results" else "latest_source_freshness"

    def check(store, run_id):
        got = store.fetchall(f"SELECT status FROM {view} WHERE run_id = ? AND unique_id = ?", [run_id, uid])
        assert got == [("x-later",)], f"{uid}: {got}, the later result's status expected"
    return Case("duplicate unique ids", dumps(doc), "load", check=check)


FAMILIES = (
    truncated, truncated_gzip, invalid_utf8, not_json_numbers, bad_strings, deep_nesting, dropped_key, renamed_key,
    changed_type, byte_flip, duplicate_json_key, odd_timestamp, unknown_status, huge_string, mismatched_ids,
    duplicate_ids,
)


def expected_rows(kind: str, data: bytes, line_kind: str = "build") -> dict[str, int]:
    """Rows a loaded file must give, counted in the raw JSON (stdlib reader)."""
    doc = json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
    if kind in SECTIONS:
        count = sum(len(doc[s]) for s in SECTIONS[kind] if isinstance(doc.get(s), dict))
        return {"model_metadata" if kind == "manifest" else "catalog_nodes": count}
    if kind == "sources":  # one row per source: the later of two results for one id
        return {"dbt_source_freshness_results": len({r["unique_id"] for r in doc["results"]})}
    args = doc.get("args") if isinstance(doc.get("args"), dict) else {}
    which = args.get("which")
    counts = which in EXECUTING if isinstance(which, str) else line_kind in EXECUTING
    return {"dbt_run_results": len(doc["results"]) if counts else 0}
