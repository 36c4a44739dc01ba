"""The node_health snapshot the health analyses read (``sql/health_cache*.sql``).

Computing health walks the whole graph; the answer changes only when the store does, so
it is kept per schedule with the store's ``generation`` and rebuilt when that moved. The
snapshot is read in one transaction, so it always holds a state that was committed at or
after the generation it is labelled with: a stale label only costs a rebuild.
"""

from __future__ import annotations

from ..store import Store
from .queries import sql


def ensure_health(store: Store, schedule_name: str) -> None:
    generation = store.generation
    with store.cache_lock:
        cur = store.cursor()
        try:
            cur.execute(sql("health_cache"))
            state = cur.execute("SELECT generation FROM paradime_cache.node_health_state WHERE schedule_name = ?",
                                [schedule_name]).fetchone()
        finally:
            cur.close()
        if state is not None and state[0] == generation:
            return
        with store.transaction() as tx:
            for statement in _statements("health_cache_refresh"):
                tx.execute(statement, _params(statement, schedule_name, generation))


def clear_caches(store: Store, schedule_name: str | None = None) -> None:
    """Drop the health snapshots and lineage graphs (of one schedule, or all)."""
    with store.cache_lock, store.transaction() as cur:
        cur.execute(sql("health_cache"))
        cur.execute(sql("lineage_cache"))
        for statement in _statements("cache_clear"):
            cur.execute(statement, {"schedule_name": schedule_name})


def _statements(name: str) -> list[str]:
    text = "\n".join(line for line in sql(name).splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


def _params(statement: str, schedule_name: str, generation: int) -> dict:
    params = {"schedule_name": schedule_name}
    if "$generation" in statement:
        params["generation"] = generation
    return params
