"""dbt selector syntax against a plain re-implementation of each case over the raw manifest
(the nodes a method matches, then BFS; tests selected eagerly, as dbt does by default)."""

from __future__ import annotations

import pytest

from paradime_nb import Paradime
from paradime_nb.errors import SelectorError
from tests.conftest import RUNS
from tests.test_metadata_oracle import Graph, History, read_runs

S = "jaffle-daily"
GRAPH: Graph = History(read_runs()).graph


@pytest.fixture(scope="module")
def client():
    with Paradime.from_path(RUNS) as c:
        c.metadata.load(S, runs=100, progress=False)
        yield c


def node(name: str, rtype: str = "model") -> str:
    return next(u for u, n in GRAPH.nodes.items() if n["name"] == name and n["resource_type"] == rtype)


def where(pred) -> set[str]:
    return {u for u, n in GRAPH.nodes.items() if pred(n)}


def graph_ops(matched: set[str], parents: int | None | bool = False, children: int | None | bool = False,
              at: bool = False) -> dict[str, int]:
    """matched 0, ancestors negative, descendants positive (dbt's + and @), tests aside."""
    plain = {u for u in matched if not GRAPH.is_test(u)}
    out = {u: 0 for u in matched}
    if at:
        below = GRAPH.bfs(plain, "down")
        above = GRAPH.bfs(set(below), "up")
        out.update({u: lvl for u, lvl in below.items() if u not in out})
        out.update({u: -lvl for u, lvl in above.items() if u not in out})
        return out
    if parents is not False:
        out.update({u: -lvl for u, lvl in GRAPH.bfs(plain, "up", parents).items() if u not in out})
    if children is not False:
        out.update({u: lvl for u, lvl in GRAPH.bfs(plain, "down", children).items() if u not in out})
    return out


def eager_tests(selected: dict[str, int]) -> set[str]:
    chosen = {u for u in selected if not GRAPH.is_test(u)}
    direct = {u for u in selected if GRAPH.is_test(u)}
    return direct | {t for t in GRAPH.tests() if GRAPH.parents[t] & chosen}


def name_is(name):
    return lambda n: n["name"] == name and n["resource_type"] not in ("source", "exposure", "unit_test")


CASES = {
    "customers": lambda: graph_ops(where(name_is("customers"))),
    "+customers": lambda: graph_ops(where(name_is("customers")), parents=None),
    "customers+": lambda: graph_ops(where(name_is("customers")), children=None),
    "stg_orders+1": lambda: graph_ops(where(name_is("stg_orders")), children=1),
    "2+orders+": lambda: graph_ops(where(name_is("orders")), parents=2, children=None),
    "1+stg_payments+2": lambda: graph_ops(where(name_is("stg_payments")), parents=1, children=2),
    "@int_payments_usd": lambda: graph_ops(where(name_is("int_payments_usd")), at=True),
    "tag:finance": lambda: graph_ops(where(lambda n: "finance" in (n.get("tags") or []))),
    "+tag:finance": lambda: graph_ops(where(lambda n: "finance" in (n.get("tags") or [])), parents=None),
    "source:jaffle_raw+": lambda: graph_ops(where(lambda n: n.get("source_name") == "jaffle_raw"), children=None),
    "source:jaffle_raw.raw_orders": lambda: graph_ops({node("raw_orders", "source")}),
    "source:jaffle_shop.jaffle_raw.fx_rates+1": lambda: graph_ops({node("fx_rates", "source")}, children=1),
    "exposure:finance_revenue_dashboard": lambda: graph_ops({node("finance_revenue_dashboard", "exposure")}),
    "+exposure:customer_churn_model": lambda: graph_ops({node("customer_churn_model", "exposure")}, parents=None),
    "marts": lambda: graph_ops(where(lambda n: n["resource_type"] not in ("source", "exposure", "unit_test")
                                     and (n.get("fqn") or [])[1:2] == ["marts"])),
    "jaffle_utils.*": lambda: graph_ops(where(lambda n: n["resource_type"] not in ("source", "exposure", "unit_test")
                                              and (n.get("fqn") or [])[:1] == ["jaffle_utils"])),
    "*.stg_*": lambda: graph_ops(where(lambda n: n["resource_type"] not in ("source", "exposure", "unit_test")
                                       and n["name"].startswith("stg_"))),
    "staging.stg_o*+1": lambda: graph_ops(where(name_is("stg_orders")), children=1),
    "path:models/staging": lambda: graph_ops(where(lambda n: (n.get("original_file_path") or "").startswith("models/staging/"))),
    "resource_type:seed+1": lambda: graph_ops(where(lambda n: n["resource_type"] == "seed"), children=1),
    "config.materialized:view": lambda: graph_ops(where(lambda n: (n.get("config") or {}).get("materialized") == "view")),
    "package:jaffle_utils": lambda: graph_ops(where(lambda n: n.get("package_name") == "jaffle_utils")),
    "test_type:unit": lambda: graph_ops(where(lambda n: n["resource_type"] == "unit_test")),
    "tag:marts,tag:finance": lambda: graph_ops(where(lambda n: {"marts", "finance"} <= set(n.get("tags") or []))),
    "+orders,*.stg_*": lambda: {u: lvl for u, lvl in graph_ops(where(name_is("orders")), parents=None).items()
                              if GRAPH.nodes[u]["name"].startswith("stg_") and GRAPH.rtype(u) == "model"},
    "stg_orders stg_payments": lambda: {**graph_ops(where(name_is("stg_orders"))), **graph_ops(where(name_is("stg_payments")))},
    "orders_snapshot raw_orders+1": lambda: {**graph_ops(where(name_is("raw_orders")), children=1),
                                             **graph_ops(where(name_is("orders_snapshot")))},
}


@pytest.mark.parametrize("selector", list(CASES))
def test_selector_selects_what_dbt_would(client, selector):
    expected = CASES[selector]()
    assert expected, f"the case {selector!r} selects nothing: a vacuous test"
    result = client.metadata.select_nodes(S, selector)
    got = {n.unique_id: n.level for n in result}
    assert got == {u: lvl for u, lvl in expected.items() if not GRAPH.is_test(u)}
    assert {t.unique_id for t in result.tests} == eager_tests(expected)
    assert result.root == [selector]


@pytest.mark.parametrize("selector", ["", "   ", "@+orders", "@orders+", "bogus:thing", "source:a.b.c.d",
                                      "config.colour:red", "tag.x:y", "+", "exposure:a.b.c"])
def test_bad_selectors_raise_selector_error(client, selector):
    with pytest.raises(SelectorError) as err:
        client.metadata.select_nodes(S, selector)
    assert str(err.value)


def test_wildcards_match_the_whole_fqn_like_dbt(client):
    """dbt fnmatches a wildcard against the rest of the fqn (package.folder.name), so a bare
    `stg_*` selects nothing while `*.stg_*` selects the staging models."""
    assert list(client.metadata.select_nodes(S, "stg_*")) == []
    assert {n.name for n in client.metadata.select_nodes(S, "*.stg_*")} == {
        "stg_customers", "stg_fx_rates", "stg_orders", "stg_payments"}


def test_a_selector_matching_nothing_is_empty_not_an_error(client):
    result = client.metadata.select_nodes(S, "tag:no_such_tag+")
    assert list(result) == [] and list(result.tests) == []
    assert result.to_frame().columns.tolist() == ["unique_id", "name", "resource_type", "level", "status", "health_status",
                                                  "execution_time", "executed_at"]
