"""Unlimited-depth lineage on the largest manifest: our recursive SQL walk vs networkx.

Loads one big project into a fresh in-memory store, builds a networkx DiGraph from the
same stored edges, picks the heaviest cases (the model with the most ancestors, the source
with the most descendants, among a seeded sample) plus a typical model, checks that both
sides find the same nodes at the same levels, then times, in the same process (medians):

- ``ours walk``: ``paradime_nb.metadata.lineage.walk`` -- the one recursive query
  (``sql/lineage_walk.sql``) that every lineage answer runs, levels included;
- ``nx levels``: ``nx.single_source_shortest_path_length`` (BFS with levels) on the graph
  our walk covers (tests left out: they are leaves, added back by a join) and on the full
  graph; ``nx set``: ``nx.ancestors`` / ``nx.descendants`` on the full graph;
- ``ours API``: ``get_upstream_model_health`` / ``get_downstream_impact`` (walk + names,
  health of every node, tests), for scale; networkx computes none of that.

ratio = ours walk / nx levels on the same graph (target: <= 1).

    python benchmarks/lineage.py [--project big-10000] [--repeat 15] [--smoke] [--json PATH]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

import networkx as nx

from _common import BIG, JAFFLE, Row, finish, median_ms, parser
from paradime_nb import Paradime
from paradime_nb.metadata import lineage


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__)
    p.set_defaults(repeat=15)
    p.add_argument("--project", default="big-10000", help="folder under fixtures/big (default: the largest)")
    p.add_argument("--big", type=Path, default=BIG)
    p.add_argument("--sample", type=int, default=300, help="models sampled to find the heaviest cases")
    args = p.parse_args(argv)
    project = JAFFLE if args.smoke else args.big / args.project
    if args.smoke:
        args.repeat, args.sample, args.project = 3, 20, project.name
    rows: list[Row] = []

    client = Paradime.from_path(project)
    slug = client.metadata.schedules()[0].slug
    t = time.perf_counter()
    client.metadata.load(slug, runs=1, progress=False)
    load_s = time.perf_counter() - t
    store = client.store
    t = time.perf_counter()
    lineage.ensure_graph(store, slug)
    cache_s = time.perf_counter() - t

    t = time.perf_counter()
    kinds = dict(store.fetchall("SELECT unique_id, resource_type FROM latest_nodes WHERE schedule_name = ?", [slug]))
    edges = store.fetchall("SELECT parent_id, child_id FROM latest_edges WHERE schedule_name = ?", [slug])
    nx_fetch_s = time.perf_counter() - t
    t = time.perf_counter()
    full = nx.DiGraph()
    full.add_nodes_from(kinds)
    full.add_edges_from(edges)
    nx_build_s = time.perf_counter() - t
    tests = {u for u, k in kinds.items() if k in ("test", "unit_test")}
    walked = full.subgraph(u for u in kinds if u not in tests).copy()
    full_up, walked_up = full.reverse(copy=False), walked.reverse(copy=False)

    rng = random.Random(10000)
    models = sorted(u for u, k in kinds.items() if k == "model")
    sources = sorted(u for u, k in kinds.items() if k == "source")
    sample = rng.sample(models, min(args.sample, len(models)))
    by_ancestors = sorted(sample, key=lambda u: len(nx.ancestors(walked, u)))
    with_children = sorted((u for u in sample if walked.out_degree(u)), key=lambda u: len(nx.descendants(walked, u)))
    deepest, typical_up = by_ancestors[-1], by_ancestors[len(by_ancestors) // 2]
    typical_down = with_children[len(with_children) // 2] if with_children else typical_up
    widest = max(rng.sample(sources, min(args.sample, len(sources))), key=lambda u: len(nx.descendants(walked, u)))

    print(f"{args.project}: {len(kinds):,} nodes ({len(tests):,} tests), {len(edges):,} edges; load {load_s:.1f}s, "
          f"graph cache {cache_s * 1000:.0f} ms, networkx graph {nx_build_s * 1000:.0f} ms; medians of {args.repeat}")
    header = f"{'case':<34}{'nodes':>7}{'depth':>6}{'ours walk':>11}{'nx levels':>11}{'nx lv full':>11}{'nx set':>9}{'ours API':>10}{'ratio':>7}"
    print(header)
    ratios = []
    cases = [("upstream of deepest model", deepest, "up"), ("upstream of median model", typical_up, "up"),
             ("downstream of widest source", widest, "down"), ("downstream of median model", typical_down, "down")]
    for i, (label, uid, direction) in enumerate(cases):
        same, everything = (walked_up, full_up) if direction == "up" else (walked, full)
        t = time.perf_counter()
        ours = lineage.walk(store, slug, [uid], direction)
        first_walk_s = time.perf_counter() - t
        theirs = nx.single_source_shortest_path_length(same, uid)
        if ours != theirs:
            print(f"MISMATCH for {label} ({uid}): {len(ours)} vs {len(theirs)} nodes", file=sys.stderr)
            return 1
        api = client.metadata.get_upstream_model_health if direction == "up" else client.metadata.get_downstream_impact
        nx_set = nx.ancestors if direction == "up" else nx.descendants
        ms_ours = median_ms(lambda: lineage.walk(store, slug, [uid], direction), args.repeat)
        ms_nx = median_ms(lambda: nx.single_source_shortest_path_length(same, uid), args.repeat)
        ms_nx_full = median_ms(lambda: nx.single_source_shortest_path_length(everything, uid), args.repeat)
        ms_set = median_ms(lambda: nx_set(full, uid), args.repeat)
        ms_api = median_ms(lambda: api(uid, slug), max(3, args.repeat // 5))
        ratio = ms_ours / ms_nx
        ratios.append(ratio)
        if i == 0:  # the first lineage question after a load: both sides build their graph first
            t = time.perf_counter()
            nx.single_source_shortest_path_length(same, uid)
            nx_first_s = nx_fetch_s + nx_build_s + time.perf_counter() - t
            rows.append(Row("4", f"first question after a load: {label}, {args.project}", (cache_s + first_walk_s) * 1000,
                            "networkx: edges from the store, DiGraph, BFS", nx_first_s * 1000, unit="ms", target="<= 1x",
                            met=cache_s + first_walk_s <= nx_first_s, n="1",
                            note=f"ours: graph cache {cache_s * 1000:.0f} ms + walk; networkx: fetch {nx_fetch_s * 1000:.0f} ms "
                                 f"+ graph {nx_build_s * 1000:.0f} ms + BFS"))
        rows.append(Row("4", f"{label}, {args.project} ({len(ours) - 1:,} nodes, {max(ours.values())} levels)",
                        ms_ours, "networkx BFS with levels, same graph", ms_nx, unit="ms", target="<= 1x",
                        met=ratio <= 1, n=str(args.repeat),
                        note=f"nx on the graph with tests {ms_nx_full:.1f} ms, nx.{nx_set.__name__} {ms_set:.1f} ms; "
                             f"our API call (walk + names, health, tests) {ms_api:.0f} ms"))
        print(f"{label:<34}{len(ours) - 1:>7,}{max(ours.values()):>6}{ms_ours:>9.1f}ms{ms_nx:>9.1f}ms{ms_nx_full:>9.1f}ms"
              f"{ms_set:>7.1f}ms{ms_api:>8.0f}ms{ratio:>7.2f}")
    print(f"ratio = ours walk / nx levels on the same graph; geometric mean {statistics.geometric_mean(ratios):.2f} "
          f"(target <= 1)")
    client.close()
    finish(rows, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
