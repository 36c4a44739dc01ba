"""Cases 1 and 6: cold load of one run to the first health dashboard, and its peak memory.

Each measurement is a fresh process (``--child``): a new in-memory store, nothing loaded.
Module imports happen before the clock starts on every side (case 5 times them).

- ours: ``Paradime.from_path(project).metadata.get_health_dashboard(slug)``: read, gunzip,
  decode, columns, DuckDB, the dashboard's queries (the schedule's latest run);
- the JSON floor: ``orjson.loads`` of the same artifact bytes, already read and
  decompressed (no I/O, no gunzip, no columns, no database); also with Python's cyclic
  GC off, as our loader runs while it decodes (the strictest floor);
- the peer: the ``paradime-io`` SDK handed the same files as dicts (``json.loads``, as its
  downloads are decoded) through its ``MetadataClient`` (parser, DuckDB, dashboard), with
  a time limit (150 s).

Peak RSS is sampled by the parent every 20 ms. Target: ours <= 2.5x the floor.

    python benchmarks/load.py [--project big-10000] [--repeat 5] [--peer-limit 240]
"""

from __future__ import annotations

import sys
from pathlib import Path

from _common import (BIG, JAFFLE, PEER_DRIVER, PUBLIC_MID, PEER_PYTHON, Row, child, emit, finish, latest_run_files, median,
                     parser, peer_available, read_artifact_bytes, repeat_child)

TARGET = 2.5


def _child_ours(project: Path) -> None:
    import duckdb  # noqa: F401  (imports before the clock: case 5 times them)
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401

    from _common import now, rss_mb
    from paradime_nb import Paradime

    slug, run_id, _files = latest_run_files(project)
    base = rss_mb()
    started = now()
    client = Paradime.from_path(project)
    dashboard = client.metadata.get_health_dashboard(slug)
    seconds = now() - started
    emit({"seconds": seconds, "rss_mb": rss_mb(), "base_rss_mb": base, "run_id": run_id, "models": dashboard.models_total,
          "by_health": dashboard.models_by_health})


def _child_floor(project: Path, gc_off: bool = False) -> None:
    import gc

    import orjson

    from _common import now, rss_mb

    _slug, _run_id, files = latest_run_files(project)
    base = rss_mb()
    blobs = [read_artifact_bytes(path) for _kind, _line, path in files]
    if gc_off:  # what our loader does while it decodes: the strictest floor
        gc.disable()
    started = now()
    docs = [orjson.loads(b) for b in blobs]
    seconds = now() - started
    emit({"seconds": seconds, "rss_mb": rss_mb(), "base_rss_mb": base, "mb": sum(map(len, blobs)) / 1e6,
          "files": len(docs)})


def _peer_cmd(project: Path) -> list[str]:
    slug, _run_id, files = latest_run_files(project)
    cmd = [str(PEER_PYTHON), str(PEER_DRIVER), "dicts", "--schedule", slug]
    for kind, _line, path in files:
        if kind in ("manifest", "run_results", "sources"):  # what its metadata client reads
            cmd += ["--file", f"{kind}={path}"]
    return cmd


def measure(project: Path, repeat: int, warmup: int, peer_limit: float | None, peer_repeat: int) -> list[Row]:
    name = project.name
    me = [sys.executable, __file__, "--child"]
    ours = repeat_child(me + ["ours", str(project)], repeat, warmup=warmup)
    floor = repeat_child(me + ["floor", str(project)], repeat, warmup=warmup)
    strict = repeat_child(me + ["floor-gc-off", str(project)], repeat, warmup=warmup)
    ours_s, floor_s = median([r["seconds"] for r in ours]), median([r["seconds"] for r in floor])
    strict_s = median([r["seconds"] for r in strict])
    ours_mb = median([r["peak_rss_mb"] for r in ours])
    mb = floor[0]["mb"]
    n = f"{repeat} (+{warmup} warm-up)"
    big = project.parent == BIG  # the target is about large runs; a 1 MB run is fixed costs
    rows = [Row("1", f"cold load + first health dashboard, {name} ({mb:.0f} MB of JSON)", ours_s,
                "orjson.loads of the same bytes", floor_s, target=f"<= {TARGET}x" if big else "",
                met=ours_s / floor_s <= TARGET if big else None, n=n,
                note=f"run {ours[0]['run_id']}, {ours[0]['models']} models" + ("" if big else "; fixed costs dominate")),
            Row("1", f"cold load + first health dashboard, {name}", ours_s, "orjson.loads, cyclic GC off (strictest)",
                strict_s, n=n, note="no target: our loader pauses the GC while decoding, so this floor does too")]
    ours_base = median([r["base_rss_mb"] for r in ours])
    floor_mb, floor_base = median([r["peak_rss_mb"] for r in floor]), median([r["base_rss_mb"] for r in floor])
    rss_rows = [Row("6", f"peak RSS of case 1, {name}", ours_mb, "orjson.loads of the same bytes", floor_mb, unit="MB",
                    n=n, note=f"over the process after its imports: ours +{ours_mb - ours_base:.0f} MB (duckdb, pyarrow, "
                              f"pandas loaded: {ours_base:.0f} MB), floor +{floor_mb - floor_base:.0f} MB "
                              f"(orjson only: {floor_base:.0f} MB)")]
    if peer_limit is not None:
        peer = [child(_peer_cmd(project), timeout=peer_limit) for _ in range(peer_repeat)]
        done = [p for p in peer if "timeout" not in p]
        if done:
            peer_s = median([p["seconds"] for p in done])
            peer_mb = median([p["peak_rss_mb"] for p in done])
            note = f"peer: {done[0]['dashboard']['total_models']} models; decode {median([p['decode_seconds'] for p in done]):.2f}s of it"
            rows.append(Row("1", f"cold load + first health dashboard, {name}", ours_s, "paradime-io SDK (same files as dicts)",
                            peer_s, n=f"{repeat} / peer {len(done)}", note=note))
            peer_base = median([p["base_rss_mb"] for p in done])
            rss_rows.append(Row("6", f"peak RSS of case 1, {name}", ours_mb, "paradime-io SDK", peer_mb, unit="MB",
                                n=f"{repeat} / peer {len(done)}",
                                note=f"over the process after its imports: ours +{ours_mb - ours_base:.0f} MB, "
                                     f"peer +{peer_mb - peer_base:.0f} MB (its imports: {peer_base:.0f} MB)"))
        else:
            peak = max(p["peak_rss_mb"] for p in peer)
            rows.append(Row("1", f"cold load + first health dashboard, {name}", ours_s, "paradime-io SDK (same files as dicts)",
                            None, n=f"{repeat} / peer {len(peer)}", baseline_text=f"> {peer_limit:.0f} s",
                            ratio_text=f"< {ours_s / peer_limit:.3f}", note="peer stopped at the time limit"))
            rss_rows.append(Row("6", f"peak RSS of case 1, {name}", ours_mb, "paradime-io SDK", None, unit="MB",
                                n=f"{repeat} / peer {len(peer)}", baseline_text=f"> {peak:.0f} MB",
                                ratio_text=f"< {ours_mb / peak:.2f}" if peak else "",
                                note="the peer's peak until it was stopped at the time limit"))
    return rows + rss_rows


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        what, project = sys.argv[2], Path(sys.argv[3])
        if what == "ours":
            _child_ours(project)
        else:
            _child_floor(project, gc_off=what == "floor-gc-off")
        return
    p = parser(__doc__)
    p.add_argument("--project", action="append", type=Path,
                   help="a saved-runs schedule folder or dbt target folder (default: big-10000, big-2000, "
                        "fivetran__dbt_ad_reporting, jaffle-daily)")
    p.add_argument("--peer-limit", type=float, default=150.0, help="seconds before the peer is stopped")
    args = p.parse_args()
    if args.smoke:
        projects, repeat, warmup = [JAFFLE], 1, 0
    else:
        projects, repeat, warmup = args.project or [BIG / "big-10000", BIG / "big-2000", PUBLIC_MID, JAFFLE], args.repeat, 1
    use_peer = not (args.smoke or args.no_peer) and peer_available()
    rows = []
    for project in projects:
        # The peer takes minutes on the big projects (big-2000: over 9 minutes by hand), so it
        # runs once with the time limit on big-10000 only, 3 times on the public project
        # (~20 s each) and --repeat times on jaffle-daily.
        peer_runs = {BIG / "big-10000": 1, BIG / "big-2000": 0, PUBLIC_MID: 3}.get(project, repeat) if use_peer else 0
        rows += measure(project, repeat, warmup, args.peer_limit if peer_runs else None, peer_runs)
        if use_peer and not peer_runs:
            ours_s = next(r.ours for r in rows if r.case == "1" and project.name in r.measure)
            rows.append(Row("1", f"cold load + first health dashboard, {project.name}", ours_s,
                            "paradime-io SDK (same files as dicts)", None, baseline_text="not run",
                            note="over 9 minutes when run by hand; the time-limited run is on big-10000"))
    finish(rows, args.json)


if __name__ == "__main__":
    main()
