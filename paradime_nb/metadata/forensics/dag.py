"""The DAG dbt schedules one command by, rebuilt from the manifest's depends_on edges.

Within a command a node waits for its nearest *executed* ancestors: dbt's selected graph
keeps dependencies through nodes it does not run (ephemeral models, unselected nodes,
sources). ``dbt build`` adds more: a node also waits for the tests of what it reads (a
test gates every node downstream of all the nodes it tests, dbt's ``add_test_edges``), and
a unit test runs before its model, after the model's own parents.

Everything is on integer node indexes with NumPy: the graph is walked a level at a time
(Kahn's frontiers), never a node at a time, so a 33,000-node build costs a few dozen array
passes. Where dbt adds redundant edges (a test gating every descendant), only the first
nodes are kept: the later ones wait for those, so no release or slack changes.
"""

from __future__ import annotations

import numpy as np

#: node kinds as the graph reader codes them
OTHER, DATA_TEST, UNIT_TEST = 0, 1, 2

_EMPTY = np.zeros(0, dtype=np.int64)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges ``[start, start + length)``: (which range, flat position) of every member."""
    total = int(lengths.sum()) if len(lengths) else 0
    if total == 0:
        return _EMPTY, _EMPTY
    which = np.repeat(np.arange(len(starts)), lengths)
    before = np.cumsum(lengths) - lengths
    return which, np.repeat(starts - before, lengths) + np.arange(total)


class Adjacency:
    """The neighbours of each of ``n`` nodes: those of node i are ``indices[indptr[i]:indptr[i + 1]]``."""

    __slots__ = ("indptr", "indices")

    def __init__(self, src: np.ndarray, dst: np.ndarray, n: int) -> None:
        order = np.argsort(src, kind="stable")
        self.indices = dst[order]
        self.indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=n), out=self.indptr[1:])

    def gather(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in ``rows``, neighbour) for every neighbour of every node in ``rows``."""
        starts = self.indptr[rows]
        which, flat = _ranges(starts, self.indptr[rows + 1] - starts)
        return which, self.indices[flat]


def _unique_pairs(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (a, b) pairs, sorted by a then b."""
    if not len(a):
        return _EMPTY, _EMPTY
    key = np.unique(a.astype(np.int64) * n + b)
    return key // n, key % n


def _frontiers(src: np.ndarray, dst: np.ndarray, members: np.ndarray, n: int) -> list[np.ndarray]:
    """Kahn's frontiers over the edges ``src -> dst`` among ``members``: every node after
    all of its sources. Nodes on a cycle never come free and are left out."""
    inner = members[src] & members[dst]
    src, dst = src[inner], dst[inner]
    pending = np.bincount(dst, minlength=n)
    out = Adjacency(src, dst, n)
    front = np.flatnonzero(members & (pending == 0))
    fronts = []
    while len(front):
        fronts.append(front)
        _, nxt = out.gather(front)
        if not len(nxt):
            break
        np.subtract.at(pending, nxt, 1)
        nxt = np.unique(nxt)
        front = nxt[pending[nxt] == 0]
    return fronts


class Reach:
    """For each node of ``starts`` in ``through``, the ``target`` nodes reached from it by
    ``step``, passing through ``through`` nodes only: memoised per node over the ``through``
    nodes reachable from ``starts``, a frontier at a time."""

    def __init__(self, step: Adjacency, through: np.ndarray, target: np.ndarray, n: int,
                 starts: np.ndarray) -> None:
        self.start = np.zeros(n, dtype=np.int64)
        self.length = np.zeros(n, dtype=np.int64)
        self.values = _EMPTY
        # only what the starts lead to: the through nodes reachable from them
        wanted = np.zeros(n, dtype=bool)
        front = np.unique(starts[through[starts]])
        while len(front):
            wanted[front] = True
            _, nxt = step.gather(front)
            nxt = np.unique(nxt[through[nxt] & ~wanted[nxt]])
            front = nxt
        nodes = np.flatnonzero(wanted)
        if not len(nodes):
            return
        w, m = step.gather(nodes)
        src = nodes[w]
        direct = target[m]
        found = Adjacency(src[direct], m[direct], n)
        inner = wanted[m]
        i_src, i_dst = src[inner], m[inner]
        steps_into = Adjacency(i_src, i_dst, n)
        # a node is done after every node it steps into: frontiers of the reversed edges
        fronts = _frontiers(i_dst, i_src, wanted, n)
        placed = np.zeros(n, dtype=bool)
        buffer = np.zeros(max(16, len(nodes)), dtype=np.int64)
        size = 0
        for front in [*fronts, None]:
            if front is None:  # nodes on a cycle: what they reach directly and through done nodes
                front = nodes[~placed[nodes]]
                if not len(front):
                    break
            placed[front] = True
            dw, dt = found.gather(front)
            owners, targets = [front[dw]], [dt]
            iw, im = steps_into.gather(front)
            if len(im):
                rw, flat = _ranges(self.start[im], self.length[im])
                owners.append(front[iw][rw])
                targets.append(buffer[flat])
            own, tgt = _unique_pairs(np.concatenate(owners), np.concatenate(targets), n)
            if not len(own):
                continue
            firsts, counts = np.unique(own, return_counts=True)
            self.start[firsts] = size + np.cumsum(counts) - counts
            self.length[firsts] = counts
            if size + len(tgt) > len(buffer):
                buffer = np.concatenate([buffer[:size], np.zeros(max(len(buffer), len(tgt)), dtype=np.int64)])
            buffer[size:size + len(tgt)] = tgt
            size += len(tgt)
        self.values = buffer[:size]

    def gather(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in ``rows``, reached node) for every node reached from each of ``rows``
        (rows that are not among the starts reach nothing)."""
        which, flat = _ranges(self.start[rows], self.length[rows])
        return which, self.values[flat]


def effective_parents(n: int, parent: np.ndarray, child: np.ndarray, executed: np.ndarray, kind: np.ndarray,
                      *, build: bool) -> tuple[np.ndarray, np.ndarray]:
    """(node, what it waited for) index pairs: for each executed node, the executed nodes
    it waited for. ``parent -> child`` are the manifest's edges (distinct), ``executed``
    and ``kind`` (OTHER, DATA_TEST, UNIT_TEST) are per node."""
    parents = Adjacency(child, parent, n)
    ex = np.flatnonzero(executed)
    w, p = parents.gather(ex)
    x = ex[w]
    direct = executed[p]
    out_x, out_p = [x[direct]], [p[direct]]
    if not direct.all():
        via = ~direct
        up = Reach(parents, ~executed, executed, n, p[via])
        rw, reached = up.gather(p[via])
        out_x.append(x[via][rw])
        out_p.append(reached)
    if build:
        gx, gp = _test_gates(n, parents, Adjacency(parent, child, n), executed, kind)
        out_x += gx
        out_p += gp
    xs, ps = _unique_pairs(np.concatenate(out_x), np.concatenate(out_p), n)
    keep = xs != ps
    xs, ps = xs[keep], ps[keep]
    if build:
        xs, ps = _unit_tests(n, parents, executed, kind, xs, ps)
        keep = xs != ps
        xs, ps = xs[keep], ps[keep]
    return xs, ps


def _test_gates(n: int, parents: Adjacency, children: Adjacency, executed: np.ndarray,
                kind: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``dbt build``: (node, test) pairs, a node waiting for the tests of what it reads."""
    is_test = kind != OTHER
    tests = np.flatnonzero(executed & (kind == DATA_TEST))
    tw, deps = parents.gather(tests)
    t_of, deps = _unique_pairs(tests[tw], deps, n)
    if not len(t_of):
        return [], []
    owners, count = np.unique(t_of, return_counts=True)
    per_test = count[np.searchsorted(owners, t_of)]
    # a test of one node gates that node's nearest executed non-test descendants
    one = per_test == 1
    cw, kids = children.gather(deps[one])
    keep = ~is_test[kids]
    gated_t, gated = [t_of[one][cw][keep]], [kids[keep]]
    # a test of several gates the first non-test nodes downstream of all of them
    many = ~one
    if many.any():
        mt, mk = _first_below_all(n, children, is_test, t_of[many], deps[many])
        gated_t.append(mt)
        gated.append(mk)
    tests_of, nodes = np.concatenate(gated_t), np.concatenate(gated)
    # executed nodes wait themselves, the others through their nearest executed descendants
    done = executed[nodes]
    down = Reach(children, ~executed & ~is_test, executed & ~is_test, n, nodes[~done])
    rw, reached = down.gather(nodes[~done])
    return [nodes[done], reached], [tests_of[done], tests_of[~done][rw]]


def _first_below_all(n: int, children: Adjacency, is_test: np.ndarray,
                     t_of: np.ndarray, deps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For tests of several nodes (pairs test -> node it depends on): (test, node) for the
    first non-test nodes downstream of all of a test's nodes.

    Ancestry is kept as bitsets over the nodes such tests depend on, built a topological
    level at a time; each test's walk starts below its deepest node and stops where all are
    upstream (all tests walk together, a level per step)."""
    plain = ~is_test
    ps = np.repeat(np.arange(n), np.diff(children.indptr))
    cs = children.indices
    fronts = _frontiers(ps, cs, plain, n)
    level = np.full(n, -1, dtype=np.int64)
    for k, front in enumerate(fronts):
        level[front] = k
    relevant, bit_of = np.unique(deps, return_inverse=True)
    words = (len(relevant) + 63) // 64
    compact = np.full(n, -1, dtype=np.int64)
    members = np.flatnonzero(plain)
    compact[members] = np.arange(len(members))
    upstream = np.zeros((len(members) + 1, words), dtype=np.uint64)  # the last row: nodes outside
    own_bits = np.left_shift(np.uint64(1), (np.arange(len(relevant)) % 64).astype(np.uint64))
    np.bitwise_or.at(upstream, (compact[relevant], np.arange(len(relevant)) // 64), own_bits)
    # each non-test node: its own bit and those of its non-test parents, a level at a time
    edge = plain[ps] & plain[cs] & (level[cs] > 0)
    ep, ec = ps[edge], cs[edge]
    order = np.lexsort((ec, level[ec]))
    ep, ec = ep[order], ec[order]
    bounds = np.searchsorted(level[ec], np.arange(1, len(fronts) + 1))
    lo = 0
    for hi in bounds:
        if hi > lo:
            pc, cc = compact[ep[lo:hi]], ec[lo:hi]
            starts = np.flatnonzero(np.r_[True, cc[1:] != cc[:-1]])
            upstream[compact[cc[starts]]] |= np.bitwise_or.reduceat(upstream[pc], starts, axis=0)
        lo = hi
    tests = np.unique(t_of)
    label = np.searchsorted(tests, t_of)
    masks = np.zeros((len(tests), words), dtype=np.uint64)
    np.bitwise_or.at(masks, (label, bit_of // 64), own_bits[bit_of])
    deepest_order = np.lexsort((level[deps], label))
    last = np.r_[np.flatnonzero(np.diff(label[deepest_order])), len(label) - 1]
    deepest = deps[deepest_order[last]]  # per test label 0..T-1, the dep of the highest level
    cw, kids = children.gather(deepest)
    lab, node = cw, kids
    seen = np.zeros(0, dtype=np.int64)
    out_t: list[np.ndarray] = []
    out_n: list[np.ndarray] = []
    while len(node):
        keep = plain[node]
        lab, node = lab[keep], node[keep]
        key = np.unique(lab.astype(np.int64) * n + node)
        key = key[~np.isin(key, seen, assume_unique=True)]
        if not len(key):
            break
        seen = np.union1d(seen, key)
        lab, node = key // n, key % n
        mask = masks[lab]
        below_all = np.all((upstream[compact[node]] & mask) == mask, axis=1)
        out_t.append(tests[lab[below_all]])
        out_n.append(node[below_all])
        lab, node = lab[~below_all], node[~below_all]
        cw, kids = children.gather(node)
        lab, node = lab[cw], kids
    if not out_t:
        return _EMPTY, _EMPTY
    return np.concatenate(out_t), np.concatenate(out_n)


def _unit_tests(n: int, parents: Adjacency, executed: np.ndarray, kind: np.ndarray,
                ex: np.ndarray, ep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A unit test runs after its models' own dependencies and before its models."""
    units = np.flatnonzero(executed & (kind == UNIT_TEST))
    if not len(units):
        return ex, ep
    uw, models = parents.gather(units)
    keep = executed[models] & (kind[models] == OTHER)
    u_of, models = _unique_pairs(units[uw][keep], models[keep], n)
    if not len(u_of):
        return ex, ep
    waits = Adjacency(ex, ep, n)
    mw, before = waits.gather(models)
    moved = np.isin(ex, u_of)
    xs = np.concatenate([ex[~moved], u_of[mw], models])
    ps = np.concatenate([ep[~moved], before, u_of])
    return _unique_pairs(xs, ps, n)
