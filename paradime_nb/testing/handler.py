"""The loopback server's HTTP side: one request handler for GraphQL POSTs and file GETs.
It asks the server (``LoopbackServer``) through its public methods only."""

from __future__ import annotations

import socket
import struct
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import orjson

from .faults import DOWNLOAD, EXPIRED_BODY, HTTP_TEXT

if TYPE_CHECKING:
    from .server import LoopbackServer


def _null_fields(value: Any, names: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {k: None if k in names else _null_fields(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_null_fields(v, names) for v in value]
    return value


class LoopbackHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    app: LoopbackServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: clients that hang up (and injected resets) are expected here."""


class LoopbackHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LoopbackHTTPServer

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
                text = HTTP_TEXT.get(fault.status, "Error")
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
            app.count_and_match(["invalid"])
            self._send(400, b'{"errors": [{"message": "POST body must be JSON with a \\"query\\""}]}')
            return
        faults = app.count_and_match(app.operations(query, name))
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
        faults = app.count_and_match([DOWNLOAD], resource.file.as_posix() if resource is not None else None)
        app.downloads_open.wait(timeout=120)
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
            resource.copy_to(Chunked(self.wfile), size // 2 if truncate else None)
            if not truncate:
                self.wfile.write(b"0\r\n\r\n")
        else:
            resource.copy_to(self.wfile, size // 2 if truncate else None)
        if truncate:
            self.close_connection = True
        else:
            app.record_download(resource.path)


class Chunked:
    """HTTP/1.1 chunked transfer coding over a socket file."""

    def __init__(self, out: Any) -> None:
        self._out = out

    def write(self, data: bytes) -> None:
        if data:
            self._out.write(b"%x\r\n%s\r\n" % (len(data), data))
