"""Shared helpers of the Bolt API tests: distinctive secrets, clients over the loopback
server, whole-store snapshots, and the check that no secret leaks into logs or errors."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paradime_nb import Paradime
from paradime_nb.store.store import RUN_TABLES
from paradime_nb.testing import LoopbackServer

API_KEY = "key-Zq81-DO-NOT-LEAK"
API_SECRET = "secret-Vx42-DO-NOT-LEAK"
WORKSPACE_TOKEN = "prdm_wsp_Tok55-DO-NOT-LEAK"
COMPANY_TOKEN = "prdm_cmp_Tok77-DO-NOT-LEAK"
SECRETS = (API_KEY, API_SECRET, WORKSPACE_TOKEN, COMPANY_TOKEN, "DO-NOT-LEAK")

# Small backoffs keep fault tests fast; the behaviour (what is retried) is the same.
FAST = {"retries": 2, "backoff_factor": 0.01, "backoff_jitter": 0.01, "backoff_max": 0.05, "retry_after_max": 2,
        "progress": False}

TABLES = ("schedules", "runs", *RUN_TABLES)
IGNORED = {"runs": ("loaded_at",), "schedules": ("source",)}


def server(runs: Path, **options: Any) -> LoopbackServer:
    options.setdefault("api_key", API_KEY)
    options.setdefault("api_secret", API_SECRET)
    return LoopbackServer(runs, **options)


def api_client(srv: LoopbackServer, cache_dir: Path, **options: Any) -> Paradime:
    """A client of ``srv``; ``options`` may override its credentials too."""
    return Paradime(**{**srv.credentials(), **FAST, "cache_dir": cache_dir, **options})


def rows(client: Paradime, table: str, ignore: tuple[str, ...] = ()) -> list[tuple]:
    skip = IGNORED.get(table, ()) + ignore
    cols = [c for (c,) in client.store.fetchall(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [table])
        if c not in skip]
    quoted = ", ".join(f'"{c}"' for c in cols)
    return client.store.fetchall(f"SELECT {quoted} FROM {table} ORDER BY ALL")


def snapshot(client: Paradime) -> dict[str, list[tuple]]:
    return {table: rows(client, table) for table in TABLES}


def assert_no_secret(*texts: object) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in str(text), f"a secret leaked into: {str(text)[:200]!r}"


@pytest.fixture(autouse=True)
def no_secrets_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every log record of every test (urllib3's and ours, at DEBUG) is searched for secrets."""
    caplog.set_level(logging.DEBUG)
    yield
    assert_no_secret(caplog.text, *(r.getMessage() for r in caplog.records))


@contextlib.contextmanager
def raises(kind: type[BaseException], *fragments: str) -> Iterator[pytest.ExceptionInfo]:
    """``pytest.raises`` that also checks the message names the cause and holds no secret."""
    with pytest.raises(kind) as info:
        yield info
    message = str(info.value)
    assert_no_secret(message, repr(info.value), info.value.__cause__, info.value.__context__)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
