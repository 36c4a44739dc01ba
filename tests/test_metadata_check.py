"""``client.metadata.get_health_check`` over every jaffle-daily run, against the oracle."""

from __future__ import annotations

import pytest

from tests.test_cli import expected, oracle_counts, unhealthy
from tests.test_metadata_oracle import History, read_runs
from tests.conftest import JAFFLE


@pytest.fixture(scope="module")
def check():
    from paradime_nb import Paradime

    with Paradime.from_path(JAFFLE.parent) as client:
        client.metadata.load("jaffle-daily", runs=100, progress=False)
        yield client.metadata.get_health_check("Jaffle daily")


def test_every_node_with_the_oracles_health(check):
    runs = read_runs(JAFFLE)
    exp = expected(JAFFLE, {r.run_id for r in runs})
    got = {n.unique_id: n.health_status.lower() for n in check.nodes}
    want = {uid: h.lower() for kind in exp.values() for uid, h in kind.items()}
    assert got == want
    assert {k: {h.lower(): v for h, v in by.items()} for k, by in check.counts().items()} == oracle_counts(exp)
    assert check.schedule_name == "jaffle-daily" and check.run.run_id == runs[-1].run_id


def test_thresholds_order_and_reasons(check):
    runs = read_runs(JAFFLE)
    exp = expected(JAFFLE, {r.run_id for r in runs})
    critical = check.at_or_above("critical")
    warning = check.at_or_above("warning")
    assert {n.unique_id for n in critical} == unhealthy(exp, ("critical",))
    assert {n.unique_id for n in warning} == unhealthy(exp) == {n.unique_id for n in check.unhealthy}
    ranks = [n.rank for n in warning]
    assert ranks == sorted(ranks, reverse=True)
    assert all(n.reasons for n in warning)
    assert check.failed("warning") == bool(warning)
    with pytest.raises(ValueError, match="threshold"):
        check.at_or_above("sometimes")
    graph = History(runs).graph
    for n in check.nodes:
        assert n.original_file_path == graph.nodes[n.unique_id].get("original_file_path")
