"""Entry points of the child processes the reliability suites start (``python -m``).

Each prints one JSON line on stdout when it has something to report, so the parent reads
real measurements of a real process: peak memory, how far a load got before a signal.

    python -m tests.reliability._children scale SOURCE TARGET MIN_BYTES
    python -m tests.reliability._children memory MANIFEST DATABASE
    python -m tests.reliability._children load-forever RUNS DATABASE
    python -m tests.reliability._children load-once RUNS DATABASE
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import sys
import time
from pathlib import Path


def _say(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def scale(source: str, target: str, min_bytes: str) -> None:
    """Write a manifest of at least ``min_bytes``: the source's nodes plus copies under new
    ids (``<id>__cN``), each copy's edges pointing into the same copy."""
    import orjson

    raw = Path(source).read_bytes()
    doc = orjson.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    nodes = doc["nodes"]
    originals = list(nodes.items())
    per_node = len(orjson.dumps(nodes)) / max(len(nodes), 1)
    missing = int(min_bytes) - len(orjson.dumps(doc))
    wanted = max(0, int(missing / per_node * 1.02) + 1)
    for n in range(wanted):
        key, node = originals[n % len(originals)]
        suffix = f"__c{n // len(originals) + 1}"

        def moved(uid: object, suffix: str = suffix) -> object:
            return f"{uid}{suffix}" if isinstance(uid, str) and uid in nodes and "__c" not in uid else uid

        copy = dict(node, unique_id=f"{key}{suffix}", name=f"{node.get('name')}{suffix}")
        depends = node.get("depends_on")
        if isinstance(depends, dict):
            copy["depends_on"] = dict(depends, nodes=[moved(p) for p in depends.get("nodes") or []])
        if isinstance(node.get("attached_node"), str):
            copy["attached_node"] = moved(node["attached_node"])
        nodes[f"{key}{suffix}"] = copy
    data = orjson.dumps(doc)
    Path(target).write_bytes(data)
    _say(bytes=len(data), nodes=len(nodes))


def memory(manifest: str, database: str) -> None:
    """Load one run holding ``manifest`` into a store; report peak RSS over the baseline
    taken after imports and opening the store (the fixed cost of any load)."""
    import psutil

    import pyarrow  # noqa: F401  (imported by every load: part of the baseline)
    from paradime_nb.sources.model import ArtifactFile, CommandInfo, RunData, RunInfo, ScheduleInfo
    from paradime_nb.store import Store, prepare_run

    store = Store(database)
    baseline = psutil.Process().memory_info().rss
    size = os.path.getsize(manifest)
    started = time.perf_counter()
    file = ArtifactFile("target/manifest.json", Path(manifest).read_bytes, size)
    run = RunData(ScheduleInfo("big", "big"), RunInfo(1, "SUCCESS"), [CommandInfo(1, "dbt parse", 0, files=(file,))])
    prepared = prepare_run(run)
    nodes = prepared.row_count("manifest_nodes")
    store.write_run(prepared)
    seconds = time.perf_counter() - started
    stored = store.fetchall("SELECT count(*) FROM model_metadata")[0][0]
    store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    _say(size=size, baseline=baseline, peak=peak, nodes=nodes, stored=stored, seconds=seconds)


def _runs_client(runs: str, database: str):
    from paradime_nb import Paradime

    return Paradime.from_path(runs, database=database)


def load_forever(runs: str, database: str) -> None:
    """Load every run again and again until killed: replacements (``refresh``: delete and
    insert in one transaction), deletions and fresh inserts, with checkpoints every few runs.
    Imports first, then waits for a line on stdin before opening the store (the parent
    starts the next child while it checks the store); prints ``{"written": n}`` after each
    run committed, so the parent can aim its kill."""
    import paradime_nb.loading  # noqa: F401  (the slow imports, before the go)

    _say(imported=True)
    sys.stdin.readline()
    client = _runs_client(runs, database)
    client.store.connection.execute("SET checkpoint_threshold = '2MB'")
    store_write = client.store.write_run
    written = 0

    def write_run(prepared, **kwargs):
        nonlocal written
        stored = store_write(prepared, **kwargs)
        written += 1
        _say(written=written)
        return stored

    client.store.write_run = write_run
    schedules = [s.slug for s in client.metadata.schedules()]
    _say(ready=True)
    rounds = 0
    while True:
        for slug in schedules:
            if rounds % 2 == 1:  # these come back as fresh inserts, the others as replacements
                client.store.delete_runs(slug, list(client.store.stored_runs(slug))[:3])
            client.metadata.load(slug, runs=100, refresh=True, progress=False)
        rounds += 1


def load_once(runs: str, database: str) -> None:
    """Open the store, load every run once, report; a locked store is reported, not raised."""
    from paradime_nb.errors import StoreLockedError

    started = time.perf_counter()
    try:
        client = _runs_client(runs, database)
    except StoreLockedError as exc:
        _say(locked=True, message=str(exc), seconds=time.perf_counter() - started)
        return
    _say(opened=True)
    loaded = 0
    for schedule in client.metadata.schedules():
        loaded += len(client.metadata.load(schedule.slug, runs=100, refresh=True, progress=False).loaded)
    client.close()
    _say(locked=False, loaded=loaded, seconds=time.perf_counter() - started)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"scale": scale, "memory": memory, "load-forever": load_forever, "load-once": load_once}[command](*args)
