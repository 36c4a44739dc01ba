"""Helpers shared by the reliability suites: store fingerprints, runs built in memory,
the loopback server with distinctive credentials."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from paradime_nb import Paradime
from paradime_nb.sources.model import ArtifactFile, CommandInfo, RunData, RunInfo, ScheduleInfo
from paradime_nb.store import Store
from paradime_nb.store.store import RUN_TABLES
from paradime_nb.testing import LoopbackServer
from tests.bolt_support import FAST, api_client, server

TABLES = ("schedules", "runs", *RUN_TABLES)


def store_state(store: Store) -> dict[str, tuple[int, int | None]]:
    """Row count and an order-free hash of every row, per table: equal states hold the
    same rows (up to a 64-bit hash collision)."""
    return {
        table: tuple(store.fetchall(f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {table} t")[0])  # noqa: S608
        for table in TABLES
    }


def fields_of(parsed: Any) -> dict[str, Any]:
    """A parsed artifact's fields, minus the path it was read from."""
    return {f.name: getattr(parsed, f.name) for f in dataclasses.fields(parsed) if f.name != "path"}


def memory_file(path: str, data: bytes) -> ArtifactFile:
    return ArtifactFile(path, lambda: data, len(data))


def run_data(run_id: int, commands: Sequence[tuple[str, Sequence[ArtifactFile]]], *,
             schedule: str = "fuzz", state: str = "SUCCESS") -> RunData:
    """A run of ``schedule`` whose commands are (command line, files) in order."""
    return RunData(
        schedule=ScheduleInfo(schedule, schedule),
        run=RunInfo(run_id, state),
        commands=[CommandInfo(i + 1, line, 0, files=tuple(files)) for i, (line, files) in enumerate(commands)],
    )


@contextlib.contextmanager
def server_and_client(runs: Path, cache_dir: Path, *, server_options: dict[str, Any] | None = None,
                      **options: Any) -> Iterator[tuple[LoopbackServer, Paradime]]:
    """A started loopback server over ``runs`` and an API client of it (small backoffs)."""
    with server(runs, **(server_options or {})) as srv:
        client = api_client(srv, cache_dir, **options)
        try:
            yield srv, client
        finally:
            client.close()


__all__ = ["FAST", "TABLES", "fields_of", "memory_file", "run_data", "server_and_client", "store_state"]
