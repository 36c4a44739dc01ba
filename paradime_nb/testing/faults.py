"""Faults the loopback server injects on demand (``LoopbackServer.inject``), and the
fixed answers it gives for them."""

from __future__ import annotations

from dataclasses import dataclass

FAULT_KINDS = ("status", "reset", "truncate", "expired", "graphql_error", "null", "chunked")
DOWNLOAD = "download"  # the operation name counted for artifact downloads
EXPIRED_BODY = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
                b"<Message>Request has expired</Message></Error>")
HTTP_TEXT = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
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
