"""Project quality over the latest manifest: test and documentation coverage, the
recommendation rules (``rules.py``), and health per owner."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from ..errors import InvalidArgumentError
from ..store import Store
from ..vocabulary import CRITICAL, HEALTH_DISPLAY_ORDER, HEALTH_PROBLEMS
from .health_cache import ensure_health
from .queries import rows
from .quality_results import (
    Coverage,
    CoverageRow,
    Finding,
    ModelQuality,
    OwnerHealth,
    Recommendations,
    ResultList,
    Rule,
    RuleOutcome,
    SourceQuality,
)
from . import rules as R

#: ``get_coverage(by=...)``: how nodes are grouped
COVERAGE_GROUPS = ("folder", "tag", "owner", "package")
#: the group of a node with no tag / no owner
UNASSIGNED = "(none)"
_TESTS = ("test", "unit_test")


def _folder(path: str | None) -> str:
    parts = (path or "").replace("\\", "/").rsplit("/", 1)
    return parts[0] if len(parts) == 2 else ""


def model_facts(store: Store, schedule_name: str) -> ResultList[ModelQuality]:
    found = rows(store, "quality_models", schedule_name=schedule_name, key_tests=list(R.KEY_TESTS),
                 key_column_tests=list(R.KEY_COLUMN_TESTS))
    return ResultList([ModelQuality(**r, folder=_folder(r["original_file_path"])) for r in found], ModelQuality)


def source_facts(store: Store, schedule_name: str) -> ResultList[SourceQuality]:
    found = rows(store, "quality_sources", schedule_name=schedule_name)
    return ResultList([SourceQuality(**r, folder=_folder(r["original_file_path"])) for r in found], SourceQuality)


# --- coverage ---------------------------------------------------------------------------


def coverage(store: Store, schedule_name: str, by: str | None = None) -> Coverage:
    if by is not None and by not in COVERAGE_GROUPS:
        raise InvalidArgumentError(f"by must be None or one of {', '.join(COVERAGE_GROUPS)}, not {by!r}")
    models = model_facts(store, schedule_name)
    sources = source_facts(store, schedule_name)
    groups: ResultList[CoverageRow] = ResultList([], CoverageRow)
    if by is not None:
        keyed_models: dict[str, list[ModelQuality]] = defaultdict(list)
        keyed_sources: dict[str, list[SourceQuality]] = defaultdict(list)
        for m in models:
            for key in _keys(m, by):
                keyed_models[key].append(m)
        for s in sources:
            for key in _keys(s, by):
                keyed_sources[key].append(s)
        for key in sorted(set(keyed_models) | set(keyed_sources), key=lambda k: (k == UNASSIGNED, k)):
            groups.append(_coverage_row(key, keyed_models.get(key, []), keyed_sources.get(key, [])))
    return Coverage(schedule_name, by, _coverage_row(None, models, sources), groups, models, sources)


def _keys(node: ModelQuality | SourceQuality, by: str) -> list[str]:
    if by == "folder":
        return [node.folder]
    if by == "package":
        return [node.package_name or UNASSIGNED]
    if by == "owner":
        return [node.owner or UNASSIGNED]
    return sorted(set(node.tags)) or [UNASSIGNED]


def _pct(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _coverage_row(group: str | None, models: list[ModelQuality], sources: list[SourceQuality]) -> CoverageRow:
    n = len(models)
    tested = sum(1 for m in models if m.tests)
    pk = sum(1 for m in models if m.has_primary_key_test)
    documented = sum(1 for m in models if m.documented)
    columns = sum(m.columns for m in models)
    columns_tested = sum(m.columns_tested for m in models)
    columns_documented = sum(m.columns_documented for m in models)
    fresh = sum(1 for s in sources if s.has_freshness)
    return CoverageRow(
        group, n, tested, _pct(tested, n), pk, _pct(pk, n), documented, _pct(documented, n),
        columns, columns_tested, _pct(columns_tested, columns), columns_documented, _pct(columns_documented, columns),
        len(sources), fresh, _pct(fresh, len(sources)),
    )


# --- recommendations --------------------------------------------------------------------


@dataclass
class _Project:
    """What the rules read, fetched once."""

    models: list[ModelQuality]
    sources: list[SourceQuality]
    exposures: list[dict]
    parents: dict[str, set[str]]
    children: dict[str, list[tuple[str, str]]]  # parent -> [(child id, child type)]
    types: dict[str, str | None]
    names: dict[str, str]
    staging: R.StagingLayer
    as_of: datetime | None


def recommendations(
    store: Store,
    schedule_name: str,
    rule_ids: Iterable[str] | None = None,
    thresholds: Mapping[str, float] | None = None,
    staging: R.StagingLayer | None = None,
) -> Recommendations:
    chosen = _choose(rule_ids, thresholds)
    if staging is not None and not isinstance(staging, R.StagingLayer):
        raise InvalidArgumentError(
            f"staging must be None or a StagingLayer(folders=(...), prefixes=(...)), not {staging!r}")
    (manifest,) = rows(store, "quality_manifest", schedule_name=schedule_name) or [{}]
    version = manifest.get("schema_version")
    project = _project(store, schedule_name, staging or R.StagingLayer(), manifest.get("started_at"))
    findings: list[Finding] = []
    outcomes: list[RuleOutcome] = []
    for rule in chosen:
        since = R.FIELD_SINCE.get(rule.requires or "")
        if since is not None and version is not None and version < since:
            outcomes.append(RuleOutcome(rule.rule_id, rule.severity, rule.title, False, 0, rule.threshold,
                                        f"not applicable: manifest v{version} has no {rule.requires} "
                                        f"(from v{since})"))
            continue
        stale = _stale_note(rule, project)
        if stale:
            outcomes.append(RuleOutcome(rule.rule_id, rule.severity, rule.title, False, 0, rule.threshold, stale))
            continue
        found = list(_EVALUATORS[rule.rule_id](project, rule))
        findings.extend(found)
        outcomes.append(RuleOutcome(rule.rule_id, rule.severity, rule.title, True, len(found), rule.threshold))
    order = {rule.rule_id: i for i, rule in enumerate(R.RULES)}
    findings.sort(key=lambda f: (R.SEVERITY_ORDER.index(f.severity), order[f.rule_id], f.name, f.unique_id))
    return Recommendations(schedule_name, manifest.get("run_id"), version, ResultList(findings, Finding),
                           ResultList(outcomes, RuleOutcome))


def _stale_note(rule: Rule, project: _Project) -> str | None:
    """A manifest of schema v9+ always says whether each model's contract is enforced; none
    saying so means the run was stored by a paradime_nb that did not read contracts."""
    if rule.requires == "contract" and project.models and all(m.contract_enforced is None for m in project.models):
        return "not applicable: the run was stored before contracts were read; load it again with refresh=True"
    return None


def _choose(rule_ids: Iterable[str] | str | None, thresholds: Mapping[str, float] | None) -> list[Rule]:
    """The rules asked for (one id alone is one rule, not its letters), thresholds applied;
    anything else is an ``InvalidArgumentError`` naming what is allowed."""
    by_id = {rule.rule_id: rule for rule in R.RULES}
    if isinstance(rule_ids, str):
        rule_ids = [rule_ids]
    try:
        ids = list(by_id) if rule_ids is None else list(rule_ids)
    except TypeError:
        raise InvalidArgumentError(f"rules must be None or a list of rule ids, not {rule_ids!r}") from None
    if thresholds is not None and not isinstance(thresholds, Mapping):
        raise InvalidArgumentError(f"thresholds must be None or a mapping of rule id to number, not {thresholds!r}")
    unknown = [i for i in [*ids, *(thresholds or {})] if not isinstance(i, str) or i not in by_id]
    if unknown:
        raise InvalidArgumentError(f"unknown rule {unknown[0]!r}; the rules are {', '.join(by_id)}")
    with_threshold = [r.rule_id for r in R.RULES if r.threshold is not None]
    chosen = []
    for rule_id in ids:
        rule = by_id[rule_id]
        if thresholds and rule_id in thresholds:
            if rule.threshold is None:
                raise InvalidArgumentError(
                    f"rule {rule_id!r} has no threshold; the rules with one are {', '.join(with_threshold)}")
            value = thresholds[rule_id]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise InvalidArgumentError(
                    f"the threshold of {rule_id!r} must be a finite number >= 0, not {value!r}")
            rule = replace(rule, threshold=float(value))
        chosen.append(rule)
    return chosen


def _project(store: Store, schedule_name: str, staging: R.StagingLayer, as_of: datetime | None) -> _Project:
    models = model_facts(store, schedule_name)
    parents: dict[str, set[str]] = defaultdict(set)
    children: dict[str, list[tuple[str, str]]] = defaultdict(list)
    types: dict[str, str | None] = {}
    for e in rows(store, "quality_edges", schedule_name=schedule_name):
        parents[e["child_id"]].add(e["parent_id"])
        children[e["parent_id"]].append((e["child_id"], e["child_type"]))
        types[e["parent_id"]], types[e["child_id"]] = e["parent_type"], e["child_type"]
    names = {m.unique_id: _display(m) for m in models}
    sources = source_facts(store, schedule_name)
    names.update({s.unique_id: f"{s.source_name}.{s.name}" for s in sources})
    return _Project(models, sources, rows(store, "quality_exposures", schedule_name=schedule_name),
                    parents, children, types, names, staging, as_of)


def _display(m: ModelQuality) -> str:
    return m.name if m.version is None else f"{m.name}.v{m.version}"


def _finding(rule: Rule, m: ModelQuality, detail: str | None = None) -> Finding:
    reason = rule.title if not detail else f"{rule.title}: {detail}"
    return Finding(rule.rule_id, rule.severity, m.unique_id, _display(m), "model", reason, rule.fix, m.owner)


def _listed(ids: Iterable[str], names: dict[str, str], limit: int = 5) -> str:
    shown = sorted(names.get(i, i) for i in ids)
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def _testable(p: _Project) -> Iterator[ModelQuality]:
    """Ephemeral models cannot be tested (dbt inlines them): the test rules skip them."""
    return (m for m in p.models if m.materialized != "ephemeral")


def _missing_tests(p: _Project, rule: Rule) -> Iterator[Finding]:
    return (_finding(rule, m) for m in _testable(p) if not m.tests)


def _missing_pk(p: _Project, rule: Rule) -> Iterator[Finding]:
    return (_finding(rule, m) for m in _testable(p) if not m.has_primary_key_test)


def _undocumented_model(p: _Project, rule: Rule) -> Iterator[Finding]:
    return (_finding(rule, m) for m in p.models if not m.documented)


def _undocumented_columns(p: _Project, rule: Rule) -> Iterator[Finding]:
    for m in p.models:
        if m.columns and 100.0 * m.columns_documented / m.columns < (rule.threshold or 0):
            missing = m.columns - m.columns_documented
            shown = ", ".join(m.undocumented_columns[:5]) + (" ..." if missing > 5 else "")
            yield _finding(rule, m, f"{missing} of {m.columns} ({shown})")


def _source_without_freshness(p: _Project, rule: Rule) -> Iterator[Finding]:
    for s in p.sources:
        if not s.has_freshness:
            yield Finding(rule.rule_id, rule.severity, s.unique_id, f"{s.source_name}.{s.name}", "source",
                          rule.title, rule.fix, s.owner)


def _exposure_without_owner(p: _Project, rule: Rule) -> Iterator[Finding]:
    for e in p.exposures:
        if not e["owner"]:
            yield Finding(rule.rule_id, rule.severity, e["unique_id"], e["name"], "exposure", rule.title, rule.fix)


def _public_without_contract(p: _Project, rule: Rule) -> Iterator[Finding]:
    # False, not None: None is a run stored before contracts were read (see ``_stale_note``)
    return (_finding(rule, m) for m in p.models if m.access == "public" and m.contract_enforced is False)


def _source_outside_staging(p: _Project, rule: Rule) -> Iterator[Finding]:
    for m in p.models:
        read = [u for u in p.parents.get(m.unique_id, ()) if p.types.get(u) == "source"]
        if read and not p.staging.contains(m.name, m.original_file_path):
            yield _finding(rule, m, f"reads {_listed(read, p.names)}")


def _used_by(p: _Project, uid: str) -> list[str]:
    return [c for c, kind in p.children.get(uid, ()) if kind not in _TESTS]


def _unused(p: _Project, rule: Rule) -> Iterator[Finding]:
    return (_finding(rule, m) for m in p.models if not _used_by(p, m.unique_id))


def _deprecated_referenced(p: _Project, rule: Rule) -> Iterator[Finding]:
    for m in p.models:
        used = _used_by(p, m.unique_id)
        if m.deprecation_date is not None and used:
            yield _finding(rule, m, f"deprecated {m.deprecation_date:%Y-%m-%d}, read by {_listed(used, p.names)}")


def _past_deprecation(p: _Project, rule: Rule) -> Iterator[Finding]:
    for m in p.models:
        if m.deprecation_date is not None and p.as_of is not None and m.deprecation_date <= p.as_of:
            yield _finding(rule, m, f"deprecated {m.deprecation_date:%Y-%m-%d}, run of {p.as_of:%Y-%m-%d}")


def _high_fan_out(p: _Project, rule: Rule) -> Iterator[Finding]:
    for m in p.models:
        models = sorted({c for c, kind in p.children.get(m.unique_id, ()) if kind == "model"})
        if len(models) >= (rule.threshold or 0):
            yield _finding(rule, m, f"{len(models)} models read it ({_listed(models, p.names)})")


def _rejoin(p: _Project, rule: Rule) -> Iterator[Finding]:
    for m in p.models:
        read = p.parents.get(m.unique_id, set())
        pairs = sorted((p.names.get(a, a), p.names.get(b, b)) for a in read for b in p.parents.get(a, ()) if b in read)
        if pairs:
            yield _finding(rule, m, "; ".join(f"{b} and its child {a}" for a, b in pairs[:3])
                           + (" ..." if len(pairs) > 3 else ""))


_EVALUATORS: dict[str, Callable[[_Project, Rule], Iterable[Finding]]] = {
    R.MISSING_TESTS: _missing_tests,
    R.MISSING_PRIMARY_KEY_TEST: _missing_pk,
    R.UNDOCUMENTED_MODEL: _undocumented_model,
    R.UNDOCUMENTED_COLUMNS: _undocumented_columns,
    R.SOURCE_WITHOUT_FRESHNESS: _source_without_freshness,
    R.EXPOSURE_WITHOUT_OWNER: _exposure_without_owner,
    R.PUBLIC_MODEL_WITHOUT_CONTRACT: _public_without_contract,
    R.SOURCE_OUTSIDE_STAGING: _source_outside_staging,
    R.UNUSED_MODEL: _unused,
    R.DEPRECATED_MODEL_REFERENCED: _deprecated_referenced,
    R.PAST_DEPRECATION_DATE: _past_deprecation,
    R.HIGH_FAN_OUT: _high_fan_out,
    R.REJOIN: _rejoin,
}


# --- owners -----------------------------------------------------------------------------


def health_by_owner(store: Store, schedule_name: str) -> ResultList[OwnerHealth]:
    ensure_health(store, schedule_name)
    grouped: dict[str | None, list[dict]] = defaultdict(list)
    for r in rows(store, "owner_health", schedule_name=schedule_name):
        grouped[r["owner"]].append(r)
    out = []
    for owner, nodes in grouped.items():
        counts = {h: 0 for h in HEALTH_DISPLAY_ORDER}
        for n in nodes:
            counts[n["health_status"]] = counts.get(n["health_status"], 0) + 1
        bad = sorted((n for n in nodes if n["health_status"] in HEALTH_PROBLEMS),
                     key=lambda n: (HEALTH_PROBLEMS.index(n["health_status"]), n["name"], n["unique_id"]))
        out.append(OwnerHealth(owner, len(nodes), counts, [n["name"] for n in bad], [n["unique_id"] for n in bad]))
    out.sort(key=lambda o: (-o.by_health.get(CRITICAL, 0), -len(o.unhealthy), o.owner is None, o.owner or ""))
    return ResultList(out, OwnerHealth)
