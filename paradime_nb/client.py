"""``Paradime``: a store plus a source of runs, with the analyses as ``.metadata``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .loading import Loader, LoadReport
from .metadata import MetadataClient
from .sources import DemoSource, RunSource, ScheduleInfo, open_path
from .store import Store

if TYPE_CHECKING:
    import pandas as pd


class Paradime:
    """Entry point. ``Paradime(...)`` talks to a Paradime workspace;
    ``Paradime.from_path(path)`` reads a saved-runs folder or a dbt target folder;
    ``Paradime.demo()`` reads the bundled demo runs.

    ``database`` is ``":memory:"`` (default) or a file that keeps history between kernels,
    or a ``Store`` already opened (read-only, or after waiting for another process's lock).
    """

    def __init__(
        self,
        api_key: str | None = None,
        api_secret: str | None = None,
        api_endpoint: str | None = None,
        workspace_uid: str | None = None,
        database: str | Path | Store = ":memory:",
        *,
        cache_dir: str | Path | None = None,
        strict: bool = False,
        read_only: bool = False,
        **bolt_options: Any,
    ) -> None:
        from .sources.bolt import BoltSource  # noqa: PLC0415  (requests only when the API is used)

        source = BoltSource.from_credentials(
            api_key=api_key, api_secret=api_secret, api_endpoint=api_endpoint,
            workspace_uid=workspace_uid, cache_dir=cache_dir, **bolt_options,
        )
        self._setup(source, database, strict, read_only)

    def _setup(self, source: RunSource | None, database: str | Path | Store, strict: bool,
               read_only: bool = False) -> None:
        self.source = source
        self.store = database if isinstance(database, Store) else Store(database, read_only=read_only)
        self.loader = Loader(self.store, source, strict=strict)
        self.metadata = MetadataClient(self.store, self.loader if source is not None else None)

    # --- loading (client.metadata.load, .schedules, .list_runs are the same calls) ------

    def load(self, schedule_name: str, runs: int | None = 1, days: float | None = None, *,
             include_running: bool = False, refresh: bool = False, progress: bool | None = None) -> LoadReport:
        """Load the latest ``runs`` finished runs (or those of the ``days`` days before the
        newest run the source lists) into the store; see ``MetadataClient.load``."""
        return self.metadata.load(schedule_name, runs, days, include_running=include_running, refresh=refresh,
                                  progress=progress)

    def schedules(self) -> list[ScheduleInfo]:
        """Schedules the source offers."""
        return self.metadata.schedules()

    def list_runs(self, schedule_name: str, limit: int | None = 20, days: float | None = None) -> pd.DataFrame:
        """The schedule's runs as the source lists them (no artifact fetched)."""
        return self.metadata.list_runs(schedule_name, limit, days)

    @classmethod
    def from_source(cls, source: RunSource | None, database: str | Path | Store = ":memory:", *, strict: bool = False,
                    read_only: bool = False) -> Paradime:
        """A client over any ``RunSource`` (or none: analyses over an existing store file).
        ``read_only=True`` opens a store file without taking DuckDB's write lock, so several
        processes can read it while none writes (loads then fail with ``StoreError``)."""
        self = cls.__new__(cls)
        self._setup(source, database, strict, read_only)
        return self

    @classmethod
    def from_path(cls, path: str | Path, database: str | Path | Store = ":memory:", *, schedule_name: str | None = None,
                  strict: bool = False, read_only: bool = False) -> Paradime:
        """A saved-runs folder (one schedule or several), or a dbt project / ``target/`` folder
        (one schedule, named after the folder unless ``schedule_name`` is given)."""
        return cls.from_source(open_path(path, schedule_name), database, strict=strict, read_only=read_only)

    @classmethod
    def demo(cls, database: str | Path | Store = ":memory:", *, read_only: bool = False) -> Paradime:
        """The bundled demo: 12 daily runs of the schedule ``jaffle-daily``."""
        return cls.from_source(DemoSource(), database, read_only=read_only)

    @classmethod
    def from_dataset(cls, url: str | Path, *, filesystem: Any = None) -> Paradime:
        """A shared Parquet dataset (a folder, or ``s3://``, ``gs://``, ``abfs://`` by URL),
        read-only: every analysis over the runs its writers had committed when it opened."""
        from .store.dataset import open_dataset  # noqa: PLC0415

        return cls.from_source(None, open_dataset(str(url), filesystem=filesystem))

    def write_dataset(self, url: str | Path, **options: Any) -> Any:
        """Append this store's runs that the dataset at ``url`` does not hold yet, each batch
        committed atomically (``paradime_nb.store.dataset.export_dataset``: ``batch_runs``,
        ``partition``, ``lock_timeout``); returns its ``ExportReport``."""
        from .store.dataset import export_dataset  # noqa: PLC0415

        return export_dataset(self.store, str(url), **options)

    def close(self) -> None:
        """Close the source and the store (a store file is unlocked); closing twice is fine."""
        if self.source is not None:
            self.source.close()
        self.store.close()

    def __enter__(self) -> Paradime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.source.description if self.source is not None else "no source"
        return f"Paradime(source={where!r}, database={self.store.database!r})"
