"""Column lineage of the jaffle project against the hand-built truth set (tests/column_truth.py).

Precision and recall are over edges (source column, target column or the target's rows);
kinds are compared on the edges found. The README reports these figures.
"""

from __future__ import annotations

import pytest

from paradime_nb import Paradime
from tests import raw
from tests.column_truth import EDGES, NO_UPSTREAM
from tests.conftest import JAFFLE, RUNS

LATEST = JAFFLE / "48012"


@pytest.fixture(scope="module")
def client():
    c = Paradime.from_path(RUNS)
    c.metadata.load("jaffle-daily", runs=1, progress=False)  # the latest run: its manifest and catalog
    yield c
    c.close()


def _derived(client) -> dict[tuple, str]:
    from paradime_nb.metadata.column_lineage import lineage_key

    key = lineage_key(client.store, "jaffle-daily")
    found = client.store.fetchall(
        "SELECT source_id, source_column, target_id, target_column, kind FROM column_lineage_edges "
        "WHERE lineage_key = ?", [key])
    return {(s, sc, t, tc): k for s, sc, t, tc, k in found}


def score(derived: dict[tuple, str]) -> dict[str, float]:
    truth = {e[:4]: e[4] for e in EDGES}
    hit = set(truth) & set(derived)
    return {
        "edges": len(truth), "derived": len(derived), "found": len(hit),
        "precision": len(hit) / len(derived) if derived else 1.0,
        "recall": len(hit) / len(truth) if truth else 1.0,
        "kinds_right": sum(truth[e] == derived[e] for e in hit) / len(hit) if hit else 1.0,
    }


def test_truth_set_covers_every_catalog_column_of_the_models():
    """Each model / snapshot column of the catalog is a target in the truth set or listed
    as having no upstream column (from the raw catalog, not from the code under test)."""
    catalog = raw.load_json(raw.latest_file(LATEST, "catalog.json"))
    targets = {f"{t}.{tc}" for _s, _sc, t, tc, _k, _w in EDGES if tc is not None}
    for uid, entry in catalog["nodes"].items():
        if uid.split(".")[0] not in ("model", "snapshot"):
            continue
        for column in entry["columns"]:
            name = f"{uid}.{column.lower()}"
            assert name in targets or name in NO_UPSTREAM, name
    assert not targets & set(NO_UPSTREAM)


def test_every_non_obvious_edge_says_why():
    for source, s_col, target, t_col, kind, why in EDGES:
        if kind != "passthrough" or t_col is None:
            assert why, (source, s_col, target, t_col)


def test_derived_edges_equal_the_truth_set(client):
    derived = _derived(client)
    truth = {e[:4]: e[4] for e in EDGES}
    missing = sorted(set(truth) - set(derived))
    extra = sorted(set(derived) - set(truth))
    wrong = sorted((e, truth[e], derived[e]) for e in set(truth) & set(derived) if truth[e] != derived[e])
    assert not missing and not extra and not wrong, (missing, extra, wrong)
    s = score(derived)
    assert s["precision"] == s["recall"] == s["kinds_right"] == 1.0


def test_every_model_reads_ok(client):
    status = client.metadata.get_column_lineage_status("jaffle-daily")
    manifest = raw.load_json(raw.latest_file(LATEST, "manifest.json"))
    expected = {uid for uid, n in manifest["nodes"].items() if n["resource_type"] in ("model", "snapshot")}
    assert {s.unique_id for s in status} == expected
    assert {s.lineage_status for s in status} == {"ok"}
    assert {s.dialect for s in status} == {manifest["metadata"]["adapter_type"]}


def test_an_edge_lost_or_invented_would_be_caught():
    """The scorer itself: dropping one edge or adding one moves recall or precision."""
    truth = {e[:4]: e[4] for e in EDGES}
    dropped = dict(list(truth.items())[1:])
    assert score(dropped)["recall"] < 1.0 and score(dropped)["precision"] == 1.0
    invented = {**truth, ("model.x", "a", "model.y", "b"): "passthrough"}
    assert score(invented)["precision"] < 1.0
