"""The analyses' SQL, one ``.sql`` file per question under ``metadata/sql/``.

Queries take named parameters (``$schedule_name``, ...) bound by DuckDB; nothing a user
types is ever formatted into SQL text.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..vocabulary import render_sql

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Store


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    """The text of ``metadata/sql/<name>.sql``, vocabulary tokens rendered."""
    return render_sql((resources.files(__package__) / "sql" / f"{name}.sql").read_text(encoding="utf-8"))


def rows(store: Store, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run a named query; one dict per row."""
    cur = store.cursor()
    try:
        cur.execute(sql(name), params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]
    finally:
        cur.close()


def frame(store: Store, name: str, **params: Any) -> pd.DataFrame:
    return store.query(sql(name), params)
