"""Column lineage of a whole project against sqlglot's parse alone, then a question after it.

Loads the project (big-2000: its two runs, so every model has compiled code), reads what
the derivation needs from the store, then in the same process:

- ``parse``: ``sqlglot.parse`` of every node's compiled SQL in the adapter's dialect: the
  floor (any column lineage built on sqlglot parses at least this much);
- ``derive``: ``paradime_nb.columns`` over the same nodes (its own parse, qualify, the
  scope walk, edge rows), and the whole first question's derivation step
  (``store.column_lineage.ensure_column_lineage``: read inputs, hash, derive, one write).

Both are timed by CPU time (the machine is shared: wall time moves with the neighbours'
load) and by wall time; parse and derive alternate ``--repeat`` times, medians kept.
ratio = derive / parse (target < 4x). Then questions once the edges are stored (medians
of ``--questions`` calls each, CPU and wall): the column with the most upstream columns
among a sample, a staging column downstream, ``get_column_impact`` (target < 50 ms).

    python benchmarks/column_lineage.py [--project big-2000] [--repeat 3] [--smoke] [--json PATH]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from _common import BIG, JAFFLE, Row, finish, parser
from paradime_nb import Paradime


def _timed(fn) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__)
    p.set_defaults(repeat=3)
    p.add_argument("--project", default="big-2000", help="folder under fixtures/big")
    p.add_argument("--big", type=Path, default=BIG)
    p.add_argument("--questions", type=int, default=15)
    args = p.parse_args(argv)
    project = JAFFLE if args.smoke else args.big / args.project
    if args.smoke:
        args.repeat, args.questions = 1, 3
    import sqlglot

    from paradime_nb.columns import derive_manifest
    from paradime_nb.columns.dialects import dialect_for
    from paradime_nb.store.column_lineage import ensure_column_lineage, manifest_sql

    client = Paradime.from_path(project)
    slug = client.metadata.schedules()[0].slug
    client.metadata.load(slug, runs=2, progress=False)
    store = client.store
    run_id = store.fetchall("SELECT run_id FROM latest_manifest_runs WHERE schedule_name = ?", [slug])[0][0]
    manifest = manifest_sql(store, slug, run_id)
    dialect, _known = dialect_for(manifest.adapter_type)
    codes = [n.compiled_code for n in manifest.nodes if n.compiled_code]
    for code in codes[:20]:  # warm both sides: dialect classes, tokenizer tables
        sqlglot.parse(code, dialect=dialect or None)
    list(derive_manifest(type(manifest)(manifest.adapter_type, manifest.nodes[:20], manifest.relations)))

    parse_cpu, parse_wall, derive_cpu, derive_wall = [], [], [], []
    statuses: list = []
    for _ in range(args.repeat):
        c, w = _timed(lambda: [sqlglot.parse(code, dialect=dialect or None) for code in codes])
        parse_cpu.append(c)
        parse_wall.append(w)
        c, w = _timed(lambda: statuses.__setitem__(slice(None), list(derive_manifest(manifest))))
        derive_cpu.append(c)
        derive_wall.append(w)
    pc, pw, dc, dw = (statistics.median(v) for v in (parse_cpu, parse_wall, derive_cpu, derive_wall))
    ok = sum(s.status == "ok" for s in statuses)
    edges = sum(len(s.edges) for s in statuses)
    first_cpu, first_wall = _timed(lambda: ensure_column_lineage(store, slug, run_id))
    rows = [
        Row("7", f"column lineage of all {project.name} ({len(codes):,} nodes, {edges:,} edges, {ok:,} ok): CPU",
            dc, "sqlglot.parse of the same SQL, CPU", pc, target="< 4x", met=dc / pc < 4, n=str(args.repeat),
            note=f"wall: derive {dw:.2f} s / parse {pw:.2f} s = {dw / pw:.2f}x"),
        Row("7", f"first column question's derivation step, {project.name} (read, hash, derive, store): CPU",
            first_cpu, "sqlglot.parse of the same SQL, CPU", pc, target="< 4x", met=first_cpu / pc < 4, n="1",
            note=f"wall {first_wall:.2f} s"),
    ]

    status = client.metadata.get_column_lineage_status(slug)
    derived = {s.unique_id: s for s in status if s.lineage_status == "ok" and s.columns}
    depth = {}
    for uid, s in list(derived.items())[:: max(1, len(derived) // 200)]:
        depth[(uid, s.columns[-1])] = len(client.metadata.get_column_lineage((uid, s.columns[-1]), slug))
    deepest = max(depth, key=depth.get)
    staging = next(((u, s.columns[0]) for u, s in derived.items() if ".stg_" in u), next(iter(depth)))
    cases = [
        (f"upstream of the deepest sampled column ({depth[deepest]:,} columns)",
         lambda: client.metadata.get_column_lineage(deepest, slug)),
        ("downstream of a staging column",
         lambda: client.metadata.get_column_lineage(staging, slug, direction="down")),
        ("get_column_impact of that column", lambda: client.metadata.get_column_impact(staging, slug)),
    ]
    for label, fn in cases:
        cpu, wall = zip(*(_timed(fn) for _ in range(args.questions)))
        ms, wall_ms = statistics.median(cpu) * 1000, statistics.median(wall) * 1000
        rows.append(Row("7", f"{label}, {project.name}, edges stored: CPU", ms, "target", 50.0, unit="ms",
                        target="< 50 ms", met=ms < 50, n=str(args.questions), note=f"wall {wall_ms:.1f} ms"))
    for r in rows:
        print(f"{r.measure:<100} {r.ours:>10.3f} {r.unit} vs {r.baseline:>8.3f} ({r.ratio:.2f}x) {r.note}")
    client.close()
    finish(rows, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
