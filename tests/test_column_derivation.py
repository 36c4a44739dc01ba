"""The derivation's rules on small SQL, one construct each: expected edges reasoned by hand
(union branches by position, window functions, correlated subqueries, derived tables,
USING joins and QUALIFY, identifiers in another case than the catalog's)."""

from __future__ import annotations

import pytest

from paradime_nb.columns import ManifestSQL, NodeSQL, Relation, derive_manifest

A, B = "model.p.a", "model.p.b"
RELATIONS = [Relation(A, "model", "a", "db", "main", "a", None, ("id", "x", "y", "grp"), "catalog"),
             Relation(B, "model", "b", "db", "main", "b", None, ("id", "z"), "catalog")]
P, R, T, G, F = "passthrough", "renamed", "transformed", "aggregated", "filter"

CASES = [
    ("union branches by position, named by the first",
     "select id, x as v from db.main.a union all select id, z from db.main.b",
     {(A, "id", "id", P), (A, "x", "v", R), (B, "id", "id", P), (B, "z", "v", R)}),
    ("a window function is a transformation of every column it reads",
     "select id, sum(x) over (partition by grp order by y) as running from db.main.a",
     {(A, "id", "id", P), (A, "x", "running", T), (A, "grp", "running", T), (A, "y", "running", T)}),
    ("a correlated scalar subquery: its value and the outer key feed the column, its own key filters",
     "select id, (select max(z) from db.main.b where b.id = a.id) as mz from db.main.a",
     {(A, "id", "id", P), (A, "id", "mz", T), (B, "z", "mz", T), (B, "id", None, F)}),
    ("a derived table is followed through",
     "select t.id, t.s from (select id, x + y as s from db.main.a) t",
     {(A, "id", "id", P), (A, "x", "s", T), (A, "y", "s", T)}),
    ("USING keys and QUALIFY columns are filters when they feed no column",
     "select a.id, b.z from db.main.a join db.main.b using (id) "
     "qualify row_number() over (partition by a.grp order by a.y) = 1",
     {(A, "id", "id", P), (B, "z", "z", P), (B, "id", None, F), (A, "grp", None, F), (A, "y", None, F)}),
    ("having and group by: an aggregate over a grouping",
     "select grp, count(distinct id) as n from db.main.a group by grp having max(y) > 0",
     {(A, "grp", "grp", P), (A, "id", "n", G), (A, "y", None, F)}),
    ("names in another case than the catalog's, quoted relation",
     'select "ID" as Key, X from "DB"."MAIN"."A"',
     {(A, "id", "key", R), (A, "x", "x", P)}),
]


@pytest.mark.parametrize("what, sql, expected", CASES, ids=[c[0] for c in CASES])
def test_edges(what, sql, expected):
    node = NodeSQL("model.p.t", "model", sql, None, (A, B))
    (out,) = list(derive_manifest(ManifestSQL("duckdb", [node], RELATIONS)))
    assert out.status == "ok", out.reason
    assert {(e.source_id, e.source_column, e.target_column, e.kind) for e in out.edges} == expected


def test_snowflake_upper_case_catalog_and_lower_case_sql():
    rels = [Relation("source.p.s.t", "source", "t", "RAW", "S", "T", None, ("ID", "AMOUNT"), "catalog")]
    node = NodeSQL("model.p.m", "model", "select id, amount * 2 as double_amount from raw.s.t", None,
                   ("source.p.s.t",))
    (out,) = list(derive_manifest(ManifestSQL("snowflake", [node], rels)))
    assert out.status == "ok" and out.columns == ["id", "double_amount"]
    assert {(e.source_column, e.target_column, e.kind) for e in out.edges} == {
        ("id", "id", P), ("amount", "double_amount", T)}


def test_a_select_star_over_unknown_columns_is_partial():
    rels = [Relation("source.p.s.t", "source", "t", "db", "s", "t", None, (), None)]
    node = NodeSQL("model.p.m", "model", "select * from db.s.t", None, ("source.p.s.t",))
    (out,) = list(derive_manifest(ManifestSQL("duckdb", [node], rels)))
    assert out.status == "partial" and "no known columns" in out.reason
