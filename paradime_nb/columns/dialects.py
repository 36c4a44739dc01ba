"""dbt adapter type -> the sqlglot dialect that reads its compiled SQL."""

from __future__ import annotations

# Adapters whose name is not a sqlglot dialect, or that speak another adapter's SQL.
_ADAPTER_DIALECTS = {
    "databricks": "databricks",
    "spark": "spark",
    "glue": "spark",
    "fabric": "fabric",
    "synapse": "tsql",
    "sqlserver": "tsql",
    "materialize": "postgres",
    "risingwave": "risingwave",
    "greenplum": "postgres",
    "alloydb": "postgres",
    "firebolt": "postgres",
    "netezza": "postgres",
    "vertica": "postgres",
    "impala": "hive",
    "athena": "athena",
    "trino": "trino",
    "presto": "presto",
    "starburst": "trino",
    "dremio": "dremio",
    "singlestore": "singlestore",
    "mariadb": "mysql",
    "tidb": "mysql",
}

#: What an unknown adapter's SQL is read as (and the node says so).
GENERIC_DIALECT = ""


def dialect_for(adapter_type: str | None) -> tuple[str, bool]:
    """(sqlglot dialect name, known): unknown adapters get sqlglot's generic dialect."""
    from sqlglot.dialects.dialect import Dialect  # noqa: PLC0415  (heavy: only when deriving)

    name = (adapter_type or "").strip().lower()
    if not name:
        return GENERIC_DIALECT, False
    candidate = _ADAPTER_DIALECTS.get(name, name)
    try:
        Dialect.get_or_raise(candidate)
    except ValueError:
        return GENERIC_DIALECT, False
    return candidate, True
