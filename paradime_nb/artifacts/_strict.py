"""``strict=True``: one artifact checked against dbt's published schema for its version.

The models are dbt-artifacts-parser's (generated from dbt's JSON Schemas), validated with
these changes, so that what is reported is what is really wrong:

- **fields the schema does not know are ignored** (dbt adds fields in minor releases, dbt
  Fusion writes more, e.g. ``depends_on.nodes_with_ref_location``): every model's
  ``extra="forbid"`` becomes ``"ignore"``;
- **a union of object types picks its branch first** (a node's ``resource_type``, then the
  branch that declares most of the object's keys), so a test node is checked as a test and
  a broken field is reported as that field, not as the first branch's ("analysis node:
  ``compiled`` required");
- **a union of enums is one list of allowed values** (a result's status: success, error,
  ..., pass, fail, warn), so the error lists them all;
- **statuses are read as dbt-core spells them** (dbt Fusion's ``Error``, ``Success``, ...
  as ``normalize_status`` reads them everywhere else).

Everything else is checked as dbt's schema says: required fields present, types, enums
(``resource_type``, statuses, materializations, ...) and nested objects.
"""

from __future__ import annotations

import copy
import functools
import importlib
from typing import Any

from ..errors import ArtifactValidationError, ConfigurationError
from .values import normalize_status

_CLASS_NAMES = {"manifest": "Manifest", "run_results": "RunResults", "sources": "Sources", "catalog": "Catalog"}
#: manifest sections keyed by unique_id: an error inside one names the entry
_KEYED = ("nodes", "sources", "macros", "docs", "exposures", "metrics", "groups", "semantic_models",
          "saved_queries", "unit_tests", "functions", "disabled")
_BRANCH = "branch:"  # label prefix of the unions rewritten here (dropped from error locations)
_MISMATCH = 1000  # a literal field (resource_type, status) that rules a branch out


def validate(doc: dict[str, Any], kind: str, version: int, path: str) -> None:
    """Raise ``ArtifactValidationError`` (one line: the entry, the field, what is wrong)."""
    from pydantic_core import ValidationError  # noqa: PLC0415

    validator = _validator(kind, version)
    try:
        validator.validate_python(_normalised(doc, kind))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise ArtifactValidationError(path, _describe(doc, kind, version, errors)) from None


def _normalised(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    """dbt Fusion's capitalised statuses in dbt-core's spelling (a shallow copy)."""
    if kind not in ("run_results", "sources") or not isinstance(doc.get("results"), list):
        return doc
    rows = [
        {**row, "status": normalize_status(row["status"])} if isinstance(row, dict) and isinstance(row.get("status"), str)
        else row
        for row in doc["results"]
    ]
    return {**doc, "results": rows}


@functools.lru_cache(maxsize=None)
def _validator(kind: str, version: int) -> Any:
    from pydantic_core import SchemaValidator  # noqa: PLC0415

    try:
        module = importlib.import_module(f"dbt_artifacts_parser.parsers.{kind}.{kind}_v{version}")
        schema = copy.deepcopy(getattr(module, f"{_CLASS_NAMES[kind]}V{version}").__pydantic_core_schema__)
    except (ImportError, AttributeError):
        raise ConfigurationError(
            f"strict=True needs dbt-artifacts-parser 0.12 or later (pydantic v2 models of {kind} v{version})") from None
    refs: dict[str, dict] = {}
    _collect_refs(schema, refs)
    return SchemaValidator(_rewrite(schema, refs))


def _collect_refs(node: Any, refs: dict[str, dict]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("ref"), str) and "type" in node:
            refs[node["ref"]] = node
        for value in node.values():
            _collect_refs(value, refs)
    elif isinstance(node, list):
        for value in node:
            _collect_refs(value, refs)


def _rewrite(node: Any, refs: dict[str, dict]) -> Any:
    """Extras ignored everywhere; unions of models turned into branch-picking unions."""
    if isinstance(node, list):
        return [_rewrite(v, refs) for v in node]
    if not isinstance(node, dict):
        return node
    schema = isinstance(node.get("type"), str)  # a core schema (not a dict of fields named like keys)
    out = {k: (v if schema and k in ("cls", "metadata") else _rewrite(v, refs)) for k, v in node.items()}
    for key in ("extra_behavior", "extra_fields_behavior"):
        if out.get(key) == "forbid":
            out[key] = "ignore"
    if out.get("type") == "model":  # its fields, not the class (whose prebuilt validator forbids extras)
        inner = dict(out["schema"])
        if inner.get("type") == "model-fields":
            inner["extra_behavior"] = "ignore"
        if "ref" in out:
            inner["ref"] = out["ref"]
        return inner
    if out.get("type") == "union":
        picked = _branch_picking(out, refs)
        if picked is not None:
            return picked
    return out


def _branch_picking(union: dict, refs: dict[str, dict]) -> dict | None:
    choices = [c[0] if isinstance(c, tuple) else c for c in union["choices"]]
    values = [_literal_values(c, refs) for c in choices]
    if all(v is not None for v in values):  # a union of enums (statuses): one list of what is allowed
        return {"type": "literal", "expected": list(dict.fromkeys(x for v in values for x in v))}
    branches = []
    for choice in choices:
        fields = _model_fields(choice, refs)
        if fields is None:
            return None  # a union of other things (a string or a list, ...): left as it is
        branches.append(fields)
    labels = [f"{_BRANCH}{i}:{_model_name(c, refs)}" for i, c in enumerate(choices)]
    kinds = list(dict.fromkeys(x for _keys, _required, literals in branches for x in literals.get("resource_type", ())))

    def pick(value: Any) -> str | None:
        if not isinstance(value, dict):
            return labels[0]  # the first branch then says "should be an object"
        if kinds and "resource_type" in value and value["resource_type"] not in kinds:
            return None  # no branch has that type: said as such, not as the nearest branch's literal
        scores = [_score(value, *branch) for branch in branches]
        return labels[scores.index(max(scores))]

    schema = {"type": "tagged-union", "choices": dict(zip(labels, choices)), "discriminator": pick}
    if kinds:
        schema["custom_error_type"] = "resource_type"
        schema["custom_error_message"] = f"resource_type should be one of {', '.join(map(str, kinds))}"
    for key in ("ref", "metadata", "serialization"):
        if key in union:
            schema[key] = union[key]
    return schema


def _score(value: dict, keys: frozenset[str], required: frozenset[str], literals: dict[str, frozenset]) -> int:
    """Keys of the object the branch declares, less the required ones it lacks; a literal
    field of another value (a seed's ``resource_type`` for a model) rules the branch out."""
    score = len(keys.intersection(value)) - len(required.difference(value))
    for name, allowed in literals.items():
        if name in value and value[name] not in allowed:
            score -= _MISMATCH
    return score


def _resolve(schema: dict, refs: dict[str, dict]) -> dict:
    seen = 0
    while isinstance(schema, dict) and seen < 20:
        seen += 1
        kind = schema.get("type")
        if kind == "definition-ref":
            schema = refs.get(schema["schema_ref"], {})
        elif kind in ("default", "nullable", "function-after", "function-before", "function-wrap", "model-field",
                      "definitions"):
            schema = schema.get("schema", {})
        else:
            break
    return schema


def _model_fields(choice: Any, refs: dict[str, dict]) -> tuple[frozenset[str], frozenset[str], dict[str, frozenset]] | None:
    model = _resolve(choice, refs)
    if isinstance(model, dict) and model.get("type") == "model":
        model = _resolve(model.get("schema", {}), refs)
    if not isinstance(model, dict) or model.get("type") != "model-fields":
        return None
    fields = model.get("fields")
    if not isinstance(fields, dict):
        return None
    keys, required, literals = set(), set(), {}
    for name, field in fields.items():
        alias = field.get("validation_alias")
        key = alias if isinstance(alias, str) else name
        keys.add(key)
        if field.get("schema", {}).get("type") != "default":
            required.add(key)
        inner = _resolve(field.get("schema", {}), refs)
        if inner.get("type") == "literal":
            literals[key] = frozenset(inner.get("expected", ()))
        elif inner.get("type") == "enum":
            literals[key] = frozenset(getattr(m, "value", m) for m in inner.get("members", ()))
    return frozenset(keys), frozenset(required), literals


def _literal_values(choice: Any, refs: dict[str, dict]) -> list | None:
    inner = _resolve(choice, refs) if isinstance(choice, dict) else None
    if not isinstance(inner, dict):
        return None
    if inner.get("type") == "literal":
        return list(inner.get("expected", ()))
    if inner.get("type") == "enum":
        return [getattr(m, "value", m) for m in inner.get("members", ())]
    return None


def _model_name(choice: Any, refs: dict[str, dict]) -> str:
    model = _resolve(choice, refs)
    return str(model.get("model_name", "object")) if isinstance(model, dict) else "object"


def _describe(doc: dict[str, Any], kind: str, version: int, errors: list[dict]) -> str:
    """The first error as "<entry>: <field>: <what>", plus how many more there are."""
    first = errors[0]
    loc = [part for part in first.get("loc", ()) if not (isinstance(part, str) and part.startswith(_BRANCH))]
    where = _entry(doc, kind, loc)
    field = _field_path(loc[where[1]:])
    message = " ".join(str(first.get("msg", "invalid")).split())
    more = f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    spelled = kind.replace("_", "-")
    place = ": ".join(part for part in (where[0], field) if part) or "the document"
    return f"does not match dbt's {spelled} v{version} schema: {place}: {message}{more}"


def _entry(doc: dict[str, Any], kind: str, loc: list) -> tuple[str, int]:
    """(what the location is inside: a node, a result row; how many loc parts that took)."""
    if kind in ("manifest", "catalog") and len(loc) >= 2 and loc[0] in (*_KEYED, "nodes", "sources"):
        section, key = loc[0], loc[1]
        entry = doc.get(section, {}).get(key) if isinstance(doc.get(section), dict) else None
        taken = 2
        if section == "disabled" and len(loc) >= 3 and isinstance(loc[2], int):
            entries = entry if isinstance(entry, list) else []
            entry = entries[loc[2]] if loc[2] < len(entries) else None
            taken = 3
        rtype = entry.get("resource_type") if isinstance(entry, dict) else None
        label = {"nodes": "node", "sources": "source", "disabled": "disabled node"}.get(section, section.rstrip("s"))
        return f"{label} {key!r}" + (f" ({rtype})" if rtype else ""), taken
    if kind in ("run_results", "sources") and len(loc) >= 2 and loc[0] == "results" and isinstance(loc[1], int):
        rows = doc.get("results") if isinstance(doc.get("results"), list) else []
        row = rows[loc[1]] if loc[1] < len(rows) else None
        uid = row.get("unique_id") if isinstance(row, dict) else None
        return (f"result {loc[1]}" + (f" ({uid})" if uid else "")), 2
    return "", 0


def _field_path(parts: list) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
