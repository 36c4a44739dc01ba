"""Bytes -> dict, once, with every failure turned into an ``ArtifactError`` naming the file."""

from __future__ import annotations

import re
import zlib
from typing import Any

import orjson

from ..errors import CorruptArtifactError, InvalidArtifactError, MissingSchemaVersionError, UnsupportedSchemaVersionError

GZIP_MAGIC = b"\x1f\x8b"

# The artifact kinds we read, the schema name dbt writes in dbt_schema_version, and the
# versions we know how to read.
KNOWN_VERSIONS: dict[str, range] = {
    "manifest": range(1, 13),
    "run_results": range(1, 7),
    "sources": range(1, 4),
    "catalog": range(1, 2),
}
_SCHEMA_NAMES = {"manifest": "manifest", "run-results": "run_results", "sources": "sources", "catalog": "catalog"}
_SCHEMA_RE = re.compile(r"/dbt/([a-z_-]+)/v(\d+)\.json\s*$")


def decode_json(data: bytes, path: str) -> dict[str, Any]:
    """Decompress (gzip is sniffed, not guessed from the name) and decode one artifact."""
    if data[:2] == GZIP_MAGIC:
        try:
            data = zlib.decompress(data, 16 + zlib.MAX_WBITS)
        except zlib.error as exc:
            raise CorruptArtifactError(path, f"bad or truncated gzip data ({exc})") from None
    if not data.strip():
        raise CorruptArtifactError(path, "the file is empty")
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise CorruptArtifactError(path, f"not valid JSON, truncated or corrupt ({exc})") from None
    if not isinstance(doc, dict):
        raise InvalidArtifactError(path, f"expected a JSON object at the top level, found {type(doc).__name__}")
    return doc


def schema_version(doc: dict[str, Any], path: str, expected: str | None = None) -> tuple[str, int]:
    """Return (kind, version) from ``metadata.dbt_schema_version``; refuse what we don't know."""
    meta = doc.get("metadata")
    if meta is None or (isinstance(meta, dict) and meta.get("dbt_schema_version") is None):
        # dbt writes metadata.dbt_schema_version since 0.19; older files have none
        raise MissingSchemaVersionError([path])
    if not isinstance(meta, dict):
        raise InvalidArtifactError(path, f"'metadata' must be an object, found a {type(meta).__name__}")
    url = meta.get("dbt_schema_version")
    if not isinstance(url, str):
        raise InvalidArtifactError(path, f"metadata.dbt_schema_version must be a string, found a {type(url).__name__}")
    match = _SCHEMA_RE.search(url)
    if not match:
        raise UnsupportedSchemaVersionError(path, f"unrecognised dbt_schema_version {url!r}")
    kind = _SCHEMA_NAMES.get(match.group(1))
    version = int(match.group(2))
    if kind is None:
        raise UnsupportedSchemaVersionError(path, f"not a dbt artifact this package reads ({url!r})")
    if expected is not None and kind != expected:
        raise InvalidArtifactError(path, f"expected a {expected} artifact, the file says {url!r}")
    if version not in KNOWN_VERSIONS[kind]:
        known = KNOWN_VERSIONS[kind]
        raise UnsupportedSchemaVersionError(
            path, f"{kind} schema v{version} is not supported (known: v{known.start}-v{known.stop - 1})"
        )
    return kind, version


def refuse_duplicate_ids(ids: list[str], path: str) -> None:
    """Two entries (under two keys) with one unique_id: the file contradicts itself, and
    storing both would count the node twice in every analysis."""
    if len(set(ids)) == len(ids):
        return
    seen: set[str] = set()
    twice = next(uid for uid in ids if uid in seen or seen.add(uid))
    raise InvalidArtifactError(path, f"two entries have the unique_id {twice!r}")


def require(doc: dict[str, Any], key: str, typ: type, path: str) -> Any:
    value = doc.get(key)
    if not isinstance(value, typ):
        found = "missing" if key not in doc else f"a {type(value).__name__}"
        raise InvalidArtifactError(path, f"'{key}' must be a {typ.__name__}, found {found}")
    return value
