"""A store's runs -> the shared dataset, appending only runs it does not hold yet.

Each batch of runs (one schedule, at most ``batch_runs``) is one commit: its Parquet files
are written under fresh names, then the commit record listing them is published. Before
writing, files no commit lists (a crashed sync's) are deleted, so a re-run after a crash
completes the work and leaves nothing behind.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..store import UNFINISHED_STATES, Store
from ..versions import GROUPS
from .layout import COMMITS, DATASET_SCHEMA_VERSION, Layout
from .lock import writer_lock

#: Result tables, partitioned by schedule and the run's month (or day).
RESULT_TABLES = ("node_results", "freshness_results")
#: Per-run tables partitioned by schedule only (a few rows per run).
SCHEDULE_TABLES = ("runs", "commands", "artifacts")
#: Content versions, written once per dataset under the schedule that first stored them.
VERSION_TABLES = ("content_versions", *(physical for g in GROUPS for _, physical in g.tables))
#: Per schedule, each node's latest result after the commit: a reader takes the snapshot of
#: the schedule's last commit, so "latest" never ranks the history.
SNAPSHOT_TABLES = ("node_results_latest", "freshness_results_latest")
#: Column lineage derived once per lineage key (column_lineage_runs is per run).
LINEAGE_TABLES = ("column_lineage_manifests", "column_lineage_edges", "column_lineage_status")
PARTITION_KEYS = {"month": ("run_month", "%Y-%m"), "day": ("run_date", "%Y-%m-%d")}


@dataclass
class ExportReport:
    """What one ``export_dataset`` call did."""

    url: str
    runs_written: list[tuple[str, int]] = field(default_factory=list)
    already_there: int = 0
    skipped_unfinished: list[tuple[str, int]] = field(default_factory=list)
    commits: int = 0
    files: int = 0
    bytes: int = 0
    cleaned: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __str__(self) -> str:
        text = (f"{self.url}: {len(self.runs_written)} run(s) written in {self.commits} commit(s), "
                f"{self.already_there} already there")
        if self.cleaned:
            text += f", {len(self.cleaned)} file(s) of an unfinished sync removed"
        return text + f" in {self.seconds:.2f}s"


def export_dataset(store: Store, url: str, *, batch_runs: int = 50, partition: str = "month",
                   lock_timeout: float = 60.0, filesystem: Any = None,
                   on_file: Callable[[str], None] | None = None) -> ExportReport:
    """Append the store's runs that ``url`` does not hold yet (see the module docstring).

    ``partition`` ("month" or "day") is fixed when the dataset is created. A second sync of
    the same dataset waits up to ``lock_timeout`` seconds, then raises ``DatasetLockedError``.
    ``on_file`` is called with each data file's path once written (progress).
    """
    started = time.perf_counter()
    if batch_runs < 1:
        raise ValueError("batch_runs must be at least 1")
    if partition not in PARTITION_KEYS:
        raise ValueError(f"partition must be one of {sorted(PARTITION_KEYS)}, not {partition!r}")
    layout = Layout(url, filesystem)
    layout.fs.create_dir(layout.root, recursive=True)
    report = ExportReport(url)
    with writer_lock(layout, lock_timeout):
        layout.create(partition=partition)
        key, fmt = PARTITION_KEYS[layout.check_info().get("partition", "month")]
        commits = layout.commits()
        report.cleaned = _clean(layout, commits)
        have_runs = {r for c in commits for r in c.runs}
        have_versions = {v for c in commits for v in c.versions}
        have_versions |= {k for c in commits for k in c.raw.get("lineage_keys", [])}
        snapshots = latest_snapshots(commits)
        seq = commits[-1].seq if commits else 0
        todo: dict[str, list[int]] = {}
        for schedule, run_id, state in store.fetchall(_STORED_RUNS):
            if (schedule, run_id) in have_runs:
                report.already_there += 1
            elif (state or "").upper() in UNFINISHED_STATES:
                report.skipped_unfinished.append((schedule, run_id))
            else:
                todo.setdefault(schedule, []).append(run_id)
        for schedule, run_ids in todo.items():
            for i in range(0, len(run_ids), batch_runs):
                chunk = run_ids[i:i + batch_runs]
                seq += 1
                snapshots[schedule] = _write_commit(store, layout, seq, schedule, chunk, have_versions, (key, fmt),
                                                    report, on_file, snapshots.get(schedule, {}))
                report.runs_written.extend((schedule, r) for r in chunk)
    report.seconds = time.perf_counter() - started
    return report


_STORED_RUNS = "SELECT schedule_name, run_id, state FROM runs ORDER BY schedule_name, started_at NULLS FIRST, run_id"


def _clean(layout: Layout, commits: list) -> list[str]:
    """Delete data files no commit lists and half-written commit records."""
    listed = committed(commits)
    removed = []
    for rel in layout.all_files():
        name = rel.rsplit("/", 1)[-1]
        stray_data = rel.endswith(".parquet") and rel not in listed
        stray_commit = rel.startswith(COMMITS + "/") and name.startswith(".tmp-")
        if stray_data or stray_commit:
            layout.fs.delete_file(layout.path(rel))
            removed.append(rel)
    return removed


def _write_commit(store: Store, layout: Layout, seq: int, schedule: str, run_ids: list[int],
                  have_versions: set[str], partition: tuple[str, str], report: ExportReport,
                  on_file: Callable[[str], None] | None, previous: dict[str, str]) -> dict[str, str]:
    import pyarrow.compute as pc  # noqa: PLC0415

    tag = f"{seq:010d}-{uuid.uuid4().hex[:8]}"
    files: dict[str, list[str]] = {}
    sched_dir = f"schedule_name={_hive(schedule)}"

    def put(table: str, data, *parts: str) -> None:
        if data.num_rows == 0:
            return
        rel = "/".join((table, sched_dir, *parts, f"part-{tag}.parquet"))
        report.bytes += _write_parquet(layout, rel, data)
        files.setdefault(table, []).append(rel)
        report.files += 1
        if on_file is not None:
            on_file(rel)

    cur = store.cursor()
    try:
        key, fmt = partition
        for table in SCHEDULE_TABLES + RESULT_TABLES:
            data = _arrow(cur, _rows_of_runs(table, fmt), [schedule, run_ids])
            if table in SCHEDULE_TABLES:
                put(table, data.drop_columns(["schedule_name", "_part"]))
                continue
            for value in pc.unique(data["_part"]).to_pylist():
                part = data.filter(pc.equal(data["_part"], value) if value is not None else pc.is_null(data["_part"]))
                put(table, part.drop_columns(["schedule_name", "_part"]),
                    f"{key}={value if value is not None else '__HIVE_DEFAULT_PARTITION__'}")
        put("schedules", _arrow(cur, _SCHEDULE_ROW, [seq, schedule]).drop_columns(["schedule_name"]))
        ids = [v for (v,) in cur.execute(_VERSION_IDS, [schedule, run_ids]).fetchall() if v not in have_versions]
        for group in GROUPS:
            for _, physical in group.tables:
                put(physical, _arrow(cur, f"SELECT * FROM {physical} WHERE list_contains(?, {group.run_column})",  # noqa: S608
                                          [ids]))
        put("content_versions", _arrow(cur, "SELECT * FROM content_versions WHERE list_contains(?, version_id)",
                                            [ids]))
        put("column_lineage_runs", _arrow(cur, 
            "SELECT * EXCLUDE (schedule_name) FROM column_lineage_runs WHERE schedule_name = ? AND list_contains(?, run_id)",
            [schedule, run_ids]))
        keys = [k for (k,) in cur.execute(_LINEAGE_KEYS, [schedule, run_ids]).fetchall() if k not in have_versions]
        for table in LINEAGE_TABLES:
            put(table, _arrow(cur, f"SELECT * FROM {table} WHERE list_contains(?, lineage_key)",  # noqa: S608
                                   [keys]))
        snapshot_files: dict[str, str] = {}
        for table in SNAPSHOT_TABLES:
            before = files.get(table, [])
            put(table, _snapshot(cur, layout, table, schedule, run_ids, previous))
            if files.get(table, []) != before:
                snapshot_files[table] = files[table][-1]
            elif table in previous:
                snapshot_files[table] = previous[table]  # nothing to keep: the last one stands
    finally:
        cur.close()
    layout.write_json_atomically(layout.commit_path(seq), {
        "seq": seq,
        "schema_version": DATASET_SCHEMA_VERSION,
        "created_at": datetime.now(timezone.utc).isoformat(),
        "runs": [[schedule, r] for r in run_ids],
        "versions": ids,
        "lineage_keys": keys,
        "files": {t: f for t, f in files.items() if t not in SNAPSHOT_TABLES},
        "snapshots": {schedule: snapshot_files},
    })
    have_versions.update(ids)
    have_versions.update(keys)
    report.commits += 1
    return snapshot_files


def _arrow(cur, query: str, parameters: list):
    """A query's rows as an Arrow table (through a relation: no extra copy)."""
    return cur.sql(query, params=parameters).to_arrow_table()


def _rows_of_runs(table: str, fmt: str) -> str:
    if table == "runs":
        return f"SELECT *, strftime(started_at, '{fmt}') AS _part FROM runs WHERE schedule_name = ? AND list_contains(?, run_id)"  # noqa: S608
    return (f"SELECT t.*, strftime(r.started_at, '{fmt}') AS _part FROM {table} t "  # noqa: S608
            "JOIN runs r ON r.schedule_name = t.schedule_name AND r.run_id = t.run_id "
            "WHERE t.schedule_name = ? AND list_contains(?, t.run_id)")


def committed(commits: list) -> set[str]:
    """Every data file a commit lists (older snapshots too: a reader that opened before a
    newer one was published may still read them)."""
    listed = {f for c in commits for files in c.files.values() for f in files}
    listed |= {f for c in commits for tables in c.raw.get("snapshots", {}).values() for f in tables.values()}
    return listed


def latest_snapshots(commits: list) -> dict[str, dict[str, str]]:
    """schedule -> {snapshot table: its file} as of the last commit of each schedule."""
    out: dict[str, dict[str, str]] = {}
    for commit in commits:
        out.update(commit.raw.get("snapshots", {}))
    return out


def _snapshot(cur, layout: Layout, table: str, schedule: str, run_ids: list[int], previous: dict[str, str]):
    """The schedule's latest rows after this commit: the previous commit's snapshot and
    this commit's runs' rows, the newer of each node's kept (the store's own ordering)."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    from .. import sql  # noqa: PLC0415

    results = table.removesuffix("_latest")
    order = sql.RESULT_ORDER if results == "node_results" else sql.FRESHNESS_ORDER
    rows = sql.RESULTS_WITH_RUN if results == "node_results" else sql.FRESHNESS_WITH_RUN
    alias = "r" if results == "node_results" else "f"
    prior = "SELECT * FROM {table} WHERE FALSE".format(table=table)
    if table in previous:
        with layout.fs.open_input_file(layout.path(previous[table])) as fh:
            _paradime_prior = pq.read_table(fh)  # noqa: F841  (read by name)
        cur.register("_paradime_prior", _paradime_prior)
        prior = "SELECT * FROM _paradime_prior"
    try:
        data = _arrow(cur, f"""
            SELECT * EXCLUDE (schedule_name) FROM (
                {prior}
                UNION ALL BY NAME
                {rows} WHERE {alias}.schedule_name = $1 AND list_contains($2, {alias}.run_id)
            ) QUALIFY row_number() OVER (PARTITION BY unique_id ORDER BY {order}) = 1""",  # noqa: S608
                           [schedule, run_ids])
    finally:
        if prior.endswith("_paradime_prior"):
            cur.unregister("_paradime_prior")
    return data


_LINEAGE_KEYS = """
SELECT DISTINCT lineage_key FROM column_lineage_runs WHERE schedule_name = ? AND list_contains(?, run_id) ORDER BY 1"""
_SCHEDULE_ROW = "SELECT *, ?::BIGINT AS commit_seq FROM schedules WHERE schedule_name = ?"
_VERSION_IDS = """
SELECT DISTINCT v FROM (
    SELECT unnest([manifest_id, catalog_id, catalog_columns_id]) AS v FROM runs
    WHERE schedule_name = ? AND list_contains(?, run_id)) WHERE v IS NOT NULL ORDER BY v"""


def _write_parquet(layout: Layout, rel: str, data) -> int:
    import pyarrow.parquet as pq  # noqa: PLC0415

    path = layout.path(rel)
    layout.fs.create_dir(path.rsplit("/", 1)[0], recursive=True)
    with layout.fs.open_output_stream(path) as fh:
        pq.write_table(data, fh, compression="zstd")
        return fh.tell()


def _hive(value: str) -> str:
    """A partition value as a path segment (Hive escapes these characters)."""
    return "".join(f"%{ord(c):02X}" if c in '"#%\'*/:=?\\\x7f{[]^' or ord(c) < 32 else c for c in value)
