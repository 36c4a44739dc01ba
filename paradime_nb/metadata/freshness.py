"""Source freshness: each source of the latest manifest and its latest check."""

from __future__ import annotations

import json

from ..store import Store
from .queries import rows
from .results import ResultList, SourceFreshness


def source_freshness(store: Store, schedule_name: str) -> ResultList[SourceFreshness]:
    found = rows(store, "source_freshness", schedule_name=schedule_name)
    return ResultList([SourceFreshness(**{**r, "meta": _json(r["meta"]), "columns": _json(r["columns"]),
                                          "tags": list(r["tags"] or [])}) for r in found], SourceFreshness)


def _json(text: str | None) -> dict:
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {}
