"""Relation stats and schema changes over the stored catalogs, against the raw catalog JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from paradime_nb import Paradime
from paradime_nb.errors import InvalidArgumentError
from paradime_nb.metadata.catalog_history import CHANGE_KINDS
from tests.conftest import BIG, JAFFLE, PUBLIC
from tests.quality_oracle import catalog_changes, catalogs_by_run
from tests.raw import find, load_json

S = "jaffle-daily"


def _got(changes) -> dict[int, set[tuple]]:
    out: dict[int, set[tuple]] = {}
    for c in changes:
        out.setdefault(c.run_id, set()).add((c.change, c.unique_id, c.column_name, c.old_type, c.new_type))
    return out


def _expected(schedule_dir: Path, since_run: int | None = None) -> dict[int, set[tuple]]:
    catalogs = catalogs_by_run(schedule_dir)
    out = {}
    for (prev_id, prev), (run_id, cur) in zip(catalogs, catalogs[1:]):
        if since_run is None or run_id >= since_run:
            found = catalog_changes(prev, cur)
            if found:
                out[run_id] = found
    return out


def test_jaffle_schema_changes_match_the_catalogs_and_find_the_deployment(jaffle_client):
    result = jaffle_client.metadata.get_schema_changes(S, days=30)
    assert result.catalog_runs == [run for run, _doc in catalogs_by_run(JAFFLE)]
    assert _got(result.changes) == _expected(JAFFLE)
    deployment = {c for c in _got(result.changes)[48010] if c[0] == "relation added"}
    assert deployment == {("relation added", "model.jaffle_shop.customer_segments", None, None, None)}
    added = next(c for c in result.changes if c.change == "relation added")
    assert added.previous_run_id == 48008 and added.relation == "jaffle_shop.main.customer_segments"
    assert {c.change for c in result.changes} <= set(CHANGE_KINDS)


def test_a_short_window_compares_its_first_catalog_with_the_one_before(jaffle_client):
    result = jaffle_client.metadata.get_schema_changes(S, days=1.5)  # 48012 only; 48010 is the baseline
    assert result.catalog_runs == [48012]
    assert _got(result.changes) == _expected(JAFFLE, since_run=48012)
    assert {c.previous_run_id for c in result.changes} == {48010}


def _copy_runs(tmp_path: Path, run_ids: list[int]) -> Path:
    schedule = tmp_path / S
    schedule.mkdir(parents=True)
    shutil.copy(JAFFLE / "schedule.json", schedule)
    for run_id in run_ids:
        shutil.copytree(JAFFLE / str(run_id), schedule / str(run_id))
    return schedule


def _edit_catalog(run_dir: Path, edit) -> None:
    for path in run_dir.rglob("catalog.json"):
        doc = json.loads(path.read_text())
        edit(doc)
        path.write_text(json.dumps(doc))


def _stat(value: int, name: str) -> dict:
    return {"id": name, "label": name, "value": value, "include": True, "description": ""}


def test_dropped_retyped_renamed_and_sized_relations(tmp_path):
    schedule = _copy_runs(tmp_path, [48007, 48008])

    def sizes(factor):
        def edit(doc):
            for i, entry in enumerate(doc["nodes"].values()):
                entry["stats"]["row_count"] = _stat((i + 1) * factor, "row_count")
                entry["stats"]["bytes"] = _stat((i + 1) * factor * 100, "bytes")
        return edit

    _edit_catalog(schedule / "48007", sizes(10))

    def later(doc):
        sizes(15)(doc)
        nodes = doc["nodes"]
        del nodes["model.jaffle_shop.customers"]["columns"]["first_name"]
        nodes["model.jaffle_shop.orders"]["columns"]["order_id"]["type"] = "VARCHAR"
        nodes["model.jaffle_shop.orders"]["columns"]["note"] = {"type": "TEXT", "index": 99, "name": "note", "comment": None}
        renamed = nodes.pop("model.jaffle_shop.orders_daily")
        renamed["unique_id"] = "model.jaffle_shop.daily_orders"
        nodes["model.jaffle_shop.daily_orders"] = renamed

    _edit_catalog(schedule / "48008", later)
    with Paradime.from_path(tmp_path) as client:
        client.metadata.load(S, runs=10, progress=False)
        changes = client.metadata.get_schema_changes(S).changes
        got = _got(changes)
        assert got == _expected(schedule)
        assert {c for c in got[48008] if c[0] != "type changed" or c[2] != "_noise"} >= {
            ("column removed", "model.jaffle_shop.customers", "first_name", "VARCHAR", None),
            ("type changed", "model.jaffle_shop.orders", "order_id", "INTEGER", "VARCHAR"),
            ("column added", "model.jaffle_shop.orders", "note", None, "TEXT"),
            ("relation removed", "model.jaffle_shop.orders_daily", None, None, None),
            ("relation added", "model.jaffle_shop.daily_orders", None, None, None),
        }
        stats = client.metadata.get_relation_stats(S)
        assert stats.catalog_runs == [48007, 48008] and stats.note is None
        docs = {run: {**doc["nodes"], **doc.get("sources", {})} for run, doc in catalogs_by_run(schedule)}
        sized = 0
        for r in stats.relations:
            history = [(run, docs[run][r.unique_id]["stats"]) for run in (48007, 48008) if r.unique_id in docs[run]]
            assert r.run_ids == [run for run, _s in history]
            counts = [s.get("row_count", {}).get("value") for _run, s in history]
            assert r.row_counts == counts
            assert r.bytes == history[-1][1].get("bytes", {}).get("value")
            if None not in counts:
                sized += 1
                assert r.row_count_change == counts[-1] - counts[0]
                assert r.row_count_change_pct == pytest.approx(100.0 * (counts[-1] - counts[0]) / counts[0])
            else:
                assert r.row_count_change is None
        assert sized > 10
        sizes_seen = [r.bytes or 0 for r in stats.relations]
        assert sizes_seen == sorted(sizes_seen, reverse=True)


def test_runs_without_a_catalog_say_so(tmp_path):
    _copy_runs(tmp_path, [48009])
    with Paradime.from_path(tmp_path) as client:
        client.metadata.load(S, progress=False)
        stats = client.metadata.get_relation_stats(S)
        assert stats.catalog_runs == [] and len(stats.relations) == 0
        assert "no catalog was written in the last 30 days" in stats.note
        changes = client.metadata.get_schema_changes(S)
        assert len(changes.changes) == 0 and "no catalog" in changes.note
        with pytest.raises(InvalidArgumentError, match="days must be more than 0"):
            client.metadata.get_relation_stats(S, days=0)


def test_relation_stats_on_real_warehouse_catalogs():
    """balboa (Snowflake) reports row counts and bytes; big-2000 (DuckDB) none."""
    folder = next(p for p in sorted((PUBLIC / "datacoves__balboa").iterdir()) if p.name.startswith("2026"))
    catalog = json.loads((folder / "catalog.json").read_text())
    with Paradime.from_path(folder) as client:
        slug = client.metadata.schedules()[0].slug
        stats = client.metadata.get_relation_stats(slug)
        expected = {}
        for section in ("nodes", "sources"):
            for uid, entry in catalog[section].items():
                s = entry["stats"]
                expected[uid] = (s.get("row_count", {}).get("value"), s.get("bytes", {}).get("value"))
        got = {r.unique_id: (r.row_count, r.bytes) for r in stats.relations}
        assert got == {k: (None if a is None else int(a), None if b is None else int(b)) for k, (a, b) in expected.items()}
        assert any(b for _a, b in got.values())
    big = BIG / "big-2000"
    run = big / "60001"
    doc = load_json(find(run / "4_docs_generate", "catalog.json"))
    with Paradime.from_path(big) as client:
        slug = client.metadata.schedules()[0].slug
        client.metadata.load(slug, runs=10, progress=False)
        stats = client.metadata.get_relation_stats(slug)
        assert stats.catalog_runs == [60001]
        assert len(stats.relations) == len(doc["nodes"]) + len(doc.get("sources") or {})
        assert "reports no row counts" in stats.note
