"""The DAG the forensics rebuild (NumPy, nearest executed nodes, first gated nodes) against
the oracle's literal statement of dbt's rules (every executed ancestor; a test gates every
node whose ancestors hold all it tests; a unit test after its model's dependencies and
before its model) on random projects: executed subsets that leave gaps (unselected and
ephemeral models, sources), tests of one and of several nodes, unit tests. The two differ
only by edges implied by others, so their transitive closures must be equal."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paradime_nb.metadata.forensics.dag import DATA_TEST, OTHER, UNIT_TEST, effective_parents

from . import forensics_oracle as oracle


@st.composite
def projects(draw):
    """(manifest nodes as the oracle reads them, executed unique ids, build?)."""
    sources = draw(st.integers(1, 3))
    models = draw(st.integers(1, 14))
    nodes: dict[str, dict] = {}
    for i in range(sources):
        nodes[f"source.p.s{i}"] = {"resource_type": "source", "depends_on": {"nodes": []}}
    upstream = list(nodes)
    for i in range(models):
        parents = draw(st.lists(st.sampled_from(upstream), min_size=1, max_size=3, unique=True))
        nodes[f"model.p.m{i}"] = {"resource_type": "model", "depends_on": {"nodes": parents}}
        upstream.append(f"model.p.m{i}")
    for i in range(draw(st.integers(0, 10))):
        on = draw(st.lists(st.sampled_from(upstream), min_size=1, max_size=3, unique=True))
        nodes[f"test.p.t{i}"] = {"resource_type": "test", "depends_on": {"nodes": on}}
    model_ids = [u for u in nodes if u.startswith("model.")]
    for i, m in enumerate(draw(st.lists(st.sampled_from(model_ids), max_size=3, unique=True))):
        # a unit test depends on the model it tests (as in the fixtures' manifests); one per
        # model at most (the oracle orders several on one model by set order)
        nodes[f"unit_test.p.u{i}"] = {"resource_type": "unit_test", "depends_on": {"nodes": [m]}}
    runnable = [u for u in nodes if not u.startswith("source.")]
    executed = draw(st.lists(st.sampled_from(runnable), min_size=1, unique=True)) if runnable else []
    return nodes, set(executed), draw(st.booleans())


def _closure(pairs, executed) -> set[tuple[str, str]]:
    g = nx.DiGraph()
    g.add_nodes_from(executed)
    g.add_edges_from((p, x) for x, p in pairs)
    assert nx.is_directed_acyclic_graph(g)
    return set(nx.transitive_closure_dag(g).edges)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_the_rebuilt_dag_waits_for_what_dbt_waits_for(project):
    nodes, executed, build = project
    ids = sorted(nodes)
    index = {u: i for i, u in enumerate(ids)}
    edges = [(index[p], index[c]) for c in ids for p in nodes[c]["depends_on"]["nodes"]]
    parent = np.array([p for p, _ in edges], dtype=np.int64)
    child = np.array([c for _, c in edges], dtype=np.int64)
    mask = np.zeros(len(ids), dtype=bool)
    mask[[index[u] for u in executed]] = True
    kinds = {"test": DATA_TEST, "unit_test": UNIT_TEST}
    kind = np.array([kinds.get(nodes[u]["resource_type"], OTHER) for u in ids], dtype=np.int8)
    xs, ps = effective_parents(len(ids), parent, child, mask, kind, build=build)
    got = [(ids[x], ids[p]) for x, p in zip(xs.tolist(), ps.tolist())]
    assert all(x in executed and p in executed and x != p for x, p in got)

    deps = oracle.command_deps(nodes, dict.fromkeys(executed), build, oracle.ancestors(nodes))
    expected = [(x, p) for x, ps_ in deps.items() for p in ps_]
    assert _closure(got, executed) == _closure(expected, executed)
