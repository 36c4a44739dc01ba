"""Small value coercions shared by the parsers.

An odd value in one row (a number where a string belongs, an unknown status) becomes a
documented interpretation (None, the string form, the status kept verbatim), never a failure
of the whole file.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

# dbt Fusion / dbt 2.x write capitalised statuses; dbt-core writes these lower-case forms.
_STATUS_ALIASES = {
    "success": "success",
    "error": "error",
    "skipped": "skipped",
    "pass": "pass",
    "fail": "fail",
    "warn": "warn",
    "runtime error": "runtime error",
    "runtimeerror": "runtime error",
    "runtime_error": "runtime error",
    "partial success": "partial success",
    "partialsuccess": "partial success",
    "partial_success": "partial success",
    "no-op": "no-op",
    "noop": "no-op",
    "no_op": "no-op",
    "reused": "reused",
}

PERIOD_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}


def normalize_status(value: Any) -> str | None:
    """dbt-core's spelling of a status; unknown strings are kept verbatim."""
    if value is None:
        return None
    if not isinstance(value, str):
        return str(value)
    known = _STATUS_ALIASES.get(value)
    if known is not None:
        return known
    return _STATUS_ALIASES.get(value.strip().lower(), value)


def text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json_text(value)
    return str(value)


def number(value: Any) -> float | None:
    if type(value) is float or type(value) is int:
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    return None


def integer(value: Any) -> int | None:
    if type(value) is int:
        return value if -(2**63) < value < 2**63 else None
    if type(value) is float and value.is_integer():
        return int(value)
    return None


def string_list(value: Any) -> list[str] | None:
    if isinstance(value, list):
        return [v if isinstance(v, str) else str(v) for v in value]
    if isinstance(value, str):
        return [value]
    return None


def json_text(value: Any) -> str | None:
    """JSON text of a decoded value. orjson writes at most 255 levels of nesting: deeper
    values are written by the standard library, and those too deep for it are None."""
    if value is None:
        return None
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        try:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):
            return None


def dict_or_empty(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def criterion(freshness: dict, which: str) -> tuple[int | None, str | None, int | None]:
    """(count, period, seconds) of ``warn_after`` / ``error_after``; ``{1, day}`` is 86400 s."""
    rule = freshness.get(which)
    if not isinstance(rule, dict):
        return None, None, None
    count = integer(rule.get("count"))
    period = rule.get("period")
    period = period if isinstance(period, str) else None
    factor = PERIOD_SECONDS.get(period or "")
    seconds = count * factor if count is not None and factor is not None else None
    return count, period, seconds
