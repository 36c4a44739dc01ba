"""The one-way house: which part of the package may import which (every import, at any
depth of every module, TYPE_CHECKING ones included), read from the AST. The table is the
README's architecture section; an arrow running back up fails here."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "paradime_nb"

# part -> the parts it may import (a part is a top-level module or folder of paradime_nb)
ALLOWED: dict[str, set[str]] = {
    "vocabulary": set(),
    "_version": set(),
    "errors": set(),
    "config": {"errors"},
    "bolt": {"errors", "config", "_version"},
    "artifacts": {"errors", "vocabulary"},
    "sources": {"errors", "config", "vocabulary", "bolt", "artifacts"},
    "columns": {"errors", "vocabulary"},
    "store": {"errors", "vocabulary", "artifacts", "sources", "columns"},
    "loading": {"errors", "vocabulary", "sources", "store"},
    "metadata": {"errors", "vocabulary", "store"},
    "client": {"errors", "config", "vocabulary", "sources", "store", "loading", "metadata"},
    "summary": {"vocabulary", "client", "metadata"},
    "notebook": {"errors", "config", "vocabulary", "client", "metadata", "loading", "summary", "__init__"},
    "testing": {"errors", "config", "vocabulary", "bolt", "sources", "artifacts", "store", "loading", "metadata",
                "client", "notebook", "__init__", "_version"},
    "cli": {"errors", "config", "vocabulary", "client", "metadata", "loading", "store", "sources", "notebook",
            "summary", "_version"},
    "__main__": {"summary", "cli"},
    "__init__": {"client", "notebook", "_version"},
}

# Compatibility paths of names that moved (importable from their old module; nothing in
# the package uses them): (file, the part it re-exports from).
COMPAT = {("metadata/loading.py", "loading"), ("metadata/__init__.py", "loading"), ("notebook/runner.py", "testing")}


def _part(module: str) -> str:
    """``paradime_nb.metadata.health`` -> ``metadata``; ``paradime_nb`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[str, int]]:
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if path.name == "__init__.py":
        module = module.removesuffix(".__init__")
        package = module
    else:
        package = module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "paradime_nb"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [f"{target}.{a.name}" for a in node.names] if not node.module or target == "paradime_nb" else [target]
                out += [(n, node.lineno) for n in names]
            elif node.module and node.module.split(".")[0] == "paradime_nb":
                out.append((node.module, node.lineno))
    return out


def test_every_import_follows_the_table():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        here = rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 or rel.name != "__init__.py" else "__init__"
        assert here in ALLOWED, f"{rel}: a part the table does not know"
        for target, line in _imports(path):
            there = _part(target)
            if there != here and there not in ALLOWED[here] and (str(rel), there) not in COMPAT:
                wrong.append(f"{rel}:{line} imports {target} ({here} -> {there})")
    assert wrong == []


def test_nothing_in_the_package_imports_a_compatibility_path():
    users = [f"{p.relative_to(PACKAGE)}:{line}" for p in sorted(PACKAGE.rglob("*.py"))
             for target, line in _imports(p)
             if target.startswith(("paradime_nb.metadata.loading", "paradime_nb.notebook.runner"))]
    assert users == []


def test_the_table_has_no_cycle():
    seen: dict[str, int] = {}

    def visit(part: str, stack: tuple[str, ...]) -> None:
        assert part not in stack or part == "__init__", f"cycle: {' -> '.join(stack + (part,))}"
        if seen.get(part):
            return
        for nxt in ALLOWED[part] - {"__init__"}:
            visit(nxt, stack + (part,))
        seen[part] = 1

    for part in ALLOWED:
        if part not in ("testing", "__init__"):
            visit(part, ())
