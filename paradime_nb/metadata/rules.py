"""The recommendation rules, as data: ids, severities, thresholds, what each means and how
to fix it (documented one by one in the README). ``quality.recommendations`` evaluates them.

Also the layer inference the staging rule uses, configurable per call: a model is in the
staging layer when a folder of its path is one of ``folders`` or its name starts with one
of ``prefixes``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidArgumentError
from .quality_results import Rule

SEVERITY_HIGH = "high"
SEVERITY_MEDIUM = "medium"
SEVERITY_LOW = "low"
#: worst first
SEVERITY_ORDER = (SEVERITY_HIGH, SEVERITY_MEDIUM, SEVERITY_LOW)

# Manifest fields some rules read, and the first manifest schema version that has them
# (dbt 1.5 wrote v9: groups, access, contracts, model versions; dbt 1.6 wrote v10:
# deprecation dates). Checked against dbt's published JSON schemas in the tests.
FIELD_SINCE = {"access": 9, "contract": 9, "group": 9, "deprecation_date": 10}

#: a model has a primary-key test with one of these (a unique combination of columns) ...
KEY_TESTS = ("unique_combination_of_columns", "primary_key")
#: ... or with all of these on one column
KEY_COLUMN_TESTS = ("unique", "not_null")

MISSING_TESTS = "missing_tests"
MISSING_PRIMARY_KEY_TEST = "missing_primary_key_test"
UNDOCUMENTED_MODEL = "undocumented_model"
UNDOCUMENTED_COLUMNS = "undocumented_columns"
SOURCE_WITHOUT_FRESHNESS = "source_without_freshness"
EXPOSURE_WITHOUT_OWNER = "exposure_without_owner"
PUBLIC_MODEL_WITHOUT_CONTRACT = "public_model_without_contract"
SOURCE_OUTSIDE_STAGING = "source_outside_staging"
UNUSED_MODEL = "unused_model"
DEPRECATED_MODEL_REFERENCED = "deprecated_model_referenced"
PAST_DEPRECATION_DATE = "past_deprecation_date"
HIGH_FAN_OUT = "high_fan_out"
REJOIN = "rejoin"

RULES: tuple[Rule, ...] = (
    Rule(MISSING_TESTS, SEVERITY_HIGH, "model without data tests",
         "add tests in its YAML (at least unique and not_null on its key)"),
    Rule(MISSING_PRIMARY_KEY_TEST, SEVERITY_MEDIUM, "no primary-key test",
         "test unique and not_null on one column, or dbt_utils.unique_combination_of_columns"),
    Rule(UNDOCUMENTED_MODEL, SEVERITY_MEDIUM, "model without a description",
         "add a description in its YAML"),
    Rule(UNDOCUMENTED_COLUMNS, SEVERITY_LOW, "columns without a description",
         "describe its columns in its YAML", threshold=100.0),
    Rule(SOURCE_WITHOUT_FRESHNESS, SEVERITY_MEDIUM, "source without freshness",
         "set freshness (warn_after / error_after) and loaded_at_field on the source"),
    Rule(EXPOSURE_WITHOUT_OWNER, SEVERITY_MEDIUM, "exposure without an owner",
         "set owner (email, name) on the exposure"),
    Rule(PUBLIC_MODEL_WITHOUT_CONTRACT, SEVERITY_HIGH, "public model without an enforced contract",
         "set contract: {enforced: true} and declare its columns with data types", requires="contract"),
    Rule(SOURCE_OUTSIDE_STAGING, SEVERITY_MEDIUM, "reads a source directly outside the staging layer",
         "read the source in a staging model and ref() that instead"),
    Rule(UNUSED_MODEL, SEVERITY_LOW, "model with no children and no exposure",
         "declare the exposure that reads it, or remove it"),
    Rule(DEPRECATED_MODEL_REFERENCED, SEVERITY_MEDIUM, "deprecated model version still referenced",
         "move its children to the newer version before the deprecation date", requires="deprecation_date"),
    Rule(PAST_DEPRECATION_DATE, SEVERITY_HIGH, "model version past its deprecation date",
         "remove the version, or move its deprecation date", requires="deprecation_date"),
    Rule(HIGH_FAN_OUT, SEVERITY_MEDIUM, "many models read it directly",
         "move shared logic into intermediate models so marts read those", threshold=3),
    Rule(REJOIN, SEVERITY_LOW, "reads a node and that node's parent",
         "read the parent through the child only (or the child's logic moves downstream)"),
)


@dataclass(frozen=True)
class StagingLayer:
    """How the staging layer is recognised: a folder of the model's path, or a name prefix."""

    folders: tuple[str, ...] = ("staging",)
    prefixes: tuple[str, ...] = ("stg_", "base_")

    def __post_init__(self) -> None:
        for name in ("folders", "prefixes"):  # one string is one folder / prefix, not its letters
            value = getattr(self, name)
            items = (value,) if isinstance(value, str) else value
            try:
                items = tuple(items)
            except TypeError:
                items = None
            if items is None or not all(isinstance(i, str) for i in items):
                raise InvalidArgumentError(f"StagingLayer {name} must be a string or a tuple of strings, not {value!r}")
            object.__setattr__(self, name, items)

    def contains(self, name: str, path: str | None) -> bool:
        folders = (path or "").replace("\\", "/").split("/")[:-1]
        return any(f in self.folders for f in folders) or name.startswith(self.prefixes)
