"""User SQL (``query_sql``, ``%%paradime query``, jupysql's connection): parsed by DuckDB
first, so placeholders are counted as DuckDB sees them (never inside a literal or a
comment), statements that change the store are refused unless writes were asked for, and
every error is one ``QueryError`` line (DuckDB's first line and the position)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from ..errors import QueryError

#: statement types that only read (DuckDB's parser decides: SHOW, DESCRIBE, PRAGMA
#: table_info, SUMMARIZE and read_csv(...) are SELECTs)
READ_ONLY = frozenset({"SELECT", "EXPLAIN", "PRAGMA", "SET", "VARIABLE_SET", "TRANSACTION", "PREPARE", "EXECUTE",
                       "RELATION", "CALL", "LOGICAL_PLAN"})
_LINE = re.compile(r"^LINE (\d+): (.*)$")


def one_line(exc: BaseException) -> str:
    """DuckDB's message on one line: its first line, then where (line and column)."""
    lines = str(exc).splitlines()
    first = lines[0].strip() if lines else type(exc).__name__
    for i, text in enumerate(lines):
        found = _LINE.match(text)
        if found and i + 1 < len(lines) and "^" in lines[i + 1]:
            column = lines[i + 1].index("^") - (len(text) - len(found.group(2))) + 1
            return f"{first} (line {found.group(1)}, column {column})"
    return first


def statements(cursor: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    try:
        return cursor.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(one_line(exc)) from None


def placeholders(parsed: Sequence[Any]) -> set[str]:
    """Named (``$name``) and positional (``?`` -> "1", "2", ...) parameters of the statements."""
    return set().union(*(st.named_parameters for st in parsed)) if parsed else set()


def writes(parsed: Sequence[Any]) -> list[str]:
    """The statement types among ``parsed`` that change something ("UPDATE", "DROP", ...)."""
    kinds = [str(st.type).rsplit(".", 1)[-1] for st in parsed]
    return [k for k in kinds if k not in READ_ONLY]


def refuse_writes(parsed: Sequence[Any]) -> None:
    changing = writes(parsed)
    if changing:
        raise QueryError(f"{', '.join(sorted(set(changing)))} would change the store, and user SQL is read-only: "
                         "pass write=True to query_sql (or `%paradime connect --sql-writes`) to allow it")


def check_parameters(wanted: set[str], parameters: Sequence[Any] | Mapping[str, Any] | None) -> None:
    """Parameters against the placeholders: one line naming what differs."""
    if parameters is None:
        given: set[str] = set()
    elif isinstance(parameters, Mapping):
        given = {str(k) for k in parameters}
    else:
        given = {str(i) for i in range(1, len(parameters) + 1)}
    if wanted == given:
        return
    if parameters is None or not isinstance(parameters, Mapping):
        raise QueryError(f"the SQL has {len(wanted)} placeholder(s) but {len(given)} parameter(s) were given")
    missing, extra = sorted(wanted - given), sorted(given - wanted)
    parts = ([f"no value for ${', $'.join(missing)}"] if missing else []) + (
        [f"unused parameter(s) {', '.join(extra)}"] if extra else [])
    raise QueryError(f"the SQL's named parameters do not match: {'; '.join(parts)}")
