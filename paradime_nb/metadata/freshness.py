"""Source freshness: each source of the latest manifest and its latest check."""

from __future__ import annotations

from ..store import Store
from .queries import rows
from .results import ResultList, SourceFreshness


def source_freshness(store: Store, schedule_name: str) -> ResultList[SourceFreshness]:
    found = rows(store, "source_freshness", schedule_name=schedule_name)
    return ResultList([SourceFreshness(**r) for r in found], SourceFreshness)
