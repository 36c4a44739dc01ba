"""The store's views in other SQL dialects (Spark, Databricks, Trino, BigQuery, Snowflake).

The views are written once, in DuckDB's dialect (``versions.sql``, ``views.sql``); sqlglot
transpiles them. DuckDB-only shorthand needs the store's schema to translate: ``m.*`` and
``* EXCLUDE (...)`` become explicit columns (sqlglot's ``qualify`` with the columns DuckDB
reports for every table and view), ``QUALIFY`` becomes a filtered subquery where a dialect
lacks it, ``AS MATERIALIZED`` hints are dropped, and recursive ``UNION`` becomes ``UNION ALL`` of
distinct steps where a dialect allows nothing else.
"""

from __future__ import annotations

from functools import lru_cache

#: Dialects sqlglot generates that the views are meant for (duckdb: the original).
DIALECTS = ("duckdb", "spark", "databricks", "trino", "bigquery", "snowflake")
VIEW_FILES = ("versions.sql", "views.sql", "sdk_views.sql")
#: The base tables a dialect needs before the views: (name, [(column, DuckDB type)]).
TableSchema = list[tuple[str, list[tuple[str, str]]]]


def _store_text() -> str:
    from .store import _sql_file  # noqa: PLC0415  (the vocabulary rendered in, as the store runs it)

    return "\n".join(_sql_file(f) for f in VIEW_FILES)


@lru_cache(maxsize=1)
def _duckdb_schema() -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """(relation, 'table' or 'view', columns) of a fresh store, tables first."""
    from .store import Store  # noqa: PLC0415

    store = Store()
    try:
        kinds = dict(store.fetchall(
            "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main'"))
        cols: dict[str, list[tuple[str, str]]] = {}
        for table, column, dtype in store.fetchall(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ):
            cols.setdefault(table, []).append((column, dtype))
    finally:
        store.close()
    return tuple((name, "view" if kinds.get(name) == "VIEW" else "table", tuple(c)) for name, c in sorted(cols.items()))


def base_tables() -> TableSchema:
    """The store's tables (what a dataset holds), with their DuckDB column types."""
    return [(name, list(cols)) for name, kind, cols in _duckdb_schema() if kind == "table" and name != "store_info"]


#: The views the analyses' answers come from (health of every node and model, latest
#: results, failing tests, freshness, the dashboard's counts): with the views they read,
#: what ``paradime-nb views`` prints and what the Spark test runs, each of them.
ANALYSIS_VIEWS = ("node_health", "models_with_tests", "latest_node_results", "latest_source_freshness",
                  "latest_test_status", "latest_source_status")


def view_definitions(dialect: str = "spark", only: tuple[str, ...] | None = ANALYSIS_VIEWS) -> list[tuple[str, str]]:
    """(view name, its SELECT in ``dialect``) in creation order: the views ``only`` names and
    every view they read (None: every store view)."""
    import sqlglot  # noqa: PLC0415
    from sqlglot import exp  # noqa: PLC0415
    from sqlglot.optimizer.qualify import qualify  # noqa: PLC0415

    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}, not {dialect!r}")
    schema = {name: dict(cols) for name, _kind, cols in _duckdb_schema()}
    statements = [st for st in sqlglot.parse(_store_text(), read="duckdb")
                  if isinstance(st, exp.Create) and st.kind == "VIEW"]
    wanted = _closure(statements, only)
    out = []
    for statement in statements:
        name = statement.this.name
        if wanted is not None and name not in wanted:
            continue
        query = qualify(statement.expression.copy(), schema=schema, dialect="duckdb",
                        validate_qualify_columns=False, quote_identifiers=False)
        for cte in query.find_all(exp.CTE):
            cte.set("materialized", None)
        if dialect != "duckdb":
            _union_all_recursion(query)
            query = _ordered_lists(query)
        if dialect in ("spark", "databricks"):
            query = _spark_json(query)
        out.append((name, query.sql(dialect=dialect, pretty=True)))
    return out


def tables_read(only: tuple[str, ...] | None = ANALYSIS_VIEWS) -> set[str]:
    """The store tables the views ``only`` (and the views they read) read."""
    import sqlglot  # noqa: PLC0415
    from sqlglot import exp  # noqa: PLC0415

    statements = [st for st in sqlglot.parse(_store_text(), read="duckdb")
                  if isinstance(st, exp.Create) and st.kind == "VIEW"]
    views = {st.this.name for st in statements}
    wanted = _closure(statements, only) or views
    tables = {t.name for st in statements if st.this.name in wanted for t in st.expression.find_all(exp.Table)}
    return {name for name, kind, _ in _duckdb_schema() if kind == "table" and name in tables}


def _closure(statements: list, only: tuple[str, ...] | None) -> set[str] | None:
    """The views ``only`` names and, recursively, the views they read."""
    from sqlglot import exp  # noqa: PLC0415

    if only is None:
        return None
    reads = {st.this.name: {t.name for t in st.expression.find_all(exp.Table)} for st in statements}
    todo, seen = list(only), set()
    while todo:
        name = todo.pop()
        if name in seen or name not in reads:
            continue
        seen.add(name)
        todo.extend(reads[name])
    return seen


def _ordered_lists(query):
    """``list(x ORDER BY x)`` -> ``array_sort(list(x))``: dialects whose array aggregate
    takes no ORDER BY (Spark's collect_list) would return the list in any order."""
    from sqlglot import exp  # noqa: PLC0415

    def sorted_on_itself(node) -> bool:
        if not (isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order)):
            return False
        keys = node.this.expressions
        return len(keys) == 1 and not keys[0].args.get("desc") and keys[0].this == node.this.this

    def fix(node):
        if isinstance(node, exp.Filter) and sorted_on_itself(node.this):
            plain = exp.ArrayAgg(this=node.this.this.this.copy())
            return exp.ArraySort(this=exp.Filter(this=plain, expression=node.expression.copy()))
        if sorted_on_itself(node) and not isinstance(node.parent, exp.Filter):
            return exp.ArraySort(this=exp.ArrayAgg(this=node.this.this.copy()))
        return node

    return query.transform(fix)


def _spark_json(query):
    """DuckDB's JSON constructors as Spark's: ``json_object(k, v, ...)`` ->
    ``to_json(named_struct(k, v, ...))``, ``json_group_object(k, v)`` -> ``to_json(map_from_entries(
    collect_list(struct(k, v))))``, ``'{}'::JSON`` -> ``'{}'`` (Spark keeps JSON as text). sqlglot
    would print ``JSON_OBJECT('k': v)``, which Spark reads as a named parameter ``:v``."""
    from sqlglot import exp  # noqa: PLC0415

    def struct(node):
        if isinstance(node, exp.JSONObject):
            args = []
            for kv in node.expressions:
                args += [kv.this.copy(), struct(kv.expression)]
            return exp.Anonymous(this="named_struct", expressions=args)
        return node.copy()

    def fix(node):
        if isinstance(node, exp.JSONObject):
            return exp.Anonymous(this="to_json", expressions=[struct(node)])
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == "json_group_object":
            key, value = node.expressions
            entries = exp.Anonymous(this="collect_list", expressions=[
                exp.Anonymous(this="struct", expressions=[key.copy(), struct(value)])])
            return exp.Anonymous(this="to_json", expressions=[
                exp.Anonymous(this="map_from_entries", expressions=[entries])])
        if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.JSON:
            return node.this.copy()
        return node

    return query.transform(fix, copy=False)


def _union_all_recursion(query) -> None:
    """Spark, Trino, BigQuery and Snowflake allow only UNION ALL in a recursive CTE. The
    graph walks use UNION to stop at nodes already reached; UNION ALL with a DISTINCT
    recursive step reaches the same (kind, node) pairs on a DAG (dbt's graphs are), one
    level at a time, without enumerating every path."""
    from sqlglot import exp  # noqa: PLC0415

    for with_ in query.find_all(exp.With):
        if not with_.args.get("recursive"):
            continue
        for cte in with_.expressions:
            body = cte.this
            if isinstance(body, exp.Union) and body.args.get("distinct"):
                body.set("distinct", False)
                body.expression.set("distinct", exp.Distinct())


def create_views_script(dialect: str = "spark", *, temporary: bool = False, every: bool = False) -> str:
    """``CREATE OR REPLACE [TEMPORARY] VIEW`` statements for ``dialect``, separated by ``;``:
    the analysis views and what they read (``every``: all store views)."""
    kind = "TEMPORARY VIEW" if temporary else "VIEW"
    views = view_definitions(dialect, None if every else ANALYSIS_VIEWS)
    return "\n\n".join(f"CREATE OR REPLACE {kind} {name} AS\n{body};" for name, body in views)
