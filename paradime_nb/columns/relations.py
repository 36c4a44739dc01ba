"""Relation names in compiled SQL -> manifest node ids.

dbt writes relations as ``database.schema.identifier`` (quoted or not, any case); a
hand-written name may have fewer parts. Names are matched without case on their last
parts; when several nodes share a relation (a seed and the source declared over it),
those the reading node depends on win.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .model import Relation

_EPHEMERAL = "ephemeral"


class RelationIndex:
    def __init__(self, relations: Iterable[Relation]) -> None:
        self._by_parts: dict[tuple[str, ...], list[str]] = {}
        self._ephemeral: dict[str, list[str]] = {}
        self._columns: dict[str, tuple[str, ...]] = {}
        for r in relations:
            self._columns[r.unique_id] = tuple(r.columns)  # as the catalog spells them: sqlglot normalises
            if r.materialized == _EPHEMERAL:
                for name in {r.name, r.identifier}:
                    if name:
                        self._ephemeral.setdefault(name.lower(), []).append(r.unique_id)
                continue
            identifier = r.identifier or r.name
            if not identifier:
                continue
            full = tuple(p.lower() for p in (r.database, r.schema, identifier) if p)
            for n in range(1, len(full) + 1):
                self._by_parts.setdefault(full[-n:], []).append(r.unique_id)

    def lookup(self, parts: Sequence[str], depends_on: Sequence[str]) -> list[str]:
        """Node ids a relation name designates (those in ``depends_on`` first)."""
        for n in range(len(parts), 0, -1):
            found = self._by_parts.get(tuple(parts[-n:]))
            if found:
                return _prefer(found, depends_on)
        return []

    def ephemeral(self, name: str, depends_on: Sequence[str]) -> list[str]:
        return _prefer(self._ephemeral.get(name.lower(), []), depends_on)

    def columns(self, ids: Iterable[str]) -> tuple[str, ...]:
        """The union of the known columns of ``ids``, in order (one per name, whatever case)."""
        out: dict[str, str] = {}
        for uid in ids:
            for column in self._columns.get(uid, ()):
                out.setdefault(column.lower(), column)
        return tuple(out.values())


def _prefer(found: list[str], depends_on: Sequence[str]) -> list[str]:
    parents = set(depends_on)
    chosen = [uid for uid in found if uid in parents]
    return sorted(set(chosen or (found if len(set(found)) == 1 else [])))
