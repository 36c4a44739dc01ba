"""Typed results of the project-quality and warehouse analyses (coverage, recommendations,
owners, relation stats, schema changes). Lists are ``ResultList``s (``.to_frame()``, an
HTML table); composite answers hold them and add a ``.to_frame()`` of their main list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from .results import ResultList

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class ModelQuality:
    """One model of the latest manifest with the facts coverage and the rules count."""

    unique_id: str
    name: str
    version: str | None
    package_name: str | None
    materialized: str | None
    access: str | None
    contract_enforced: bool | None
    deprecation_date: datetime | None
    original_file_path: str | None
    folder: str
    tags: list[str]
    owner: str | None
    group_name: str | None
    tests: int
    has_primary_key_test: bool
    documented: bool
    columns: int
    columns_tested: int
    columns_documented: int
    undocumented_columns: list[str]


@dataclass
class SourceQuality:
    unique_id: str
    source_name: str | None
    name: str
    package_name: str | None
    original_file_path: str | None
    folder: str
    tags: list[str]
    owner: str | None
    has_freshness: bool
    documented: bool


@dataclass
class CoverageRow:
    """Coverage of one group (or of the whole project: ``group`` None). Percents are of
    0-100, None where there is nothing to count."""

    group: str | None
    models: int
    models_tested: int
    models_tested_pct: float | None
    models_with_pk_test: int
    models_with_pk_test_pct: float | None
    models_documented: int
    models_documented_pct: float | None
    columns: int
    columns_tested: int
    columns_tested_pct: float | None
    columns_documented: int
    columns_documented_pct: float | None
    sources: int
    sources_with_freshness: int
    sources_with_freshness_pct: float | None


@dataclass
class Coverage:
    """``overall`` for the project, ``groups`` by ``by`` (None: no grouping); ``models`` and
    ``sources`` carry the per-node facts behind the counts."""

    schedule_name: str
    by: str | None
    overall: CoverageRow
    groups: ResultList[CoverageRow]
    models: ResultList[ModelQuality]
    sources: ResultList[SourceQuality]

    def to_frame(self) -> pd.DataFrame:
        return (self.groups if self.by else ResultList([self.overall], CoverageRow)).to_frame()

    def _repr_html_(self) -> str:
        return (self.groups if self.by else ResultList([self.overall], CoverageRow))._repr_html_()


@dataclass(frozen=True)
class Rule:
    """One recommendation rule: its id, how bad a finding is, what it means and how to fix
    it; ``threshold`` where the rule has one; ``requires`` names the manifest field it reads
    (a manifest of an older schema lacks it, and the rule is then not applicable)."""

    rule_id: str
    severity: str
    title: str
    fix: str
    threshold: float | None = None
    requires: str | None = None


@dataclass
class Finding:
    rule_id: str
    severity: str
    unique_id: str
    name: str
    resource_type: str
    reason: str
    fix: str
    owner: str | None = None


@dataclass
class RuleOutcome:
    """How a rule fared: findings, or why it did not apply."""

    rule_id: str
    severity: str
    title: str
    applicable: bool
    findings: int
    threshold: float | None
    note: str | None = None


@dataclass
class Recommendations:
    """Findings (worst severity first) and each rule's outcome, for the manifest of ``run_id``
    (schema ``manifest_schema_version``)."""

    schedule_name: str
    run_id: int | None
    manifest_schema_version: int | None
    findings: ResultList[Finding]
    rules: ResultList[RuleOutcome]

    @property
    def not_applicable(self) -> list[str]:
        return [r.rule_id for r in self.rules if not r.applicable]

    def to_frame(self) -> pd.DataFrame:
        return self.findings.to_frame()

    def _repr_html_(self) -> str:
        return (self.findings)._repr_html_()


@dataclass
class OwnerHealth:
    """Health counts per owner; ``unhealthy`` names the critical and warning nodes, worst
    first, so an alert can say whom to tell."""

    owner: str | None
    nodes: int
    by_health: dict[str, int]
    unhealthy: list[str]
    unhealthy_ids: list[str] = field(default_factory=list)


@dataclass
class RelationStat:
    """One relation over the catalogs of the window: row count and bytes (None where the
    adapter reports none), first and last, and the change."""

    unique_id: str
    name: str | None
    resource_type: str | None
    relation: str | None
    catalogs: int
    first_run_id: int
    last_run_id: int
    row_count: int | None
    row_count_first: int | None
    row_count_change: int | None
    row_count_change_pct: float | None
    bytes: int | None
    bytes_first: int | None
    bytes_change: int | None
    row_counts: list[int | None]
    run_ids: list[int]


@dataclass
class RelationStats:
    """``catalog_runs``: the runs of the window that wrote a catalog; ``note`` says when none
    did, or when the adapter reports no sizes."""

    schedule_name: str
    days: float
    since: datetime | None
    until: datetime | None
    catalog_runs: list[int]
    relations: ResultList[RelationStat]
    note: str | None = None

    def to_frame(self) -> pd.DataFrame:
        return self.relations.to_frame()

    def _repr_html_(self) -> str:
        return (self.relations)._repr_html_()


@dataclass
class SchemaChange:
    """One change between two consecutive catalogs: ``change`` is one of ``CHANGE_KINDS``."""

    run_id: int
    previous_run_id: int
    run_started_at: datetime | None
    change: str
    unique_id: str
    relation: str | None
    column_name: str | None
    old_type: str | None
    new_type: str | None


@dataclass
class SchemaChanges:
    schedule_name: str
    days: float
    catalog_runs: list[int]
    changes: ResultList[SchemaChange]
    note: str | None = None

    def to_frame(self) -> pd.DataFrame:
        return self.changes.to_frame()

    def _repr_html_(self) -> str:
        return (self.changes)._repr_html_()
