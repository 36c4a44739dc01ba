"""Suite 1, bad artifacts: hypothesis breaks real fixtures of each kind in many ways
(``mutations.FAMILIES``). Every case either loads with the documented interpretation or
raises an ``ArtifactError`` naming the file and the cause; no other exception escapes, and
a failed load leaves the store exactly as it was.

Each case is a run read (``read_artifact`` via ``prepare_run``) and written
(``Store.write_run``) into one long-lived in-memory store, compared by fingerprint before
and after; a case that loads is checked, then deleted, and the store is back where it was.
The store runs with a non-UTC session time zone, as it would on most laptops.
"""

from __future__ import annotations

import itertools
from collections import Counter

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paradime_nb.artifacts import read_artifact
from paradime_nb.errors import ArtifactError
from paradime_nb.store import Store, prepare_run
from paradime_nb.store.integrity import check_integrity
from tests.conftest import JAFFLE
from tests.reliability import mutations
from tests.reliability.conftest import CASES_PER_KIND, PROFILE
from tests.reliability.support import fields_of, memory_file, run_data, store_state

RUN = JAFFLE / "48004"
FILES = {
    "manifest": RUN / "5_test" / "target" / "manifest.json",
    "run_results": RUN / "5_test" / "target" / "run_results.json",
    "sources": RUN / "6_source_freshness" / "target" / "sources.json",
    "catalog": RUN / "7_docs_generate" / "target" / "catalog.json",
}
DATA = {kind: path.read_bytes() for kind, path in FILES.items()}
_doc = orjson.loads(DATA["manifest"])
# The manifest without the sections no table reads (macros, docs, parent and child maps:
# 80% of its bytes), so that 200 cases stay quick; test_size reads whole real manifests.
DATA["manifest"] = orjson.dumps({k: v for k, v in _doc.items() if k not in ("macros", "docs", "parent_map", "child_map")})
# a manifest with only its sources: names for freshness results, cheap to read each case
SOURCES_MANIFEST = orjson.dumps({"metadata": _doc["metadata"], "nodes": {}, "sources": _doc["sources"]})
RUN_IDS = itertools.count(1000)


def _commands(kind: str, data: bytes) -> list[tuple[str, list]]:
    """The run around the mutated file: what its interpretation needs, nothing more."""
    mutated = memory_file(f"target/{kind}.json", data)
    if kind == "manifest":
        return [("dbt build", [mutated, memory_file("target/run_results.json", DATA["run_results"])])]
    if kind == "run_results":
        return [("dbt build", [mutated])]
    if kind == "sources":
        return [("dbt source freshness", [memory_file("target/manifest.json", SOURCES_MANIFEST), mutated])]
    return [("dbt docs generate", [mutated])]


@pytest.fixture(scope="module")
def store():
    store = Store()
    store.connection.execute("SET TimeZone = 'Asia/Kolkata'")  # +05:30: naive must still mean UTC
    for kind in FILES:  # one good run per kind: the fuzz schedule exists, the store is not empty
        store.write_run(prepare_run(run_data(next(RUN_IDS), _commands(kind, DATA[kind]))))
    assert check_integrity(store) == []
    yield store
    store.close()


def _stream_agrees(data: bytes) -> None:
    """The streaming manifest reader reads every mutation as the whole-document reader does."""
    def outcome(stream: bool):
        try:
            return fields_of(read_artifact(data, "m.json", "manifest", stream=stream))
        except ArtifactError as exc:
            return type(exc)
    assert outcome(True) == outcome(False)


@pytest.mark.parametrize("kind", list(FILES))
def test_every_broken_artifact_loads_as_documented_or_fails_typed(store, kind):
    base = DATA[kind]
    clean = store_state(store)
    seen: Counter[tuple[str, str]] = Counter()

    @given(st.data())
    def case(data):
        family = data.draw(st.sampled_from(mutations.FAMILIES), label="family")
        broken = data.draw(family(kind, orjson.loads(base), base), label="case")
        run_id = next(RUN_IDS)
        where = f"fuzz/run {run_id}/command 1/target/{kind}.json"
        try:
            prepared = prepare_run(run_data(run_id, _commands(kind, broken.data)))
            store.write_run(prepared)
        except ArtifactError as exc:
            seen[(broken.label, "refused")] += 1
            assert broken.outcome != "load", f"{broken.label}: refused ({exc}), must load"
            assert isinstance(exc, broken.error), f"{broken.label}: {type(exc).__name__}, {broken.error.__name__} expected"
            assert exc.path == where and str(exc).startswith(where + ": ") and exc.problem.strip()
            assert store_state(store) == clean, f"{broken.label}: a refused load changed the store"
        else:
            seen[(broken.label, "loaded")] += 1
            try:
                assert broken.outcome != "fail", f"{broken.label}: loaded, must be refused"
                if broken.check is not None:
                    broken.check(store, run_id)
                for table, count in mutations.expected_rows(kind, broken.data).items():
                    stored = store.fetchall(f"SELECT count(*) FROM {table} WHERE run_id = ?", [run_id])[0][0]  # noqa: S608
                    assert stored == count, f"{broken.label}: {stored} rows in {table}, {count} in the file"
                if seen[(broken.label, "loaded")] % 5 == 1:  # every fifth of each family: 40 ms a check
                    assert check_integrity(store) == []
            finally:
                store.delete_runs("fuzz", [run_id])
            assert store_state(store) == clean, f"{broken.label}: deleting the run left rows behind"
        if kind == "manifest":
            _stream_agrees(broken.data)

    case()
    total = sum(seen.values())
    print(f"\n{kind}: {total} cases", dict(sorted(seen.items())))
    assert total >= CASES_PER_KIND[PROFILE]
    assert {outcome for _label, outcome in seen} == {"loaded", "refused"}
