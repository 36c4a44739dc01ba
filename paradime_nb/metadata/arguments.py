"""Checks of the API's arguments, one place for every analysis: a bad value is an
``InvalidArgumentError`` (a ``ValueError`` too) in one line, never an OverflowError, a
DuckDB conversion error or an empty answer."""

from __future__ import annotations

import math
import numbers

from ..errors import InvalidArgumentError

#: the widest window any analysis takes (100 years: larger values would overflow timestamps)
MAX_DAYS = 36500


def days(value: object, name: str = "days") -> float:
    """A positive, finite number of days (fractions allowed) of at most ``MAX_DAYS``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentError(f"{name} must be a number of days, not {value!r}")
    if not math.isfinite(value) or value <= 0 or value > MAX_DAYS:
        raise InvalidArgumentError(f"{name} must be more than 0 and at most {MAX_DAYS}, not {value!r}")
    return float(value)


def count(value: object, name: str, minimum: int = 1, *, optional: bool = False) -> int | None:
    """An int of at least ``minimum`` (None allowed when ``optional``)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        allowed = f"None or an int >= {minimum}" if optional else f"an int >= {minimum}"
        raise InvalidArgumentError(f"{name} must be {allowed}, not {value!r}")
    return value


def depth(value: object, name: str = "depth") -> int | None:
    return count(value, name, 0, optional=True)


def seconds(value: object, name: str) -> float:
    """A finite number of seconds, 0 or more."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise InvalidArgumentError(f"{name} must be a number of seconds >= 0, not {value!r}")
    return float(value)


def run_id(value: object, name: str = "run_id") -> object:
    """None (the latest), or a run id: an int or a string of digits (a string that is not
    one is looked up and reported as not stored, with the nearest stored runs)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)  # NumPy's ints too (a run id read from a frame)
    raise InvalidArgumentError(f"{name} must be None or a run id (an int), not {value!r}")
