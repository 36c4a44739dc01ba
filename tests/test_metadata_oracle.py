"""An independent reading of the raw fixture JSON, for the metadata tests to compare with.

Nothing here touches paradime_nb: it walks the saved-runs folders itself, picks each
node's latest result by hand, walks the graph with its own BFS and applies the documented
health rules in plain Python. The tests at the bottom check the oracle against what the
fixtures' run.json descriptions say happened, so a wrong oracle fails on its own.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tests.conftest import JAFFLE

EXECUTING = {"run", "test", "build", "seed", "snapshot", "retry"}
OK = {"success", "pass", "no-op", "reused"}
ERROR = {"error", "runtime error", "fail"}
BAD_TEST = {"fail", "error", "runtime error"}
TESTS = {"test", "unit_test"}
# dbt Fusion capitalises statuses (Success, RuntimeError): the README says they read as dbt-core's
KNOWN = {"success", "error", "skipped", "pass", "fail", "warn", "runtime error", "partial success", "no-op", "reused"}
PERIOD = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}


def normalize(status: str | None) -> str | None:
    if status is None:
        return None
    low = status.lower().replace("runtimeerror", "runtime error")
    return low if low in KNOWN else status


def read_json(path: Path) -> dict:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return json.loads(data)


def _ts(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


@dataclass
class Command:
    index: int
    line: str
    exit_code: int | None
    which: str | None = None
    invocation: str | None = None
    results: list[dict] = field(default_factory=list, repr=False)
    freshness: list[dict] = field(default_factory=list, repr=False)
    manifest_path: Path | None = None

    @property
    def executes(self) -> bool:
        return self.which in EXECUTING


@dataclass
class Run:
    run_id: int
    state: str
    started_at: datetime
    ended_at: datetime | None
    commands: list[Command]

    _manifest: dict | None = field(default=None, repr=False, compare=False)

    @property
    def manifest(self) -> dict | None:
        """The run's last manifest (the one that describes it), read on first use."""
        if self._manifest is None:
            found = [c.manifest_path for c in self.commands if c.manifest_path is not None]
            self._manifest = read_json(found[-1]) if found else None
        return self._manifest


def _artifact(folder: Path, name: str) -> Path | None:
    for candidate in sorted(folder.rglob(name)) + sorted(folder.rglob(name + ".gz")):
        return candidate
    return None


def read_runs(schedule_dir: Path = JAFFLE) -> list[Run]:
    """Every run of a saved-runs schedule folder, oldest first."""
    runs = []
    for run_dir in schedule_dir.iterdir():
        if not (run_dir / "run.json").exists():
            continue
        meta = read_json(run_dir / "run.json")
        commands = []
        for cmd_dir in sorted((p for p in run_dir.iterdir() if p.is_dir()), key=lambda p: int(p.name.split("_")[0])):
            info = read_json(cmd_dir / "command.json")
            cmd = Command(int(cmd_dir.name.split("_")[0]), info["command"], info.get("returnCode"))
            rr = _artifact(cmd_dir, "run_results.json")
            if rr is not None:
                doc = read_json(rr)
                cmd.which = doc.get("args", {}).get("which")
                cmd.invocation = doc.get("metadata", {}).get("invocation_id")
                cmd.results = doc["results"]
            src = _artifact(cmd_dir, "sources.json")
            if src is not None:
                cmd.freshness = read_json(src)["results"]
            cmd.manifest_path = _artifact(cmd_dir, "manifest.json")
            commands.append(cmd)
        runs.append(Run(meta["id"], meta["state"], _ts(meta["startDttm"]), _ts(meta.get("endDttm")), commands))
    return sorted(runs, key=lambda r: (r.started_at, r.run_id))


# --- the graph of a manifest -------------------------------------------------------------


class Graph:
    """A manifest's nodes and depends_on edges, read straight from the JSON."""

    SECTIONS = ("nodes", "sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests", "functions")

    def __init__(self, manifest: dict) -> None:
        self.nodes: dict[str, dict] = {}
        for section in self.SECTIONS:
            for uid, node in (manifest.get(section) or {}).items():
                if section == "unit_tests":
                    node = {**node, "resource_type": "unit_test"}
                self.nodes[uid] = node
        self.parents: dict[str, set[str]] = {u: set() for u in self.nodes}
        self.children: dict[str, set[str]] = {u: set() for u in self.nodes}
        for uid, node in self.nodes.items():
            for p in (node.get("depends_on") or {}).get("nodes") or []:
                if p in self.nodes and p != uid:
                    self.parents[uid].add(p)
                    self.children[p].add(uid)

    def rtype(self, uid: str) -> str:
        return self.nodes[uid]["resource_type"]

    def is_test(self, uid: str) -> bool:
        return self.rtype(uid) in TESTS

    def bfs(self, start: list[str] | set[str], direction: str, depth: int | None = None,
            through_tests: bool = False) -> dict[str, int]:
        """node -> shortest distance from the start set (start nodes 0)."""
        step = self.parents if direction == "up" else self.children
        dist = {s: 0 for s in start}
        queue = deque(start)
        while queue:
            u = queue.popleft()
            if depth is not None and dist[u] >= depth:
                continue
            for v in step[u]:
                if v not in dist and (through_tests or not self.is_test(v)):
                    dist[v] = dist[u] + 1
                    queue.append(v)
        return dist

    def test_targets(self, test_id: str) -> list[str]:
        node = self.nodes[test_id]
        attached = node.get("attached_node")
        return [attached] if attached else sorted(self.parents[test_id])

    def severity(self, test_id: str) -> str:
        sev = (self.nodes[test_id].get("config") or {}).get("severity")
        return sev.lower() if isinstance(sev, str) else "error"

    def tests(self) -> list[str]:
        return [u for u in self.nodes if self.is_test(u)]


# --- what a set of loaded runs says ------------------------------------------------------


class History:
    """What the store should conclude from these runs (oldest first)."""

    def __init__(self, runs: list[Run]) -> None:
        self.runs = sorted(runs, key=lambda r: (r.started_at, r.run_id))
        with_manifest = [r for r in self.runs if r.manifest is not None]
        self.graph = Graph(with_manifest[-1].manifest) if with_manifest else None
        self.result: dict[str, tuple[dict, Run]] = {}
        self.freshness: dict[str, tuple[dict, Run]] = {}
        for run in self.runs:
            for cmd in self.counted_commands(run):
                for r in cmd.results:
                    self.result[r["unique_id"]] = (r, run)
            for cmd in run.commands:
                for f in cmd.freshness:
                    self.freshness[f["unique_id"]] = (f, run)

    @staticmethod
    def counted_commands(run: Run) -> list[Command]:
        """Commands whose results count (executing, and a dbt invocation counted once)."""
        seen, out = set(), []
        for cmd in run.commands:
            if cmd.executes and cmd.invocation not in seen:
                seen.add(cmd.invocation)
                out.append(cmd)
        return out

    def status(self, uid: str) -> str | None:
        found = self.result.get(uid)
        return normalize(found[0]["status"]) if found else None

    def fresh_status(self, uid: str) -> str | None:
        found = self.freshness.get(uid)
        return normalize(found[0]["status"]) if found else None

    # the health rules of MetadataClient.get_model_health, restated
    def test_map(self) -> dict[str, list[str]]:
        g = self.graph
        out: dict[str, list[str]] = {}
        for t in g.tests():
            for target in g.test_targets(t):
                out.setdefault(target, []).append(t)
        return out

    def own_health(self) -> dict[str, str]:
        g, tests = self.graph, self.test_map()
        out = {}
        for uid, node in g.nodes.items():
            rtype = node["resource_type"]
            mine = tests.get(uid, [])
            critical_test = any(self.status(t) in BAD_TEST and g.severity(t) == "error" for t in mine)
            warning_test = any(self.status(t) == "warn" or (self.status(t) in BAD_TEST and g.severity(t) == "warn")
                               for t in mine)
            if rtype == "source":
                fs = self.fresh_status(uid)
                if fs == "error" or critical_test:
                    out[uid] = "Critical"
                elif (fs is not None and fs != "pass") or warning_test:
                    out[uid] = "Warning"
                elif fs is None and all(self.status(t) is None for t in mine):
                    out[uid] = "Unknown"
                else:
                    out[uid] = "Healthy"
            elif rtype in ("model", "seed", "snapshot", "function"):
                ephemeral = (node.get("config") or {}).get("materialized") == "ephemeral"
                status = None if ephemeral else self.status(uid)
                if status in ERROR or critical_test:
                    out[uid] = "Critical"
                elif warning_test:  # test evidence wins over "never executed"
                    out[uid] = "Warning"
                elif status is None and not ephemeral:
                    out[uid] = "Unknown"
                elif status is not None and status not in OK:
                    out[uid] = "Warning"
                else:
                    out[uid] = "Healthy"
        return out

    def health(self) -> dict[str, str]:
        """Models, seeds, snapshots and sources of the latest manifest -> health."""
        g, own = self.graph, self.own_health()
        tests = self.test_map()
        crit_origins = [u for u, h in own.items() if h == "Critical" and (
            g.rtype(u) != "source" or any(self.status(t) in BAD_TEST and g.severity(t) == "error" for t in tests.get(u, [])))]
        src_error = [u for u in own if g.rtype(u) == "source" and self.fresh_status(u) == "error"]
        src_warn = [u for u in own if g.rtype(u) == "source" and self.fresh_status(u) not in (None, "pass", "error")]

        def below(origins: list[str]) -> set[str]:
            reached: set[str] = set()
            for o in origins:
                reached |= set(g.bfs([o], "down", through_tests=True)) - {o}
            return reached

        up_crit, up_err, up_warn = below(crit_origins), below(src_error), below(src_warn)
        out = {}
        for uid, h in own.items():
            if h == "Unknown" and g.rtype(uid) != "source":
                out[uid] = "Unknown"
            elif h == "Critical" or uid in up_err:
                out[uid] = "Critical"
            elif h == "Warning" or uid in up_crit or uid in up_warn:
                out[uid] = "Warning"
            else:
                out[uid] = h
        return out

    def downstream_health(self) -> dict[str, str]:
        """Exposures, analyses, metrics...: the worst health of the nearest models, seeds,
        snapshots and sources above them, at least a warning when their own result says
        skipped (critical if it errored)."""
        g, health = self.graph, self.health()
        rank = {"Healthy": 0, "Unknown": 1, "Warning": 2, "Critical": 3}
        names = {v: k for k, v in rank.items()}
        out = {}
        for uid, node in g.nodes.items():
            if node["resource_type"] not in ("exposure", "analysis", "metric", "semantic_model", "saved_query"):
                continue
            nearest, stack, seen = set(), list(g.parents[uid]), set()
            while stack:
                p = stack.pop()
                if p in seen:
                    continue
                seen.add(p)
                if p in health:
                    nearest.add(p)
                elif not g.is_test(p):
                    stack.extend(g.parents[p])
            worst = max((rank[health[p]] for p in nearest), default=1)
            status = self.status(uid)
            own = 3 if status in ERROR else 0 if status is None or status in OK else 2
            out[uid] = names[max(worst, own)]
        return out

    def model_health(self) -> dict[str, str]:
        return {u: h for u, h in self.health().items() if self.graph.rtype(u) == "model"}

    def failing_tests(self) -> set[str]:
        return {t for t in self.graph.tests() if self.status(t) in BAD_TEST}

    def latest_run(self) -> Run:
        return self.runs[-1]


# --- numbers -----------------------------------------------------------------------------


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def final_results(run: Run) -> dict[str, dict]:
    """A node's final result within one run: the last counted command that executed it."""
    out: dict[str, dict] = {}
    for cmd in History.counted_commands(run):
        for r in cmd.results:
            out[r["unique_id"]] = r
    return out


def seconds(count: int | None, period: str | None) -> int | None:
    return None if count is None or period is None else count * PERIOD[period]


# --- the oracle checks itself against what the fixtures say happened ---------------------


def test_oracle_reads_the_stories_of_the_runs():
    runs = {r.run_id: r for r in read_runs()}
    assert sorted(runs) == list(range(48001, 48013))
    # 48003: int_payments_usd errors in `dbt run`, `dbt retry` fixes it
    first = {r["unique_id"]: r["status"] for r in runs[48003].commands[3].results}
    assert first["model.jaffle_shop.int_payments_usd"] == "error"
    assert final_results(runs[48003])["model.jaffle_shop.int_payments_usd"]["status"] == "success"
    # 48005: freshness gate, nothing executed, 2 errors and a warning
    assert final_results(runs[48005]) == {}
    assert sorted(f["status"] for c in runs[48005].commands for f in c.freshness) == ["error", "error", "warn"]
    # 48010 adds customer_segments to the manifest
    assert "model.jaffle_shop.customer_segments" not in Graph(runs[48009].manifest).nodes
    assert "model.jaffle_shop.customer_segments" in Graph(runs[48010].manifest).nodes
    # docs generate results never count
    assert all(c.which != "generate" for c in History.counted_commands(runs[48001]))


def test_oracle_health_follows_the_documented_rules_on_known_days():
    runs = read_runs()
    by_id = {r.run_id: i for i, r in enumerate(runs)}
    # 48005 alone: nothing ever ran, every model unknown but the ephemeral one, which is
    # never run and takes its health from upstream: raw_payments is past error_after
    alone = History([runs[by_id[48005]]])
    models = alone.model_health()
    assert models.pop("model.jaffle_shop.int_order_payments") == "Critical"
    assert set(models.values()) == {"Unknown"}
    health = alone.health()
    assert health["source.jaffle_shop.jaffle_raw.raw_orders"] == "Critical"
    assert health["source.jaffle_shop.jaffle_raw.raw_customers"] == "Warning"
    # 48009 alone: int_payments_usd errored (critical), its descendants warned or skipped
    h = History([runs[by_id[48009]]]).model_health()
    assert h["model.jaffle_shop.int_payments_usd"] == "Critical"
    assert h["model.jaffle_shop.fct_daily_revenue_usd"] == "Warning"
    # 48004 alone: duplicate payment ids fail unique tests on staging and intermediate
    h = History([runs[by_id[48004]]]).model_health()
    assert h["model.jaffle_shop.stg_payments"] == "Critical"
    assert h["model.jaffle_shop.int_payments_usd"] == "Critical"


def test_oracle_bfs_levels_are_shortest_distances():
    g = Graph(read_runs()[-1].manifest)
    up = g.bfs(["model.jaffle_shop.customers"], "up")
    assert up["model.jaffle_shop.stg_orders"] == 1
    assert up["seed.jaffle_shop.raw_orders"] == 2
    down = g.bfs(["model.jaffle_shop.stg_payments"], "down")
    # stg_payments -> customers directly, and also via int_order_payments -> orders -> ...
    assert down["model.jaffle_shop.customers"] == 1
    assert all(not g.is_test(u) for u in down)
