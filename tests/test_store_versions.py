"""Manifests and catalogs stored once per content; schema v1 files migrated on open.

Expectations come from the raw fixture JSON (tests/raw.py) and from the same store read
before and after a migration, never from the code under test."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from paradime_nb import Paradime
from paradime_nb.errors import StoreError
from paradime_nb.sources import SavedRunsSource
from paradime_nb.store import Store, prepare_run
from paradime_nb.store.integrity import check_integrity
from tests import raw
from tests.conftest import JAFFLE, RUNS

PER_RUN_VIEWS = ("manifest_nodes", "node_edges", "test_metadata", "manifest_columns", "catalog_nodes",
                 "catalog_columns")
VERSION_TABLES = ("manifest_node_versions", "manifest_edge_versions", "manifest_test_versions",
                  "manifest_column_versions", "catalog_node_versions", "catalog_column_versions")


def _fixture_run(run_id: int):
    source = SavedRunsSource(RUNS)
    schedule = source.schedule("jaffle-daily")
    run = next(r for r in source.runs(schedule) if r.run_id == run_id)
    return next(source.fetch(schedule, [run]))


def _replayed(data, run_id: int, days: int):
    """The same files as another run: an unchanged project's next run."""
    run = dataclasses.replace(data.run, run_id=run_id, started_at=data.run.started_at + timedelta(days=days),
                              ended_at=data.run.ended_at + timedelta(days=days))
    return dataclasses.replace(data, run=run)


def _count(store: Store, table: str) -> int:
    return store.fetchall(f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608


def _checksum(node: dict):
    c = node.get("checksum")
    return c.get("checksum") if isinstance(c, dict) else c


def _raw_manifest(run_id: int) -> dict:
    return raw.manifest_graph_nodes(raw.load_json(raw.latest_file(JAFFLE / str(run_id), "manifest.json")))


@pytest.fixture(scope="module")
def base_run():
    return _fixture_run(48012)


def test_an_unchanged_manifest_is_stored_once_and_every_run_reads_it(base_run):
    nodes = _raw_manifest(48012)
    edges = sum(len((n.get("depends_on") or {}).get("nodes") or []) for n in nodes.values())
    tests = sum(n["resource_type"] in ("test", "unit_test") for n in nodes.values())
    store = Store()
    store.write_run(prepare_run(base_run))
    after_first = {t: _count(store, t) for t in (*VERSION_TABLES, "node_results")}
    assert after_first["manifest_node_versions"] == len(nodes) and after_first["manifest_edge_versions"] == edges
    assert after_first["manifest_test_versions"] == tests
    for k in range(1, 4):
        store.write_run(prepare_run(_replayed(base_run, 90000 + k, k)))
    # the next runs added results, not manifest or catalog rows
    for table in VERSION_TABLES:
        assert _count(store, table) == after_first[table], table
    assert _count(store, "node_results") == 4 * after_first["node_results"]
    assert store.fetchall("SELECT count(DISTINCT manifest_id), count(*) FROM runs")[0] == (1, 4)
    # ... and each run still reads the whole manifest, as when it held its own copy
    per_run = dict(store.fetchall("SELECT run_id, count(*) FROM model_metadata GROUP BY 1"))
    assert per_run == {48012: len(nodes), 90001: len(nodes), 90002: len(nodes), 90003: len(nodes)}
    per_run_edges = dict(store.fetchall("SELECT run_id, count(*) FROM node_edges GROUP BY 1"))
    assert set(per_run_edges.values()) == {edges}
    assert check_integrity(store) == []


def test_each_run_reads_its_own_manifest_version():
    with Paradime.from_path(RUNS) as client:
        client.metadata.load("jaffle-daily", runs=100, progress=False)
        store = client.store
        signatures = set()
        for run_dir in raw.run_dirs(JAFFLE):
            nodes = _raw_manifest(int(run_dir.name))
            expected = {(uid, _checksum(n)) for uid, n in nodes.items()}
            got = set(store.fetchall("SELECT unique_id, checksum FROM model_metadata WHERE run_id = ?", [int(run_dir.name)]))
            assert got == expected, run_dir.name
            signatures.add(frozenset((uid, _checksum(n),
                                      tuple((n.get("depends_on") or {}).get("nodes") or [])) for uid, n in nodes.items()))
        # the fixture's seeds change daily (their checksums differ): one version per distinct content
        versions = store.fetchall("SELECT count(*) FROM content_versions WHERE kind = 'manifest'")[0][0]
        assert versions == len(signatures)
        stored_nodes = _count(store, "manifest_node_versions")
        assert stored_nodes == store.fetchall(
            "SELECT sum(node_count) FROM (SELECT DISTINCT manifest_id, node_count FROM runs)")[0][0]


def test_deleting_and_replacing_runs_drops_versions_no_run_reads(base_run):
    store = Store()
    for k in range(3):
        store.write_run(prepare_run(_replayed(base_run, 91000 + k, k)))
    other = _fixture_run(48011)
    store.write_run(prepare_run(other))
    assert store.fetchall("SELECT count(*) FROM content_versions WHERE kind = 'manifest'")[0][0] == 2
    store.delete_runs("jaffle-daily", [91000, 91001])
    assert _count(store, "manifest_node_versions") == len(_raw_manifest(48012)) + len(_raw_manifest(48011))
    store.delete_runs("jaffle-daily", [48011])
    assert _count(store, "manifest_node_versions") == len(_raw_manifest(48012))
    # a refreshed run swaps its version in the same transaction
    store.write_run(prepare_run(dataclasses.replace(other, run=dataclasses.replace(other.run, run_id=91002))),
                    replace=True)
    assert store.fetchall("SELECT count(*) FROM content_versions WHERE kind = 'manifest'")[0][0] == 1
    assert _count(store, "manifest_node_versions") == len(_raw_manifest(48011))
    assert check_integrity(store) == []
    store.delete_runs("jaffle-daily")
    assert all(_count(store, t) == 0 for t in (*VERSION_TABLES, "content_versions"))


# --- schema v2 files ---------------------------------------------------------------------

def _downgrade_to_v2(path) -> None:
    """Rewrite a v3 file in the v2 layout: each run's own copy of its manifest and catalog
    rows in the per-run tables, no version tables, no version columns on runs."""
    import duckdb  # noqa: PLC0415

    con = duckdb.connect(str(path))
    for view in PER_RUN_VIEWS:
        con.execute(f"CREATE TABLE _v1_{view} AS SELECT * FROM {view}")
    for view in PER_RUN_VIEWS:
        con.execute(f"DROP VIEW {view}")
        con.execute(f"ALTER TABLE _v1_{view} RENAME TO {view}")
    for table in (*VERSION_TABLES, "content_versions", "node_results_latest", "freshness_results_latest"):
        con.execute(f"DROP TABLE {table}")
    con.execute("CREATE TABLE _runs AS SELECT * EXCLUDE (manifest_id, catalog_id, catalog_columns_id) FROM runs")
    con.execute("DROP TABLE runs")
    con.execute("ALTER TABLE _runs RENAME TO runs")
    con.execute("UPDATE store_info SET value = '2' WHERE key = 'schema_version'")
    con.close()


def _state(client: Paradime) -> dict:
    out = {}
    for table in (*PER_RUN_VIEWS, "model_metadata", "commands", "node_results", "freshness_results"):
        out[table] = client.store.fetchall(f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {table} t")[0]  # noqa: S608
    out["runs"] = client.store.fetchall(
        "SELECT count(*), sum(hash(t)::HUGEINT) FROM (SELECT * EXCLUDE (manifest_id, catalog_id, catalog_columns_id) FROM runs) t")[0]
    return out


def _latest(client: Paradime) -> tuple:
    return tuple(client.store.fetchall(f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {view} t")[0]  # noqa: S608
                 for view in ("latest_node_results", "latest_source_freshness"))


def _answers(client: Paradime) -> tuple:
    m = client.metadata
    health = sorted((h.unique_id, h.health_status, h.status, h.tests_failed) for h in m.get_model_health("jaffle-daily"))
    failing = sorted((t.unique_id, t.status) for t in m.get_test_results("jaffle-daily", failed_only=True))
    fresh = sorted((f.unique_id, f.status) for f in m.get_source_freshness("jaffle-daily"))
    return health, failing, fresh


def test_a_v2_store_is_migrated_on_open_and_answers_as_before(tmp_path, base_run):
    db = tmp_path / "v2.duckdb"
    with Paradime.from_path(RUNS, database=db) as c:
        c.metadata.load("jaffle-daily", runs=4, progress=False)
        c.store.write_run(prepare_run(_replayed(base_run, 92001, 30)))
        c.store.write_run(prepare_run(_replayed(base_run, 92002, 31)))
        before, answers, latest = _state(c), _answers(c), _latest(c)
    _downgrade_to_v2(db)
    with pytest.raises(StoreError, match="v2.*read-write"):  # read-only cannot migrate: refused, not misread
        Store(db, read_only=True)
    with Paradime.from_source(None, database=db) as c:
        assert c.store.fetchall("SELECT value FROM store_info WHERE key = 'schema_version'") == [("3",)]
        assert _state(c) == before
        assert _latest(c) == latest
        assert _answers(c) == answers
        assert check_integrity(c.store) == []
        # the two replayed runs (equal rows) share one version; 48012 and its replays too
        assert c.store.fetchall("SELECT count(DISTINCT manifest_id) FROM runs")[0][0] == 4
        # and the migrated file keeps loading
        c.store.write_run(prepare_run(_replayed(base_run, 92003, 32)))
        assert check_integrity(c.store) == []


def test_a_newer_schema_is_refused_with_the_versions(tmp_path):
    db = tmp_path / "new.duckdb"
    Store(db).close()
    import duckdb  # noqa: PLC0415

    con = duckdb.connect(str(db))
    con.execute("UPDATE store_info SET value = '4' WHERE key = 'schema_version'")
    con.close()
    for read_only in (False, True):
        with pytest.raises(StoreError, match=r"v4, this is v3"):
            Store(db, read_only=read_only)


# --- latest results kept by the load -------------------------------------------------------

RANKED_RESULTS = """
SELECT r.*, ru.started_at AS run_started_at, ru.state AS run_state
FROM node_results r JOIN runs ru USING (schedule_name, run_id)
QUALIFY row_number() OVER (PARTITION BY r.schedule_name, r.unique_id
    ORDER BY ru.started_at DESC NULLS LAST, r.run_id DESC, r.command_index DESC, r.result_index DESC) = 1"""
RANKED_FRESHNESS = """
SELECT f.*, ru.started_at AS run_started_at
FROM freshness_results f JOIN runs ru USING (schedule_name, run_id)
QUALIFY row_number() OVER (PARTITION BY f.schedule_name, f.unique_id
    ORDER BY ru.started_at DESC NULLS LAST, f.run_id DESC, f.command_index DESC) = 1"""


def _latest_matches_history(store: Store) -> None:
    for view, ranked in (("latest_node_results", RANKED_RESULTS), ("latest_source_freshness", RANKED_FRESHNESS)):
        got = sorted(store.fetchall(f"SELECT * FROM {view}"), key=repr)  # noqa: S608
        want = sorted(store.fetchall(ranked), key=repr)
        assert got == want, view


def test_the_latest_results_equal_a_ranking_of_the_whole_history_in_any_load_order():
    import random  # noqa: PLC0415

    source = SavedRunsSource(RUNS)
    schedule = source.schedule("jaffle-daily")
    prepared = [prepare_run(d) for d in source.fetch(schedule, list(source.runs(schedule)))]
    assert len(prepared) >= 10
    for seed in (1, 2):
        order = prepared[:]
        random.Random(seed).shuffle(order)
        store = Store()
        for p in order:
            store.write_run(p)
            _latest_matches_history(store)
        ids = sorted(p.run_id for p in prepared)
        store.delete_runs("jaffle-daily", [ids[-1], ids[3]])  # the newest run, and one from the middle
        _latest_matches_history(store)
        newest = max(prepared, key=lambda p: p.run_id)
        store.write_run(newest)
        store.write_run(newest, replace=True)
        _latest_matches_history(store)
        store.delete_runs("jaffle-daily")
        assert store.fetchall("SELECT count(*) FROM latest_node_results")[0][0] == 0
