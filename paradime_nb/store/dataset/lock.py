"""One writer at a time per dataset.

On a local path the lock is ``flock`` on ``DIR/_lock``: the kernel releases it when the
holder dies, even by SIGKILL, so a crash never leaves a dataset locked. Object stores have
no such primitive: there a ``_lock.json`` marker is written and removed (best effort: two
writers starting in the same instant can both proceed; schedule one sync job per dataset).
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ...errors import DatasetLockedError
from .layout import Layout

_MARKER_TTL = 15 * 60


@contextmanager
def writer_lock(layout: Layout, timeout: float) -> Iterator[None]:
    """Hold the dataset's writer lock; wait up to ``timeout`` seconds for it, then raise."""
    from pyarrow import fs as pafs  # noqa: PLC0415

    if isinstance(layout.fs, pafs.LocalFileSystem):
        with _flock(layout, timeout):
            yield
    else:
        with _marker(layout, timeout):
            yield


@contextmanager
def _flock(layout: Layout, timeout: float) -> Iterator[None]:
    import fcntl  # noqa: PLC0415

    path = layout.path("_lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read(path)
                    raise DatasetLockedError(
                        f"{layout.url}: another sync is writing this dataset{holder}; waited {timeout:g}s "
                        "(nothing was written; run again when it is done, or pass a longer lock_timeout)"
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(_me()).encode())
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            holder = json.load(fh)
        return f" (pid {holder.get('pid')} on {holder.get('host')})"
    except (OSError, ValueError):
        return ""


def _me() -> dict:
    return {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}


@contextmanager
def _marker(layout: Layout, timeout: float) -> Iterator[None]:
    path = layout.path("_lock.json")
    deadline = time.monotonic() + timeout
    while True:
        try:
            holder = layout.read_json(path)
        except Exception:  # noqa: BLE001  (no marker: free)
            holder = None
        if holder is None or time.time() - float(holder.get("since", 0)) > _MARKER_TTL:
            break
        if time.monotonic() >= deadline:
            raise DatasetLockedError(
                f"{layout.url}: another sync is writing this dataset (pid {holder.get('pid')} on "
                f"{holder.get('host')}); waited {timeout:g}s, nothing was written"
            )
        time.sleep(0.5)
    layout.write_json_atomically(path, _me())
    try:
        yield
    finally:
        layout.fs.delete_file(path)
