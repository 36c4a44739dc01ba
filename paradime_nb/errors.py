"""One exception hierarchy: catch ``ParadimeNbError`` for everything, or a subclass
for the level you care about (a bad file, an API failure, an unknown schedule)."""

from __future__ import annotations

from collections.abc import Sequence


class ParadimeNbError(Exception):
    """Root of every error paradime_nb raises on purpose."""


# --- configuration -------------------------------------------------------------------


class ConfigurationError(ParadimeNbError):
    """Missing or contradictory settings (credentials, endpoint, paths)."""


# --- artifacts -------------------------------------------------------------------------


class ArtifactError(ParadimeNbError):
    """A dbt artifact could not be read. ``path`` names the file."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ArtifactNotFoundError(ArtifactError):
    """The artifact file does not exist."""


class CorruptArtifactError(ArtifactError):
    """Empty, truncated, not JSON, bad gzip or bad UTF-8."""


class UnsupportedSchemaVersionError(ArtifactError):
    """A ``dbt_schema_version`` this release does not know."""


class MissingSchemaVersionError(UnsupportedSchemaVersionError):
    """Files without ``metadata.dbt_schema_version``: written by dbt before 0.19, which this
    release does not read. ``paths`` names every such file of the load."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = [str(p) for p in paths]
        many = len(self.paths) > 1
        super().__init__(
            ", ".join(self.paths),
            f"no metadata.dbt_schema_version in {'any of these ' + str(len(self.paths)) + ' files' if many else 'the file'}"
            " (written by dbt before 0.19, or not a dbt artifact): dbt 0.19 and later are read",
        )


class InvalidArtifactError(ArtifactError):
    """Valid JSON, but required keys are missing or have the wrong type."""


class ArtifactValidationError(InvalidArtifactError):
    """``strict=True`` validation with dbt-artifacts-parser failed."""


# --- sources ---------------------------------------------------------------------------


class SourceError(ParadimeNbError):
    """Where artifacts come from (a folder, the API) could not give what was asked."""


class ScheduleNotFoundError(SourceError):
    """No schedule by that slug or display name; ``suggestions`` holds close matches."""

    def __init__(self, name: str, suggestions: Sequence[str] = (), where: str = "") -> None:
        self.name = name
        self.suggestions = list(suggestions)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        place = f" in {where}" if where else ""
        super().__init__(f"schedule {name!r} not found{place}.{hint}")


class RunNotFoundError(SourceError):
    """A run id that the source does not have."""


class RunNotStoredError(RunNotFoundError):
    """A run id the store does not hold for that schedule; ``nearest`` lists the stored run
    ids closest to it."""

    def __init__(self, run_id: object, schedule_name: str, nearest: Sequence[int] = ()) -> None:
        self.run_id = run_id
        self.schedule_name = schedule_name
        self.nearest = list(nearest)
        hint = (f" Nearest stored runs: {', '.join(str(r) for r in self.nearest)}." if self.nearest
                else " No run of it is stored.")
        super().__init__(f"run {run_id!r} of {schedule_name!r} is not in the store.{hint}")


# --- the store -------------------------------------------------------------------------


class StoreError(ParadimeNbError):
    """The DuckDB store could not be opened, read or written."""


class StoreLockedError(StoreError):
    """Another process holds the database file."""


class DatasetError(StoreError):
    """A shared Parquet dataset cannot be read or written (layout, schema version, files)."""


class DatasetLockedError(DatasetError):
    """Another writer is syncing into the same dataset."""


class NotLoadedError(StoreError):
    """An analysis needs runs that are not in the store and cannot be fetched."""


# --- the Paradime API ------------------------------------------------------------------


class ApiError(SourceError):
    """The Paradime API answered with an error or could not be reached."""


class AuthenticationError(ApiError):
    """The API refused the credentials (HTTP 401/403)."""


class GraphQLError(ApiError):
    """The API answered with GraphQL ``errors``; the message is the first one."""


class DownloadError(ApiError):
    """An artifact download failed (expired URL, truncated body, too large, HTTP error)."""


class RateLimitError(ApiError):
    """HTTP 429 persisted after the retries."""


# --- analyses --------------------------------------------------------------------------


class NodeNotFoundError(ParadimeNbError):
    """No model (or node) by that name in the schedule's latest manifest."""

    def __init__(self, name: str, schedule_name: str, suggestions: Sequence[str] = (), *, detail: str = "") -> None:
        self.name = name
        self.schedule_name = schedule_name
        self.suggestions = list(suggestions)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        if detail:
            super().__init__(f"no suitable node in the latest manifest of {schedule_name!r}: {detail}")
        else:
            super().__init__(f"no node {name!r} in the latest manifest of {schedule_name!r}.{hint}")


class ColumnNotFoundError(ParadimeNbError):
    """A ``node.column`` whose column the node does not have (or a malformed one)."""

    def __init__(self, name: str, schedule_name: str, hint: str = "") -> None:
        self.name = name
        self.schedule_name = schedule_name
        super().__init__(f"no column {name!r} in the latest manifest of {schedule_name!r}" + (f": {hint}" if hint else ""))


class AmbiguousNodeError(ParadimeNbError):
    """A name that matches several nodes; ``candidates`` lists their unique ids."""

    def __init__(self, name: str, candidates: Sequence[str]) -> None:
        self.name = name
        self.candidates = list(candidates)
        super().__init__(
            f"{name!r} matches {len(self.candidates)} nodes: {', '.join(self.candidates)}; "
            "pass a unique id instead"
        )


class RunTimingError(ParadimeNbError):
    """The run's timings cannot answer the question (none recorded, or the run is still going)."""


class SelectorError(ParadimeNbError):
    """A dbt graph selector that cannot be parsed."""


class InvalidArgumentError(ParadimeNbError, ValueError):
    """An argument of the API out of its range or of the wrong type (``depth=-1``,
    ``days=0``, ``limit="ten"``); a ``ValueError`` too, for code that catches those."""


class QueryError(ParadimeNbError):
    """User SQL that DuckDB refused, or parameters that do not match its placeholders;
    the message is one line (DuckDB's own first line where it has one)."""
