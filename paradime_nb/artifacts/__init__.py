"""Reading dbt artifacts of any schema version into columns.

Knows dbt's JSON, nothing about DuckDB, HTTP or where files come from. ``read_artifact``
is the one entry point: bytes in (plain or gzip), a parsed artifact out, or an
``ArtifactError`` naming the file and the problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Union

from ..errors import ArtifactNotFoundError, ArtifactValidationError
from ._decode import KNOWN_VERSIONS, decode_json, schema_version
from ._stream import Fallback, decompressed_size_hint
from .catalog import ParsedCatalog, parse_catalog
from .freshness import ParsedFreshness, parse_freshness
from .manifest import ParsedManifest, parse_manifest, parse_manifest_stream
from .run_results import EXECUTING_WHICH, ParsedRunResults, parse_run_results
from .values import normalize_status

ParsedArtifact = Union[ParsedManifest, ParsedRunResults, ParsedFreshness, ParsedCatalog]

# Manifests at least this large (decompressed) are read one node at a time: the whole
# document as Python objects costs 4-5x the file, the streaming reader about one window.
STREAM_MIN_BYTES = 32 << 20

ARTIFACT_KINDS = {
    "manifest.json": "manifest",
    "run_results.json": "run_results",
    "sources.json": "sources",
    "catalog.json": "catalog",
}
_PARSERS = {
    "manifest": parse_manifest,
    "run_results": parse_run_results,
    "sources": parse_freshness,
    "catalog": parse_catalog,
}

__all__ = [
    "ARTIFACT_KINDS", "EXECUTING_WHICH", "STREAM_MIN_BYTES", "KNOWN_VERSIONS", "ParsedArtifact", "ParsedCatalog",
    "ParsedFreshness", "ParsedManifest", "ParsedRunResults", "artifact_kind", "normalize_status",
    "read_artifact", "read_artifact_file",
]


def artifact_kind(path: str) -> str | None:
    """The artifact kind a file name says (``analytics/target/run_results.json.gz`` -> run_results)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    if name.endswith(".gz"):
        name = name[:-3]
    return ARTIFACT_KINDS.get(name)


def read_artifact(data: bytes, path: str, kind: str | None = None, *, strict: bool = False,
                  stream: bool | None = None) -> ParsedArtifact:
    """Decode once and build columns. ``kind`` defaults to what the file name says, else
    what the file's ``dbt_schema_version`` says. ``strict=True`` also validates the document
    against dbt's published schema for its version (dbt-artifacts-parser's models; slow: opt
    in), tolerating fields the schema does not know (``_strict`` says exactly what it checks).

    A manifest of ``STREAM_MIN_BYTES`` or more is decoded one node at a time (same columns,
    a fraction of the memory); ``stream`` forces that choice either way."""
    kind = kind or artifact_kind(path)
    if stream is None:
        stream = decompressed_size_hint(data) >= STREAM_MIN_BYTES
    if kind == "manifest" and stream and not strict:
        try:
            return parse_manifest_stream(data, path)
        except Fallback:
            pass  # something only the whole-document reader interprets exactly
    doc = decode_json(data, path)
    found_kind, version = schema_version(doc, path, expected=kind)
    if strict:
        _validate(doc, found_kind, version, path)
    return _PARSERS[found_kind](doc, path, version)


def read_artifact_file(path: str | Path, kind: str | None = None, *, strict: bool = False) -> ParsedArtifact:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ArtifactNotFoundError(str(p), "no such file") from None
    except IsADirectoryError:
        raise ArtifactNotFoundError(str(p), "is a directory, not an artifact file") from None
    except OSError as exc:
        raise ArtifactNotFoundError(str(p), f"cannot be read ({exc.strerror})") from None
    return read_artifact(data, str(p), kind, strict=strict)


def _validate(doc: dict[str, Any], kind: str, version: int, path: str) -> None:
    from ._strict import validate  # heavy (pydantic models): imported on demand

    validate(doc, kind, version, path)
