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
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from ..config import COMPANY_TOKEN_PREFIX, WORKSPACE_TOKEN_PREFIX
from .catalog import Catalog

FAULT_KINDS = ("status", "reset", "truncate", "expired", "graphql_error", "null", "chunked")
DOWNLOAD = "download"  # the operation name counted for artifact downloads
EXPIRED_BODY = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
                b"<Message>Request has expired</Message></Error>")
_HTTP_TEXT = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
              503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass
class Fault:
    """One injected failure. ``op``: an operation name, ``"download"``, or None for any
    request; ``times``: how many matching requests it hits (None: all of them)."""

    kind: str
    op: str | None = None
    times: int | None = 1
    status: int = 500
    retry_after: float | None = None
    message: str = "injected error"
    fields: tuple[str, ...] = ()
    where: str | None = None  # downloads only: a part of the served file's location ("48011/4_run")
    hits: int = 0


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
        self._signing_key = secrets.token_bytes(32)
        self._schema = build()
        self._prepare = functools.lru_cache(maxsize=512)(self._parse_and_validate)
        self._root = Root(self.catalog, self._download_url)
        self._httpd = _Server((host, port), _Handler)
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

    def _count_and_match(self, ops: list[str], where: str | None = None) -> list[Fault]:
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


def _null_fields(value: Any, names: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {k: None if k in names else _null_fields(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_null_fields(v, names) for v in value]
    return value


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    app: LoopbackServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: clients that hang up (and injected resets) are expected here."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without this, Nagle + delayed ACK add 40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """No access log: requests carry credentials in headers."""

    # --- responses ------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None, truncate: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if truncate else body)
        if truncate:
            self.close_connection = True

    def _reset(self) -> None:
        """Close the socket with an RST, without answering."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def _apply_status(self, faults: list) -> bool:
        """Answer the first status/reset/expired-style fault; True when answered."""
        for fault in faults:
            if fault.kind == "reset":
                self._reset()
                return True
            if fault.kind == "status":
                headers = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
                text = _HTTP_TEXT.get(fault.status, "Error")
                self._send(fault.status, f"<html><body>{fault.status} {text}</body></html>".encode(), "text/html", headers)
                return True
        return False

    # --- GraphQL ----------------------------------------------------------------------------

    def do_POST(self) -> None:  # noqa: N802
        app = self.server.app
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if urlsplit(self.path).path != app.path:
            self._send(404, b'{"errors": [{"message": "not found"}]}')
            return
        try:
            request = orjson.loads(body)
            query, variables, name = request["query"], request.get("variables"), request.get("operationName")
        except (orjson.JSONDecodeError, KeyError, TypeError):
            app._count_and_match(["invalid"])
            self._send(400, b'{"errors": [{"message": "POST body must be JSON with a \\"query\\""}]}')
            return
        faults = app._count_and_match(app.operations(query, name))
        time.sleep(app.latency)
        if self._apply_status(faults):
            return
        if not app.authorized(self.headers):
            self._send(401, b'{"errors": [{"message": "Unauthorized: invalid API credentials"}]}')
            return
        error = next((f for f in faults if f.kind == "graphql_error"), None)
        if error is not None:
            self._send(200, orjson.dumps({"errors": [{"message": error.message}], "data": None}))
            return
        status, payload = app.execute(query, variables, name)
        for fault in faults:
            if fault.kind == "null" and payload.get("data"):
                payload["data"] = _null_fields(payload["data"], tuple(fault.fields))
        self._send(status, orjson.dumps(payload), truncate=any(f.kind == "truncate" for f in faults))

    # --- downloads ----------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        app = self.server.app
        url = urlsplit(self.path)
        if url.path == "/_stats":
            self._send(200, orjson.dumps({"counts": dict(app.counts)}))
            return
        parts = url.path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "files" or not parts[1].isdigit():
            self._send(404, b"not found", "text/plain")
            return
        resource = app.catalog.resources.get(int(parts[1]))
        faults = app._count_and_match([DOWNLOAD], resource.file.as_posix() if resource is not None else None)
        time.sleep(app.latency)
        if self._apply_status(faults):
            return
        expired = any(f.kind == "expired" for f in faults)
        if resource is None or expired or not app.url_valid(resource.id, parse_qs(url.query)):
            self._send(403, EXPIRED_BODY, "application/xml")
            return
        size = resource.size()
        self.send_response(200)
        json_file = resource.path.endswith(".json")
        self.send_header("Content-Type", "application/json" if json_file else "application/octet-stream")
        chunked = any(f.kind == "chunked" for f in faults)
        self.send_header(*(("Transfer-Encoding", "chunked") if chunked else ("Content-Length", str(size))))
        self.end_headers()
        truncate = any(f.kind == "truncate" for f in faults)
        if chunked:
            resource.copy_to(_Chunked(self.wfile), size // 2 if truncate else None)
            if not truncate:
                self.wfile.write(b"0\r\n\r\n")
        else:
            resource.copy_to(self.wfile, size // 2 if truncate else None)
        if truncate:
            self.close_connection = True
        else:
            with app._lock:
                app.downloaded[resource.path] += 1


class _Chunked:
    """HTTP/1.1 chunked transfer coding over a socket file."""

    def __init__(self, out: Any) -> None:
        self._out = out

    def write(self, data: bytes) -> None:
        if data:
            self._out.write(b"%x\r\n%s\r\n" % (len(data), data))


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
