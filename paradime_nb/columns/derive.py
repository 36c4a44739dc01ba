"""One node's compiled SQL -> column edges, with sqlglot.

The SQL is parsed once in the adapter's dialect. Every relation it reads is renamed to a
placeholder (``__rel_<i>``) whose columns are the catalog's (or the manifest's declared
ones), so ``qualify`` expands ``select *`` and attributes every column to a source whatever
the relation's quoting, case or number of name parts. The scope tree is then walked once:
each output column is traced through CTEs, subqueries and unions down to relation columns,
and the kind of the path is kept (the strongest step wins). dbt's ephemeral CTEs
(``__dbt__cte__<name>``) are the ephemeral model itself: the trace stops there and names
that node, whose own SQL is derived on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .model import (
    AGGREGATED,
    FILTER,
    OK,
    PARTIAL,
    PASSTHROUGH,
    RENAMED,
    TRANSFORMED,
    UNPARSED,
    VALUE_KINDS,
    ColumnEdge,
    NodeLineage,
    NodeSQL,
)
from .relations import RelationIndex

EPHEMERAL_PREFIX = "__dbt__cte__"
_PLACEHOLDER = "__rel_"
_JINJA = re.compile(r"\{\{|\{%|\{#")
_RANK = {kind: i for i, kind in enumerate(VALUE_KINDS)}
_NO_TYPE = "UNKNOWN"
_NO_COLUMNS = "no known columns"
_REASON_CHARS = 200


def derive_node(node: NodeSQL, index: RelationIndex, dialect: str, dialect_known: bool) -> NodeLineage:
    """Never raises: whatever goes wrong becomes the node's status and reason."""
    try:
        return _derive(node, index, dialect, dialect_known)
    except RecursionError:
        return NodeLineage(node.unique_id, UNPARSED, "the SQL nests too deeply to read", dialect)
    except Exception as exc:  # noqa: BLE001  (sqlglot raises many kinds; none may escape the analysis)
        return NodeLineage(node.unique_id, UNPARSED, _short(f"sqlglot could not read it: {type(exc).__name__}: {exc}"),
                           dialect)


def _derive(node: NodeSQL, index: RelationIndex, dialect: str, dialect_known: bool) -> NodeLineage:
    import sqlglot  # noqa: PLC0415
    from sqlglot import exp  # noqa: PLC0415

    uid = node.unique_id
    code = node.compiled_code
    if (node.language or "sql").lower() != "sql":
        return NodeLineage(uid, UNPARSED, f"a {node.language} model: only SQL is read", dialect)
    if code is None or not code.strip():
        return NodeLineage(uid, UNPARSED, "no compiled code in the manifest (dbt parse, or never compiled)", dialect)
    if _JINJA.search(code):
        return NodeLineage(uid, UNPARSED, "a Jinja remnant ({{ / {%) in the compiled code", dialect)
    try:
        statements = sqlglot.parse(code, dialect=dialect or None)
    except sqlglot.errors.SqlglotError as exc:
        name = dialect or "generic SQL"
        return NodeLineage(uid, UNPARSED, _short(f"sqlglot cannot parse it as {name}: {_first_line(exc)}"), dialect)
    queries = [s for s in statements if isinstance(s, exp.Query)]
    if not queries:
        return NodeLineage(uid, UNPARSED, "no SELECT statement in the compiled code", dialect)
    tree = queries[-1]
    notes: list[str] = []
    if not dialect_known:
        notes.append("adapter with no sqlglot dialect: read as generic SQL")
    relations = _rename_relations(tree, node, index, notes)

    def reparse():
        again = [s for s in sqlglot.parse(code, dialect=dialect or None) if isinstance(s, exp.Query)][-1]
        _rename_relations(again, node, index, [])
        return again

    ephemerals = {}
    for cte in tree.find_all(exp.CTE):
        alias = cte.alias_or_name.lower()
        if alias.startswith(EPHEMERAL_PREFIX):
            ephemerals[alias] = index.ephemeral(alias[len(EPHEMERAL_PREFIX):], node.depends_on)
            if not ephemerals[alias]:
                notes.append(f"ephemeral CTE {alias} names no model of this manifest")
    return _trace(node, tree, reparse, relations, ephemerals, dialect, notes)


def _rename_relations(tree, node: NodeSQL, index: RelationIndex, notes: list[str]) -> list[tuple[list[str], tuple]]:
    """Placeholders for every relation read; returns per placeholder (node ids, columns)."""
    from sqlglot import exp  # noqa: PLC0415

    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    out: list[tuple[list[str], tuple]] = []
    seen: dict[tuple, int] = {}
    for table in list(tree.find_all(exp.Table)):
        if not isinstance(table.this, exp.Identifier):
            continue  # a table function (range(...), unnest): no upstream node
        parts = tuple(p.name.lower() for p in table.parts)
        if len(parts) == 1 and parts[0] in ctes:
            continue
        if parts not in seen:
            ids = index.lookup(parts, node.depends_on)
            columns = index.columns(ids)
            if not ids:
                notes.append(f"{'.'.join(parts)} is not a node of this manifest")
            elif not columns:
                notes.append(f"{_NO_COLUMNS} for {'.'.join(parts)}")
            seen[parts] = len(out)
            out.append((ids, columns))
        alias = table.alias or table.name
        table.set("this", exp.to_identifier(f"{_PLACEHOLDER}{seen[parts]}"))
        table.set("db", None)
        table.set("catalog", None)
        table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return out


def _trace(node: NodeSQL, tree, reparse, relations: list[tuple[list[str], tuple]], ephemerals: dict[str, list[str]],
           dialect: str, notes: list[str]) -> NodeLineage:
    from sqlglot import exp  # noqa: PLC0415
    from sqlglot.errors import OptimizeError  # noqa: PLC0415
    from sqlglot.optimizer.scope import build_scope  # noqa: PLC0415
    from sqlglot.schema import MappingSchema  # noqa: PLC0415

    mapping = {f"{_PLACEHOLDER}{i}": {c: _NO_TYPE for c in cols} for i, (_ids, cols) in enumerate(relations) if cols}
    # normalised like the SQL's identifiers (Snowflake: upper case), whatever case the catalog used
    schema = MappingSchema(mapping, dialect=dialect or None, normalize=True)
    try:
        qualified = _qualify(tree, schema, dialect)
    except OptimizeError as exc:
        notes.append(_short(f"columns not all resolved ({_first_line(exc)})"))
        try:
            qualified = _qualify(reparse(), schema, dialect, partial=True)
        except OptimizeError as again:
            unknown = [n for n in notes if n.startswith(_NO_COLUMNS)]  # the likely cause, said with it
            why = "; ".join([f"columns cannot be attributed to relations: {_first_line(again)}", *unknown])
            return NodeLineage(node.unique_id, UNPARSED, _short(why), dialect)
    root = build_scope(qualified)
    if root is None:
        return NodeLineage(node.unique_id, UNPARSED, "no query scope in the compiled code", dialect)
    tracer = _Tracer(ephemerals, notes)
    outputs = tracer.outputs(root)
    if any(isinstance(s, exp.Star) or (isinstance(s, exp.Column) and isinstance(s.this, exp.Star))
           for s in _selects(root)):
        notes.append("select * over a relation with no known columns")
    edges: dict[tuple, str] = {}
    fed: set[tuple[str, str]] = set()
    for column in outputs:
        for leaf, kind in tracer.trace(root, column).items():
            for source_id in relations[leaf[0]][0] if isinstance(leaf[0], int) else [leaf[0]]:
                if source_id == node.unique_id:
                    continue
                key = (source_id, leaf[1], column)
                edges[key] = _strongest(edges.get(key), kind)
                fed.add((source_id, leaf[1]))
    for leaf in tracer.keys(root):
        for source_id in relations[leaf[0]][0] if isinstance(leaf[0], int) else [leaf[0]]:
            if source_id != node.unique_id and (source_id, leaf[1]) not in fed:
                edges.setdefault((source_id, leaf[1], None), FILTER)
    result = [ColumnEdge(s, c, node.unique_id, t, k) for (s, c, t), k in edges.items()]
    status = PARTIAL if notes else OK
    reason = "; ".join(dict.fromkeys(notes)) if notes else None
    return NodeLineage(node.unique_id, status, _short(reason) if reason else None, dialect, outputs, result)


def _qualify(tree, schema, dialect: str, partial: bool = False):
    """sqlglot's ``qualify`` without the steps lineage does not need (quoting, validation)."""
    from sqlglot.optimizer.normalize_identifiers import normalize_identifiers  # noqa: PLC0415
    from sqlglot.optimizer.qualify_columns import qualify_columns  # noqa: PLC0415
    from sqlglot.optimizer.qualify_tables import qualify_tables  # noqa: PLC0415

    tree = normalize_identifiers(tree, dialect=dialect or None, store_original_column_identifiers=False)
    tree = qualify_tables(tree, dialect=dialect or None)
    return qualify_columns(tree, schema, dialect=dialect or None, allow_partial_qualification=partial)


def _selects(scope) -> list:
    from sqlglot import exp  # noqa: PLC0415

    expr = scope.expression
    while isinstance(expr, exp.SetOperation):
        expr = expr.left
    return list(getattr(expr, "selects", []))


class _Tracer:
    """Column -> {leaf: kind} through one query's scopes, memoised per (scope, column)."""

    def __init__(self, ephemerals: dict[str, list[str]], notes: list[str]) -> None:
        self._ephemerals = ephemerals
        self._notes = notes
        self._memo: dict[tuple[int, str], dict] = {}
        self._own: dict[int, set[int]] = {}  # scopes live as long as the tracer: ids stay unique

    def outputs(self, scope) -> list[str]:
        names: list[str] = []
        for select in _selects(scope):
            name = select.alias_or_name
            if name and name != "*":
                names.append(name.lower())
        return list(dict.fromkeys(names))

    def trace(self, scope, column: str) -> dict[tuple, str]:
        """Leaves ((placeholder index | ephemeral node id), column) feeding ``column`` of ``scope``."""
        key = (id(scope), column)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = {}  # a recursive CTE reading itself ends here
        found: dict[tuple, str] = {}
        if scope.set_operation_scopes:  # a UNION / INTERSECT / EXCEPT: branches by position
            position = self.outputs(scope).index(column) if column in self.outputs(scope) else None
            for branch in scope.set_operation_scopes:
                names = self.outputs(branch)
                if position is not None and position < len(names):
                    for leaf, kind in self.trace(branch, names[position]).items():  # named by the first branch
                        _add(found, leaf, _compose(kind, PASSTHROUGH, leaf[1], column))
        else:
            projection = _projection(scope, column)
            if projection is not None:
                _merge(found, self._expression(scope, projection, column))
        self._memo[key] = found
        return found

    def _expression(self, scope, projection, column: str) -> dict[tuple, str]:
        from sqlglot import exp  # noqa: PLC0415

        expr = projection.unalias() if isinstance(projection, exp.Alias) else projection
        if isinstance(expr, exp.Column):
            step = PASSTHROUGH if expr.name.lower() == column else RENAMED
        elif _aggregates(expr):
            step = AGGREGATED
        else:
            step = TRANSFORMED
        found: dict[tuple, str] = {}
        for col in self._own_columns(scope, expr):
            for leaf, kind in self._column(scope, col).items():
                _add(found, leaf, _compose(kind, step, leaf[1], column))
        for sub in scope.subquery_scopes:
            if _within(sub.expression, expr):
                for name in self.outputs(sub):
                    for leaf, _kind in self.trace(sub, name).items():
                        _add(found, leaf, TRANSFORMED if step != AGGREGATED else AGGREGATED)
        return found

    def _column(self, scope, col) -> dict[tuple, str]:
        """The leaves of one column reference of ``scope``, with the kind of the path below."""
        from sqlglot import exp  # noqa: PLC0415

        source, owner = None, scope
        while col.table and owner is not None and source is None:  # correlated: an outer scope's source
            source = owner.sources.get(col.table)
            if source is None:
                owner = owner.parent
        name = col.name.lower()
        if source is None:
            if not col.table or col.table not in scope.selected_sources:
                self._notes.append(f"column {name} not attributed to a relation")
            return {}
        if isinstance(source, exp.Table):
            table = source.name.lower()  # placeholders are normalised like any name
            if table.startswith(_PLACEHOLDER):
                return {(int(table[len(_PLACEHOLDER):]), name): PASSTHROUGH}
            return {}
        # a Scope: a CTE, a derived table, ...
        alias = _scope_name(source)
        if alias is not None and alias.startswith(EPHEMERAL_PREFIX):
            ids = self._ephemerals.get(alias, [])
            return {(uid, name): PASSTHROUGH for uid in ids}
        return self.trace(source, name)

    def _own_columns(self, scope, expr) -> Iterable:
        """Column references of ``scope`` inside ``expr`` (not those of nested subqueries)."""
        from sqlglot import exp  # noqa: PLC0415

        own = self._own.get(id(scope))
        if own is None:
            own = self._own[id(scope)] = {id(c) for c in scope.columns}
        for col in expr.find_all(exp.Column):
            if id(col) in own:
                yield col

    def keys(self, root) -> dict[tuple, str]:
        """Leaves used as join keys, filters or groupings anywhere in the query (not inside
        an ephemeral model's CTE: those are that model's own)."""
        from sqlglot import exp  # noqa: PLC0415

        found: dict[tuple, str] = {}
        for scope in root.traverse():
            if _inside_ephemeral(scope):
                continue
            select = scope.expression
            if not isinstance(select, exp.Select):
                continue
            clauses = [select.args.get(k) for k in ("where", "group", "having", "qualify")]
            clauses += [j.args.get("on") for j in select.args.get("joins") or []]
            clauses += [u for j in select.args.get("joins") or [] for u in (j.args.get("using") or [])]
            for clause in clauses:
                if clause is None:
                    continue
                for col in self._own_columns(scope, clause):
                    for leaf in self._column(scope, col):
                        found[leaf] = FILTER
            if scope.is_subquery:
                for name in self.outputs(scope):
                    for leaf in self.trace(scope, name):
                        found[leaf] = FILTER
        return found


def _projection(scope, column: str):
    for select in _selects(scope):
        if (select.alias_or_name or "").lower() == column:
            return select
    return None




def _aggregates(expr) -> bool:
    from sqlglot import exp  # noqa: PLC0415

    for agg in expr.find_all(exp.AggFunc):
        nearest = agg.find_ancestor(exp.Window, exp.Subquery)  # a window's or a subquery's: not this one's
        if nearest is None or not _within(nearest, expr):
            return True
    return False


def _within(node, ancestor) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def _scope_name(scope) -> str | None:
    from sqlglot import exp  # noqa: PLC0415

    parent = scope.expression.parent
    if isinstance(parent, exp.CTE):
        return parent.alias_or_name.lower()
    return None


def _inside_ephemeral(scope) -> bool:
    from sqlglot import exp  # noqa: PLC0415

    node = scope.expression
    while node is not None:
        if isinstance(node, exp.CTE) and node.alias_or_name.lower().startswith(EPHEMERAL_PREFIX):
            return True
        node = node.parent
    return False


def _compose(below: str, step: str, source_column: str, column: str) -> str:
    """The kind of a path: the strongest step, except that bare columns all along are a
    passthrough or a rename by the names at both ends."""
    if below in (PASSTHROUGH, RENAMED) and step in (PASSTHROUGH, RENAMED):
        return PASSTHROUGH if source_column == column else RENAMED
    return max(below, step, key=_RANK.__getitem__)


def _strongest(a: str | None, b: str) -> str:
    return b if a is None else max(a, b, key=_RANK.__getitem__)


def _add(found: dict, leaf: tuple, kind: str) -> None:
    found[leaf] = _strongest(found.get(leaf), kind)


def _merge(found: dict, more: dict) -> None:
    for leaf, kind in more.items():
        _add(found, leaf, kind)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _short(text: str) -> str:
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 1] + "…"
