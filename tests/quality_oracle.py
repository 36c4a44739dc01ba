"""An independent reading of project quality from the raw manifest/catalog JSON.

Plain dicts and loops over the files, sharing no code with paradime_nb: the documented
definitions (README "Project quality") restated, so a bug in the package cannot hide in
both the answer and the expectation.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from tests.raw import GRAPH_SECTIONS, command_dirs, find, load_json

KEY_TESTS = {"unique_combination_of_columns", "primary_key"}
STAGING_FOLDERS = {"staging"}
STAGING_PREFIXES = ("stg_", "base_")
_REF = re.compile(r"""ref\(\s*['"]([^'"]+)['"](?:\s*,\s*['"]([^'"]+)['"])?""")


def _blank(text) -> bool:
    return not (isinstance(text, str) and text.strip())


def _folder(path: str | None) -> str:
    parts = (path or "").replace("\\", "/").split("/")
    return "/".join(parts[:-1])


def latest_artifacts(schedule_dir: Path) -> tuple[dict, dict | None, datetime]:
    """(the latest run's manifest, the latest catalog, that run's start) of a saved-runs folder."""
    runs = []
    for run_dir in schedule_dir.iterdir():
        if (run_dir / "run.json").is_file():
            meta = json.loads((run_dir / "run.json").read_text())
            runs.append((meta["startDttm"], meta["id"], run_dir))
    runs.sort()
    manifest = catalog = started = None
    for start, _id, run_dir in runs:
        for cmd in command_dirs(run_dir):
            m, c = find(cmd, "manifest.json"), find(cmd, "catalog.json")
            if m is not None:
                manifest, started = load_json(m), start
            if c is not None:
                catalog = load_json(c)
    return manifest, catalog, datetime.fromisoformat(started.replace("Z", "+00:00")).replace(tzinfo=None)


class Project:
    def __init__(self, manifest: dict, catalog: dict | None = None) -> None:
        self.manifest = manifest
        self.version = int(re.search(r"/v(\d+)\.json", manifest["metadata"]["dbt_schema_version"]).group(1))
        self.nodes = {}
        for section in GRAPH_SECTIONS:
            for key, node in (manifest.get(section) or {}).items():
                self.nodes[node.get("unique_id", key)] = node
        self.groups = {g["name"]: (g.get("owner") or {}) for g in (manifest.get("groups") or {}).values()}
        self.catalog_columns = defaultdict(set)
        for section in ("nodes", "sources"):
            for key, entry in ((catalog or {}).get(section) or {}).items():
                for ckey, col in (entry.get("columns") or {}).items():
                    self.catalog_columns[entry.get("unique_id", key)].add((col.get("name") or ckey).lower())
        self.parents = {uid: list((n.get("depends_on") or {}).get("nodes") or []) for uid, n in self.nodes.items()}
        self.children = defaultdict(list)
        for uid, ps in self.parents.items():
            if self.nodes[uid]["resource_type"] not in ("test", "unit_test"):
                for p in ps:
                    self.children[p].append(uid)
        self._tests()

    def rtype(self, uid: str) -> str | None:
        node = self.nodes.get(uid)
        return node["resource_type"] if node else None

    def _tests(self) -> None:
        """node id -> [(test id, test macro name, column)] for data tests."""
        self.tests = defaultdict(list)
        for uid, n in self.nodes.items():
            if n["resource_type"] != "test":
                continue
            meta = n.get("test_metadata")
            kwargs = (meta or {}).get("kwargs") or {}
            column = n.get("column_name") or kwargs.get("column_name")
            targets = [n["attached_node"]] if n.get("attached_node") else None
            if targets is None and meta:
                match = _REF.search(kwargs.get("model") or "")
                name = match and (match.group(2) or match.group(1))
                named = [p for p in self.parents[uid] if (self.nodes.get(p) or {}).get("name") == name]
                targets = named[:1] or self.parents[uid][:1]
            if targets is None:
                targets = self.parents[uid]
            for t in targets:
                self.tests[t].append((uid, (meta or {}).get("name"), column.lower() if isinstance(column, str) else None))

    def owner(self, node: dict) -> str | None:
        meta = node.get("meta") or (node.get("config") or {}).get("meta") or {}
        if meta.get("owner") is not None:
            return str(meta["owner"])
        group = self.groups.get(node.get("group") or (node.get("config") or {}).get("group"))
        return (group.get("email") or group.get("name")) if group else None

    def models(self) -> dict[str, dict]:
        if getattr(self, "_models", None) is not None:
            return self._models
        out = self._models = {}
        for uid, n in self.nodes.items():
            if n["resource_type"] != "model":
                continue
            tests = self.tests.get(uid, [])
            by_column = defaultdict(set)
            for _t, name, col in tests:
                if col is not None:
                    by_column[col].add(name)
            pk = any(name in KEY_TESTS for _t, name, _c in tests) or any(
                {"unique", "not_null"} <= names for names in by_column.values())
            declared = {(c.get("name") or k).lower(): c for k, c in (n.get("columns") or {}).items()}
            known = set(declared) | self.catalog_columns.get(uid, set()) | set(by_column)
            documented = {c for c, col in declared.items() if not _blank(col.get("description"))}
            config = n.get("config") or {}
            contract = config.get("contract") if isinstance(config.get("contract"), dict) else n.get("contract")
            out[uid] = dict(
                name=n["name"], version=n.get("version"), folder=_folder(n.get("original_file_path")),
                path=n.get("original_file_path"), tags=n.get("tags") or [], owner=self.owner(n),
                package=n.get("package_name"), tests=len({t for t, _n, _c in tests}), pk=pk,
                documented=not _blank(n.get("description")), columns=len(known),
                columns_tested=len(known & set(by_column)), columns_documented=len(known & documented),
                ephemeral=config.get("materialized") == "ephemeral", access=n.get("access") or config.get("access"),
                contract=(contract or {}).get("enforced"), deprecation=n.get("deprecation_date"),
            )
        return out

    def sources(self) -> dict[str, dict]:
        out = {}
        for uid, n in self.nodes.items():
            if n["resource_type"] != "source":
                continue
            fresh = n.get("freshness") or (n.get("config") or {}).get("freshness") or {}
            has = any((fresh.get(k) or {}).get("count") is not None for k in ("warn_after", "error_after"))
            out[uid] = dict(folder=_folder(n.get("original_file_path")), tags=n.get("tags") or [],
                            owner=self.owner(n), package=n.get("package_name"), fresh=has)
        return out

    # --- coverage -------------------------------------------------------------------

    def coverage(self, by: str | None) -> dict:
        """group -> the CoverageRow fields (None: the whole project)."""
        models, sources = self.models(), self.sources()

        def keys(node: dict) -> list:
            if by is None:
                return [None]
            if by == "tag":
                return sorted(set(node["tags"])) or ["(none)"]
            value = node[{"folder": "folder", "owner": "owner", "package": "package"}[by]]
            return [value if value is not None else ("" if by == "folder" else "(none)")]

        rows = defaultdict(lambda: defaultdict(int))
        for m in models.values():
            for k in keys(m):
                r = rows[k]
                r["models"] += 1
                r["models_tested"] += m["tests"] > 0
                r["models_with_pk_test"] += m["pk"]
                r["models_documented"] += m["documented"]
                r["columns"] += m["columns"]
                r["columns_tested"] += m["columns_tested"]
                r["columns_documented"] += m["columns_documented"]
        for s in sources.values():
            for k in keys(s):
                rows[k]["sources"] += 1
                rows[k]["sources_with_freshness"] += s["fresh"]
        out = {}
        for k, r in rows.items():
            row = {f: r[f] for f in ("models", "models_tested", "models_with_pk_test", "models_documented", "columns",
                                     "columns_tested", "columns_documented", "sources", "sources_with_freshness")}
            for part, whole in (("models_tested", "models"), ("models_with_pk_test", "models"),
                                ("models_documented", "models"), ("columns_tested", "columns"),
                                ("columns_documented", "columns"), ("sources_with_freshness", "sources")):
                row[part + "_pct"] = 100.0 * row[part] / row[whole] if row[whole] else None
            out[k] = row
        return out

    # --- rules ----------------------------------------------------------------------

    def findings(self, as_of: datetime) -> set[tuple[str, str]]:
        models, out = self.models(), set()
        used = {uid: [c for c in self.children.get(uid, [])] for uid in self.nodes}
        for uid, m in models.items():
            if not m["ephemeral"] and not m["tests"]:
                out.add(("missing_tests", uid))
            if not m["ephemeral"] and not m["pk"]:
                out.add(("missing_primary_key_test", uid))
            if not m["documented"]:
                out.add(("undocumented_model", uid))
            if m["columns"] and m["columns_documented"] < m["columns"]:
                out.add(("undocumented_columns", uid))
            if self.version >= 9 and m["access"] == "public" and m["contract"] is False:
                out.add(("public_model_without_contract", uid))
            parts = (m["path"] or "").replace("\\", "/").split("/")[:-1]
            staging = bool(STAGING_FOLDERS & set(parts)) or m["name"].startswith(STAGING_PREFIXES)
            if not staging and any(self.rtype(p) == "source" for p in self.parents[uid]):
                out.add(("source_outside_staging", uid))
            if not used[uid]:
                out.add(("unused_model", uid))
            if self.version >= 10 and m["deprecation"]:
                date = datetime.fromisoformat(m["deprecation"].replace("Z", "+00:00")).replace(tzinfo=None)
                if used[uid]:
                    out.add(("deprecated_model_referenced", uid))
                if date <= as_of:
                    out.add(("past_deprecation_date", uid))
            if len({c for c in used[uid] if self.rtype(c) == "model"}) >= 3:
                out.add(("high_fan_out", uid))
            read = set(self.parents[uid])
            if any(set(self.parents.get(p, [])) & read for p in read):
                out.add(("rejoin", uid))
        for uid, s in self.sources().items():
            if not s["fresh"]:
                out.add(("source_without_freshness", uid))
        for uid, n in self.nodes.items():
            if n["resource_type"] == "exposure":
                owner = n.get("owner") or {}
                if not (owner.get("email") or owner.get("name")):
                    out.add(("exposure_without_owner", uid))
        return out


def catalog_changes(previous: dict, current: dict) -> set[tuple]:
    """(change, unique_id, column, old type, new type) between two catalog documents."""

    def relations(doc: dict) -> dict:
        out = {}
        for section in ("nodes", "sources"):
            for key, entry in (doc.get(section) or {}).items():
                out[entry.get("unique_id", key)] = {
                    (c.get("name") or k): c.get("type") for k, c in (entry.get("columns") or {}).items()}
        return out

    old, new = relations(previous), relations(current)
    changes = set()
    for uid in new.keys() - old.keys():
        changes.add(("relation added", uid, None, None, None))
    for uid in old.keys() - new.keys():
        changes.add(("relation removed", uid, None, None, None))
    for uid in new.keys() & old.keys():
        for col in new[uid].keys() - old[uid].keys():
            changes.add(("column added", uid, col, None, new[uid][col]))
        for col in old[uid].keys() - new[uid].keys():
            changes.add(("column removed", uid, col, old[uid][col], None))
        for col in new[uid].keys() & old[uid].keys():
            if new[uid][col] != old[uid][col]:
                changes.add(("type changed", uid, col, old[uid][col], new[uid][col]))
    return changes


def catalogs_by_run(schedule_dir: Path) -> list[tuple[int, dict]]:
    """(run id, catalog) of every run that wrote one, in start order."""
    out = []
    for run_dir in schedule_dir.iterdir():
        if not (run_dir / "run.json").is_file():
            continue
        meta = json.loads((run_dir / "run.json").read_text())
        found = None
        for cmd in command_dirs(run_dir):
            c = find(cmd, "catalog.json")
            found = c or found
        if found is not None:
            out.append((meta["startDttm"], meta["id"], load_json(found)))
    return [(run_id, doc) for _s, run_id, doc in sorted(out, key=lambda t: (t[0], t[1]))]
