"""The DAG dbt schedules one command by, rebuilt from the manifest's depends_on edges.

Within a command a node waits for its nearest *executed* ancestors: dbt's selected graph
keeps dependencies through nodes it does not run (ephemeral models, unselected nodes,
sources). ``dbt build`` adds more: a node also waits for the tests of what it reads (a
test gates every node downstream of all the nodes it tests, dbt's ``add_test_edges``), and
a unit test runs before its model, after the model's own parents.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping


def effective_parents(
    executed: set[str],
    parents: Mapping[str, list[str]],
    types: Mapping[str, str | None],
    *,
    build: bool,
    tests: Collection[str],
) -> dict[str, set[str]]:
    """For each executed node, the executed nodes it waited for."""
    up_memo: dict[str, frozenset[str]] = {}
    up = _nearest(lambda n: parents.get(n, ()), executed, up_memo, skip=lambda n: False)
    eff: dict[str, set[str]] = {}
    for x in executed:
        acc: set[str] = set()
        for p in parents.get(x, ()):
            if p in executed:
                acc.add(p)
            else:
                acc |= up(p)
        acc.discard(x)
        eff[x] = acc
    if not build:
        return eff
    children: dict[str, list[str]] = {}
    for child, ps in parents.items():
        for p in ps:
            children.setdefault(p, []).append(child)
    test_ids = {n for n, kind in types.items() if kind in tests}
    is_test = test_ids.__contains__
    down_memo: dict[str, frozenset[str]] = {}
    down = _nearest(lambda n: children.get(n, ()), executed, down_memo, skip=is_test)
    multi: list[tuple[str, list[str]]] = []
    single: dict[str, list[str]] = {}  # the one node a test tests -> its executed tests
    for t in executed:
        if types.get(t) != "test":
            continue
        deps = list(dict.fromkeys(parents.get(t, ())))
        if len(deps) == 1:
            single.setdefault(deps[0], []).append(t)
        elif deps:
            multi.append((t, deps))
    for d, gates in single.items():
        for x in _below_one(d, children, executed, down, is_test):
            eff[x].update(gates)
    if multi:
        for t, targets in _below_all(multi, parents, children, executed, down, is_test).items():
            for x in targets:
                if x != t:
                    eff[x].add(t)
    for u in executed:
        if types.get(u) != "unit_test":
            continue
        models = [p for p in parents.get(u, ()) if p in executed and not is_test(p)]
        if not models:
            continue
        eff[u] = set().union(*(eff[m] for m in models)) - {u}
        for m in models:
            eff[m].add(u)
    return eff


def _below_one(d: str, children: Mapping[str, list[str]], executed: set[str],
               down: Callable[[str], frozenset[str]], is_test: Callable[[str], bool]) -> set[str]:
    """Nearest executed non-test descendants of ``d``."""
    out: set[str] = set()
    for c in children.get(d, ()):
        if is_test(c):
            continue
        if c in executed:
            out.add(c)
        else:
            out |= down(c)
    return out


def _below_all(tests: list[tuple[str, list[str]]], parents: Mapping[str, list[str]],
               children: Mapping[str, list[str]], executed: set[str], down: Callable[[str], frozenset[str]],
               is_test: Callable[[str], bool]) -> dict[str, set[str]]:
    """For tests of several nodes: the first executed nodes downstream of all of them.

    Ancestry is kept as bitsets over the nodes such tests depend on (one topological pass);
    each test's walk starts below its deepest dependency and stops where all are upstream."""
    relevant = {d for _, deps in tests for d in deps}
    bit = {d: 1 << i for i, d in enumerate(sorted(relevant))}
    order = _topological([n for n in set(parents) | set(children) if not is_test(n)], parents, is_test)
    position = {n: i for i, n in enumerate(order)}
    upstream: dict[str, int] = {}  # the node itself included
    for n in order:
        acc = bit.get(n, 0)
        for p in parents.get(n, ()):
            acc |= upstream.get(p, 0)
        upstream[n] = acc
    out: dict[str, set[str]] = {}
    for t, deps in tests:
        mask = 0
        for d in deps:
            mask |= bit[d]
        deepest = max(deps, key=lambda d: position.get(d, -1))
        targets: set[str] = set()
        seen: set[str] = set()
        stack = [c for c in children.get(deepest, ()) if not is_test(c)]
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            if upstream.get(n, 0) & mask == mask:
                if n in executed:
                    targets.add(n)
                else:
                    targets |= down(n)
                continue
            stack.extend(c for c in children.get(n, ()) if c not in seen and not is_test(c))
        out[t] = targets
    return out


def _topological(nodes: list[str], parents: Mapping[str, list[str]], is_test: Callable[[str], bool]) -> list[str]:
    """Parents before children (Kahn); nodes on a cycle come last, in any order."""
    members = set(nodes)
    indegree = {n: 0 for n in nodes}
    kids: dict[str, list[str]] = {}
    for n in nodes:
        for p in parents.get(n, ()):
            if p in members:
                indegree[n] += 1
                kids.setdefault(p, []).append(n)
    queue = [n for n in nodes if indegree[n] == 0]
    order = []
    while queue:
        n = queue.pop()
        order.append(n)
        for c in kids.get(n, ()):
            indegree[c] -= 1
            if indegree[c] == 0:
                queue.append(c)
    if len(order) < len(nodes):
        placed = set(order)
        order.extend(n for n in nodes if n not in placed)
    return order


def _nearest(step: Callable[[str], Iterable[str]], executed: set[str], memo: dict[str, frozenset[str]],
             skip: Callable[[str], bool]) -> Callable[[str], frozenset[str]]:
    """``f(n)``: the executed nodes reached from a non-executed ``n`` by ``step``, walking
    through non-executed nodes only (memoised; iterative, so deep graphs cannot overflow)."""

    def reach(start: str) -> frozenset[str]:
        if start in memo:
            return memo[start]
        stack = [start]
        expanded: set[str] = set()  # expanded and not yet memoised: on the current path
        while stack:
            cur = stack[-1]
            if cur in memo:
                stack.pop()
                continue
            if cur not in expanded:
                expanded.add(cur)
                pending = [n for n in step(cur)
                           if n not in executed and n not in memo and n not in expanded and not skip(n)]
                if pending:
                    stack.extend(pending)
                    continue
            acc: set[str] = set()
            for n in step(cur):
                if skip(n):
                    continue
                if n in executed:
                    acc.add(n)
                else:
                    acc |= memo.get(n, frozenset())  # missing only on a cycle
            memo[cur] = frozenset(acc)
            stack.pop()
        return memo[start]

    return reach
