"""Column lineage over every fixture manifest: big-2000 and the public projects. Nothing
raises; every model and snapshot gets a status, and every status other than ok says why.
The shares per dialect are written to tests/output/column_lineage_robustness.md (the
README quotes them)."""

from __future__ import annotations

from collections import Counter

import pytest

from paradime_nb import Paradime
from paradime_nb.columns import NodeSQL, derive_manifest
from paradime_nb.columns.derive import derive_node
from paradime_nb.columns.relations import RelationIndex
from tests import raw
from tests.conftest import BIG, PUBLIC

PUBLIC_DIRS = sorted({p.parent for p in PUBLIC.rglob("manifest.json")})
_REPORT: dict[str, tuple[str, Counter, Counter]] = {}


def _models(manifest: dict) -> dict[str, dict]:
    return {uid: n for uid, n in manifest["nodes"].items() if n.get("resource_type") in ("model", "snapshot")}


def _check(client, schedule: str, manifest: dict, name: str, *, single_run: bool = True) -> None:
    status = client.metadata.get_column_lineage_status(schedule)
    models = _models(manifest)
    assert {s.unique_id for s in status} == set(models)
    for s in status:
        assert s.lineage_status in ("ok", "partial", "unparsed")
        assert (s.reason is None) == (s.lineage_status == "ok"), s
        code = models[s.unique_id].get("compiled_code") or models[s.unique_id].get("compiled_sql")
        if not code and single_run:  # with more runs stored, the same file's code of another run serves
            assert s.lineage_status == "unparsed" and "no compiled code" in s.reason
    adapter = manifest["metadata"].get("adapter_type")
    _REPORT[name] = (adapter, Counter(s.lineage_status for s in status),
                     Counter((s.reason or "").split(":")[0] for s in status if s.reason))
    # a question answers on whatever parsed: the first ok model's first column, both ways
    first = next((s for s in status if s.lineage_status == "ok" and s.columns), None)
    if first is not None:
        for direction in ("up", "down"):
            result = client.metadata.get_column_lineage((first.unique_id, first.columns[0]), schedule,
                                                        direction=direction)
            assert result[0].unique_id == first.unique_id and result[0].level == 0


@pytest.mark.parametrize("folder", PUBLIC_DIRS, ids=lambda p: str(p.relative_to(PUBLIC)))
def test_public_manifest(folder):
    client = Paradime.from_path(folder)
    try:
        schedule = client.metadata.schedules()[0].slug
        _check(client, schedule, raw.load_json(folder / "manifest.json"), str(folder.relative_to(PUBLIC)))
    finally:
        client.close()


@pytest.mark.slow
def test_big_2000():
    """The docs-generate command's target folder: its manifest compiled every model."""
    target = BIG / "big-2000" / "60001" / "4_docs_generate" / "target"
    client = Paradime.from_path(target, schedule_name="big-2000")
    try:
        client.metadata.load("big-2000", runs=1, progress=False)
        _check(client, "big-2000", raw.load_json(target / "manifest.json.gz"), "big/big-2000")
        counts = _REPORT["big/big-2000"][1]
        assert counts["ok"] >= 0.99 * sum(counts.values())
    finally:
        client.close()


BAD = [
    ("no code", NodeSQL("model.p.a", "model", None), "no compiled code"),
    ("blank", NodeSQL("model.p.a", "model", "  \n"), "no compiled code"),
    ("jinja left", NodeSQL("model.p.a", "model", "select {{ ref('x') }}.id from y"), "Jinja remnant"),
    ("python model", NodeSQL("model.p.a", "model", "def model(dbt, session): ...", "python"), "python model"),
    ("not sql", NodeSQL("model.p.a", "model", "select from where (("), "cannot parse"),
    ("no select", NodeSQL("model.p.a", "model", "create table t (a int)"), "no SELECT"),
    ("deep", NodeSQL("model.p.a", "model", "select " + "(" * 3000 + "1" + ")" * 3000), ""),
]


@pytest.mark.parametrize("case, node, reason", BAD, ids=[b[0] for b in BAD])
def test_bad_sql_is_a_status_never_an_exception(case, node, reason):
    out = derive_node(node, RelationIndex([]), "duckdb", True)
    assert out.status == "unparsed" and out.edges == []
    assert reason in out.reason


def test_unknown_adapter_reads_as_generic_sql_and_says_so():
    from paradime_nb.columns import ManifestSQL

    manifest = ManifestSQL("no_such_adapter", [NodeSQL("model.p.a", "model", "select 1 as x")], [])
    (out,) = list(derive_manifest(manifest))
    assert out.status == "partial" and "generic SQL" in out.reason and out.dialect == ""


def test_dialect_specific_sql_needs_its_dialect():
    """Snowflake's `:` path access parses as snowflake; the adapter decides the dialect."""
    from paradime_nb.columns import ManifestSQL, Relation

    rel = Relation("source.p.s.t", "source", "t", "db", "sc", "t", None, ("payload", "id"), "catalog")
    node = NodeSQL("model.p.a", "model", "select payload:customer.id::varchar as cid, id from db.sc.t",
                   None, ("source.p.s.t",))
    (out,) = list(derive_manifest(ManifestSQL("snowflake", [node], [rel])))
    assert out.status == "ok", out.reason
    assert {(e.source_column, e.target_column, e.kind) for e in out.edges} == {
        ("payload", "cid", "transformed"), ("id", "id", "passthrough")}


def test_write_report(output_dir):
    """Runs last in this module: the shares per manifest and dialect, as the README quotes them."""
    if not _REPORT:
        pytest.skip("no manifest was checked in this run")
    lines = ["| manifest | adapter | models | ok | partial | unparsed | reasons |", "|---|---|---|---|---|---|---|"]
    for name, (adapter, counts, reasons) in sorted(_REPORT.items()):
        total = sum(counts.values())
        share = {k: f"{counts[k]} ({100 * counts[k] / total:.1f}%)" if total else "0" for k in ("ok", "partial", "unparsed")}
        why = "; ".join(f"{n}x {r}" for r, n in reasons.most_common(3))
        lines.append(f"| {name} | {adapter} | {total} | {share['ok']} | {share['partial']} | {share['unparsed']} | {why} |")
    (output_dir / "column_lineage_robustness.md").write_text("\n".join(lines) + "\n")
