"""Disk cache of downloaded artifacts, so a new kernel does not download them again.

Layout: ``<cache dir>/<workspace key>/<schedule slug>/<run id>/<command id>/<path>``, plus
``index.json`` per finished run (its commands and their files: a finished run never
changes, so a warm cache needs no ``boltRunStatus``/``boltCommand`` either). Files are
written to a temporary name and renamed, so an interrupted download never looks complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import quote

import orjson

from ..errors import ConfigurationError

INDEX_VERSION = 1


def default_cache_dir() -> Path:
    """``$PARADIME_NB_CACHE_DIR``, else ``$XDG_CACHE_HOME/paradime_nb``, else ``~/.cache/paradime_nb``."""
    if os.environ.get("PARADIME_NB_CACHE_DIR"):
        return Path(os.environ["PARADIME_NB_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return Path(base).expanduser() / "paradime_nb"


def workspace_key(endpoint: str, workspace_uid: str | None) -> str:
    """A short stable folder name per workspace (never derived from a secret)."""
    return hashlib.sha256(f"{endpoint}\n{workspace_uid or ''}".encode()).hexdigest()[:16]


def _safe(part: str) -> str:
    return quote(part, safe="-_.") or "_"


class ArtifactCache:
    def __init__(self, root: str | os.PathLike[str], namespace: str) -> None:
        self.root = Path(root).expanduser()
        self.folder = self.root / namespace
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(f"cache folder {self.folder} cannot be created ({exc.strerror})") from None

    def __repr__(self) -> str:
        return f"ArtifactCache({str(self.folder)!r})"

    def run_dir(self, slug: str, run_id: int) -> Path:
        return self.folder / _safe(slug) / str(int(run_id))

    def file_path(self, slug: str, run_id: int, command_id: int, path: str) -> Path:
        """Where a command's file lives; ``..`` and absolute parts of an API path are dropped."""
        parts = [p for p in PurePosixPath(path).parts if p not in ("/", "..", ".")]
        return self.run_dir(slug, run_id).joinpath(str(int(command_id)), *(_safe(p) for p in parts or ["_"]))

    @contextlib.contextmanager
    def writing(self, target: Path) -> Iterator[IO[bytes]]:
        """A file to write ``target`` into; renamed into place only when the block succeeds."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "w+b") as fh:
                yield fh
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def read_index(self, slug: str, run_id: int) -> dict[str, Any] | None:
        path = self.run_dir(slug, run_id) / "index.json"
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        return data if isinstance(data, dict) and data.get("version") == INDEX_VERSION else None

    def write_index(self, slug: str, run_id: int, data: dict[str, Any]) -> None:
        target = self.run_dir(slug, run_id) / "index.json"
        with self.writing(target) as fh:
            fh.write(orjson.dumps({**data, "version": INDEX_VERSION}))

    def clear(self, slug: str | None = None) -> None:
        """Forget this workspace's cached files (or one schedule's)."""
        target = self.folder / _safe(slug) if slug is not None else self.folder
        shutil.rmtree(target, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
