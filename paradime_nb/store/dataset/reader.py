"""A dataset opened read-only: an in-memory DuckDB whose store tables are views over
``read_parquet`` of the committed files, so every view, analysis, magic and widget runs
unchanged. Files no commit lists (a sync in progress, or a crashed one) are never read."""

from __future__ import annotations

from typing import Any

import duckdb

from ...errors import DatasetError
from ..store import Store
from .layout import Layout
from .writer import latest_snapshots

_HIVE_KEYS = ("schedule_name", "run_month", "run_date")


def open_dataset(url: str, *, filesystem: Any = None) -> Store:
    """The dataset at ``url`` as a read-only ``Store`` (the commits published by now)."""
    layout = Layout(url, filesystem)
    layout.check_info()
    files = committed_files(layout)
    return Store(":memory:", attach=lambda con: _attach(con, files, url), description=f"dataset {url}")


def committed_files(layout: Layout) -> dict[str, list[str]]:
    """table -> the URIs of its committed files (for the latest-result snapshots, only each
    schedule's last one)."""
    commits = layout.commits()
    files: dict[str, list[str]] = {}
    for commit in commits:
        for table, names in commit.files.items():
            files.setdefault(table, []).extend(layout.uri(n) for n in names)
    for tables in latest_snapshots(commits).values():
        for table, name in tables.items():
            files.setdefault(table, []).append(layout.uri(name))
    return files


def _attach(con: duckdb.DuckDBPyConnection, files: dict[str, list[str]], url: str) -> None:
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name, ordinal_position"
    ).fetchall():
        columns.setdefault(table, []).append((column, dtype))
    for table, names in files.items():
        if table not in columns:
            raise DatasetError(f"{url}: the commit log lists a table this paradime_nb does not know: {table}")
        scan = _scan(names)
        try:
            present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()}  # noqa: S608
        except duckdb.Error as exc:
            raise DatasetError(f"{url}: cannot read the {table} files: {exc}") from None
        exprs = [
            f'CAST("{c}" AS {t}) AS "{c}"' if c in present else f'CAST(NULL AS {t}) AS "{c}"'
            for c, t in columns[table]
        ]
        body = f"SELECT {', '.join(exprs)} FROM {scan}"  # noqa: S608
        if table == "schedules":  # one row per commit that touched it: the latest wins
            body += " QUALIFY row_number() OVER (PARTITION BY schedule_name ORDER BY commit_seq DESC) = 1"
        con.execute(f'DROP TABLE "{table}"')
        con.execute(f'CREATE VIEW "{table}" AS {body}')


def _scan(names: list[str]) -> str:
    listed = ", ".join("'" + n.replace("'", "''") + "'" for n in names)
    keys = {k for n in names for k in _HIVE_KEYS if f"/{k}=" in n}
    types = ", ".join(f"'{k}': 'VARCHAR'" for k in sorted(keys))
    return f"read_parquet([{listed}], hive_partitioning = true, union_by_name = true, hive_types = {{{types}}})"
