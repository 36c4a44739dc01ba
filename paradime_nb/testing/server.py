"""A loopback Paradime Bolt API: real HTTP on 127.0.0.1, serving a saved-runs folder.

It validates every GraphQL document against the Bolt schema (graphql-core), checks the
three authentication modes (HTTP 401 otherwise), signs download URLs that expire,
counts requests by operation and injects faults on demand. Use it as a context manager::

    with LoopbackServer(runs_dir, api_key="k", api_secret="s") as server:
        client = Paradime(**server.credentials(), cache_dir=tmp)
        server.inject("status", op="listBoltRuns", status=503)
        server.counts["listBoltRuns"]

or from a shell: ``python -m paradime_nb.testing.server --runs DIR --port N --api-key K
--api-secret S`` prints the endpoint URL on its first line, then serves until interrupted.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from ..config import COMPANY_TOKEN_PREFIX, WORKSPACE_TOKEN_PREFIX
from .catalog import Catalog
from .faults import DOWNLOAD, EXPIRED_BODY, FAULT_KINDS, Fault
from .handler import LoopbackHandler, LoopbackHTTPServer

__all__ = ["DOWNLOAD", "EXPIRED_BODY", "FAULT_KINDS", "Fault", "LoopbackServer", "default_runs_dir", "main"]


def default_runs_dir() -> Path:
    """The bundled demo runs (12 runs of ``jaffle-daily``)."""
    return Path(__file__).resolve().parents[1] / "demo_data" / "runs"


class LoopbackServer:
    def __init__(
        self,
        runs: str | os.PathLike[str] | None = None,
        *,
        api_key: str | None = "test-api-key",
        api_secret: str = "test-api-secret",
        workspace_uid: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        url_ttl: float = 300.0,
        latency: float = 0.0,
        replicate: int | None = None,
        path: str = "/api/v1/graphql",
    ) -> None:
        try:
            from .schema import Root, build  # noqa: PLC0415  (graphql-core: a test/server extra)
        except ImportError as exc:
            raise ImportError("the loopback server needs graphql-core: pip install 'paradime_nb[server]'") from exc

        if api_secret.startswith(COMPANY_TOKEN_PREFIX) and not workspace_uid:
            raise ValueError("a company token server needs workspace_uid")
        self.catalog = Catalog(runs if runs is not None else default_runs_dir(), replicate=replicate)
        self.api_key, self.api_secret, self.workspace_uid = api_key, api_secret, workspace_uid
        self.url_ttl = url_ttl
        self.latency = latency
        self.path = path
        self.counts: Counter[str] = Counter()
        self.downloaded: Counter[str] = Counter()  # completed downloads by file path
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self.downloads_open = threading.Event()  # cleared: every download waits (a deterministic overlap)
        self.downloads_open.set()
        self._signing_key = secrets.token_bytes(32)
        self._schema = build()
        self._prepare = functools.lru_cache(maxsize=512)(self._parse_and_validate)
        self._root = Root(self.catalog, self._download_url)
        self._httpd = LoopbackHTTPServer((host, port), LoopbackHandler)
        self._httpd.app = self
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def endpoint(self) -> str:
        return self.base_url + self.path

    def credentials(self) -> dict[str, str | None]:
        """Keyword arguments for ``Paradime(...)`` / ``BoltSource.from_credentials``."""
        return {"api_endpoint": self.endpoint, "api_key": self.api_key, "api_secret": self.api_secret,
                "workspace_uid": self.workspace_uid}

    def start(self) -> LoopbackServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the command line)."""
        try:
            self._httpd.serve_forever(poll_interval=0.1)
        except KeyboardInterrupt:
            pass
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        self.downloads_open.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LoopbackServer(endpoint={self.endpoint!r}, runs={str(self.catalog.root)!r})"

    # --- counting and faults -----------------------------------------------------------

    def pause_downloads(self) -> None:
        """Hold every artifact download until ``resume_downloads``: a client is then
        mid-load for as long as a test needs (a cron overlap without timing luck)."""
        self.downloads_open.clear()

    def resume_downloads(self) -> None:
        self.downloads_open.set()

    def inject(self, kind: str, op: str | None = None, *, times: int | None = 1, **details: Any) -> Fault:
        """Add a fault (see ``FAULT_KINDS``); details: ``status``, ``retry_after``, ``message``, ``fields``,
        ``where`` (only downloads of files whose location holds it). ``chunked``: a download
        sent without Content-Length."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(FAULT_KINDS)}")
        fault = Fault(kind, op, times, **details)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Forget faults and counts."""
        with self._lock:
            self.faults.clear()
            self.counts.clear()
            self.downloaded.clear()

    def total_requests(self) -> int:
        return sum(self.counts.values())

    def count_and_match(self, ops: list[str], where: str | None = None) -> list[Fault]:
        with self._lock:
            self.counts.update(ops)
            hit = []
            for fault in self.faults:
                placed = fault.where is None or (where is not None and fault.where in where)
                if (fault.op is None or fault.op in ops) and placed and (fault.times is None or fault.hits < fault.times):
                    fault.hits += 1
                    hit.append(fault)
            return hit

    # --- auth and URLs ------------------------------------------------------------------

    def record_download(self, path: str) -> None:
        with self._lock:
            self.downloaded[path] += 1

    def authorized(self, headers: Any) -> bool:
        def same(name: str, expected: str | None) -> bool:
            return expected is not None and hmac.compare_digest((headers.get(name) or "").encode(), expected.encode())

        if self.api_secret.startswith((WORKSPACE_TOKEN_PREFIX, COMPANY_TOKEN_PREFIX)):
            ok = same("Authorization", f"Bearer {self.api_secret}")
            if self.api_secret.startswith(COMPANY_TOKEN_PREFIX):
                ok = ok and same("X-Paradime-Workspace", self.workspace_uid)
            return ok
        return same("X-API-KEY", self.api_key) and same("X-API-SECRET", self.api_secret)

    def _signature(self, resource_id: int, expires: str) -> str:
        return hmac.new(self._signing_key, f"{resource_id}:{expires}".encode(), hashlib.sha256).hexdigest()

    def _download_url(self, resource_id: int) -> str:
        expires = f"{time.time() + self.url_ttl:.3f}"
        return f"{self.base_url}/files/{resource_id}?expires={expires}&sig={self._signature(resource_id, expires)}"

    def url_valid(self, resource_id: int, query: dict[str, list[str]]) -> bool:
        expires, sig = (query.get("expires") or [""])[0], (query.get("sig") or [""])[0]
        try:
            alive = float(expires) > time.time()
        except ValueError:
            return False
        return alive and hmac.compare_digest(sig, self._signature(resource_id, expires))

    # --- GraphQL --------------------------------------------------------------------------

    def _parse_and_validate(self, query: str) -> tuple[Any, list[dict[str, Any]]]:
        """(document or None, formatted errors); cached per query text, as servers do."""
        from graphql import GraphQLError, parse, validate  # noqa: PLC0415

        try:
            document = parse(query)
        except GraphQLError as exc:
            return None, [exc.formatted]
        return document, [e.formatted for e in validate(self._schema, document)]

    def operations(self, query: str, operation_name: str | None) -> list[str]:
        """Top-level fields of the operation a document runs (what requests are counted by)."""
        from graphql import FieldNode, OperationDefinitionNode  # noqa: PLC0415

        document, _errors = self._prepare(query)
        for node in document.definitions if document is not None else ():
            named = operation_name is None or (node.name is not None and node.name.value == operation_name)
            if isinstance(node, OperationDefinitionNode) and named:
                return [s.name.value for s in node.selection_set.selections if isinstance(s, FieldNode)]
        return ["invalid"]

    def execute(self, query: str, variables: Any, operation_name: str | None) -> tuple[int, dict[str, Any]]:
        from graphql import execute_sync  # noqa: PLC0415

        document, errors = self._prepare(query)
        if errors:
            return 400, {"errors": errors}
        result = execute_sync(self._schema, document, root_value=self._root,
                              variable_values=variables if isinstance(variables, dict) else None,
                              operation_name=operation_name)
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [e.formatted for e in result.errors]
        return 200, body


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m paradime_nb.testing.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", default=None, help="saved-runs folder (default: the bundled demo runs)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--api-key", default="test-api-key")
    parser.add_argument("--api-secret", default="test-api-secret", help="prdm_wsp_/prdm_cmp_ tokens switch the auth mode")
    parser.add_argument("--workspace-uid", default=None)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    parser.add_argument("--url-ttl", type=float, default=300.0, help="seconds a download URL stays valid")
    parser.add_argument("--replicate", type=int, default=None, help="copy runs so each schedule has at least N")
    args = parser.parse_args(argv)
    server = LoopbackServer(
        args.runs, api_key=args.api_key, api_secret=args.api_secret, workspace_uid=args.workspace_uid,
        host=args.host, port=args.port, url_ttl=args.url_ttl, latency=args.latency, replicate=args.replicate,
    )
    print(server.endpoint, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
