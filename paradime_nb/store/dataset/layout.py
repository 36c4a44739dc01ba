"""Where a dataset's files live and what its commit log says.

```
DIR/_paradime_dataset.json                       format and schema version
DIR/_commits/<seq>.json                          one per committed batch: its runs, versions and files
DIR/<table>/schedule_name=<s>/run_month=<YYYY-MM>/part-<commit>.parquet   per-run result tables
DIR/<table>/schedule_name=<s>/part-<commit>.parquet                       runs, commands, versions, ...
```

A data file is part of the dataset only once a commit lists it: files are written first
and the commit record is published last (written aside, then moved into place), so a
reader never sees part of a run and a crashed writer leaves only unlisted files, which
the next sync deletes. Paths go through pyarrow filesystems (local, ``s3://``, ``gs://``,
``abfs://`` by URL; fsspec's where pyarrow has none).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from ...errors import DatasetError

#: Bumped when a change would make older readers misread a dataset.
DATASET_SCHEMA_VERSION = 1
FORMAT = "paradime_nb-dataset"
INFO_FILE = "_paradime_dataset.json"
COMMITS = "_commits"
_COMMIT_NAME = re.compile(r"^(\d{10})\.json$")


def resolve(url: str, filesystem: Any = None) -> tuple[Any, str, str]:
    """(pyarrow filesystem, root path inside it, URL prefix DuckDB reads files by)."""
    from pyarrow import fs as pafs  # noqa: PLC0415

    if filesystem is not None:
        return filesystem, url.rstrip("/"), url.rstrip("/")
    if "://" not in url or url.startswith("file://"):
        path = os.path.abspath(url[7:] if url.startswith("file://") else url)
        return pafs.LocalFileSystem(), path, path
    scheme = url.split("://", 1)[0]
    try:
        fs, path = pafs.FileSystem.from_uri(url)
    except Exception:  # noqa: BLE001  (pyarrow built without that filesystem: try fsspec)
        try:
            import fsspec  # noqa: PLC0415
        except ImportError:
            raise DatasetError(f"{url}: pyarrow has no {scheme}:// filesystem here and fsspec is not installed") from None
        fs = pafs.PyFileSystem(pafs.FSSpecHandler(fsspec.filesystem(scheme)))
        path = url.split("://", 1)[1]
    return fs, path.rstrip("/"), url.rstrip("/")


@dataclass
class Commit:
    seq: int
    runs: list[tuple[str, int]]
    versions: list[str]
    files: dict[str, list[str]]
    schema_version: int
    raw: dict = field(repr=False, default_factory=dict)


class Layout:
    def __init__(self, url: str, filesystem: Any = None) -> None:
        self.url = url
        self.fs, self.root, self.prefix = resolve(url, filesystem)

    def path(self, *parts: str) -> str:
        return "/".join((self.root, *parts))

    def uri(self, relative: str) -> str:
        return f"{self.prefix}/{relative}"

    # --- reading ------------------------------------------------------------------------

    def exists(self) -> bool:
        from pyarrow import fs as pafs  # noqa: PLC0415

        return self.fs.get_file_info(self.path(INFO_FILE)).type == pafs.FileType.File

    def read_json(self, path: str) -> dict:
        try:
            with self.fs.open_input_stream(path) as fh:
                data = json.loads(fh.read())
        except (OSError, ValueError) as exc:
            raise DatasetError(f"{self.url}: cannot read {path} ({exc})") from None
        if not isinstance(data, dict):
            raise DatasetError(f"{self.url}: {path} is not a JSON object")
        return data

    def check_info(self) -> dict:
        if not self.exists():
            raise DatasetError(f"{self.url}: not a paradime_nb dataset (no {INFO_FILE})")
        info = self.read_json(self.path(INFO_FILE))
        if info.get("format") != FORMAT:
            raise DatasetError(f"{self.url}: {INFO_FILE} is not a paradime_nb dataset description")
        _check_version(self.url, info.get("schema_version"), INFO_FILE)
        return info

    def commits(self) -> list[Commit]:
        """Every published commit, in order (each checked for its schema version)."""
        from pyarrow import fs as pafs  # noqa: PLC0415

        selector = pafs.FileSelector(self.path(COMMITS), allow_not_found=True)
        names = sorted(info.base_name for info in self.fs.get_file_info(selector) if _COMMIT_NAME.match(info.base_name))
        out = []
        for name in names:
            data = self.read_json(self.path(COMMITS, name))
            _check_version(self.url, data.get("schema_version"), f"{COMMITS}/{name}")
            out.append(Commit(
                seq=int(name[:10]),
                runs=[(str(s), int(r)) for s, r in data.get("runs", [])],
                versions=[str(v) for v in data.get("versions", [])],
                files={str(t): [str(f) for f in fs] for t, fs in data.get("files", {}).items()},
                schema_version=int(data["schema_version"]),
                raw=data,
            ))
        return out

    # --- writing ------------------------------------------------------------------------

    def write_json_atomically(self, path: str, data: dict) -> None:
        """Write aside, then move into place: the final name holds all of it or nothing."""
        directory = path.rsplit("/", 1)[0]
        self.fs.create_dir(directory, recursive=True)
        tmp = f"{directory}/.tmp-{os.getpid()}-{os.urandom(4).hex()}"
        with self.fs.open_output_stream(tmp) as fh:
            fh.write(json.dumps(data, indent=1, sort_keys=True).encode())
        self.fs.move(tmp, path)

    def create(self, **settings: Any) -> None:
        self.fs.create_dir(self.root, recursive=True)
        if not self.exists():
            self.write_json_atomically(self.path(INFO_FILE),
                                       {"format": FORMAT, "schema_version": DATASET_SCHEMA_VERSION, **settings})

    def commit_path(self, seq: int) -> str:
        return self.path(COMMITS, f"{seq:010d}.json")

    def all_files(self) -> list[str]:
        """Every file below the root, relative to it."""
        from pyarrow import fs as pafs  # noqa: PLC0415

        selector = pafs.FileSelector(self.root, recursive=True, allow_not_found=True)
        cut = len(self.root) + 1
        return [i.path[cut:] for i in self.fs.get_file_info(selector) if i.type == pafs.FileType.File]


def _check_version(url: str, found: Any, where: str) -> None:
    if not isinstance(found, int):
        raise DatasetError(f"{url}: {where} has no integer schema_version")
    if found > DATASET_SCHEMA_VERSION:
        raise DatasetError(
            f"{url}: written by a newer paradime_nb (dataset schema v{found} in {where}; this version reads "
            f"v{DATASET_SCHEMA_VERSION}); upgrade paradime_nb to read it"
        )
