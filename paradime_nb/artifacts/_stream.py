"""Low-memory reading of one large JSON object, one member at a time.

``orjson.loads`` turns a 200 MB manifest into 800 MB+ of Python objects before a single
column is built. Here the UTF-8 text is decoded through a sliding window and the C scanner
of the standard library (``JSONDecoder.raw_decode``, as fast as orjson on this input)
decodes one manifest node at a time, so only the window and the node being read are alive.

Whatever the window reader cannot reproduce exactly as orjson would (duplicate keys, lone
surrogates, NaN, infinite floats, integers outside 64 bits, nesting near the recursion
limits, a top level that is not an object) raises ``Fallback``: the caller then reads the file the ordinary way, so both paths
give the same columns and the same errors for every input.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import Iterator
from typing import Any

from ..errors import CorruptArtifactError

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 8 << 20  # bytes decoded per step; a window holds a few of them
_WS = re.compile(r"[ \t\n\r]*")
# A \uD800-\uDFFF escape: orjson refuses lone surrogates, the stdlib scanner keeps them.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_INT_MIN, _UINT_MAX = -(2**63), 2**64 - 1
MAX_DEPTH = 1024  # orjson's nesting limit, the whole document included


class Fallback(Exception):
    """The input needs the ordinary (whole-document) reader to be interpreted exactly."""


def _int(text: str) -> int | float:
    value = int(text)
    if value < _INT_MIN or value > _UINT_MAX:
        raise Fallback("integer outside 64 bits")  # orjson reads it as a float
    return value


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise Fallback("infinite float")
    return value


def _constant(name: str) -> Any:
    raise Fallback(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant)


def _depth(value: Any) -> int:
    """Levels of nesting of a decoded value (1 for ``[]``), without recursion."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        deepest = max(deepest, level)
        children = item.values() if isinstance(item, dict) else item
        todo.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest if isinstance(value, (dict, list)) else 0


def decompressed_size_hint(data: bytes) -> int:
    """Bytes once decompressed: gzip's trailer holds the size (mod 4 GiB)."""
    if data[:2] == GZIP_MAGIC and len(data) >= 18:
        return int.from_bytes(data[-4:], "little")
    return len(data)


def _chunks(data: bytes, path: str) -> Iterator[bytes]:
    view = memoryview(data)
    if data[:2] != GZIP_MAGIC:
        for start in range(0, len(view), CHUNK):
            yield bytes(view[start : start + CHUNK])
        return
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        for start in range(0, len(view), CHUNK // 16):
            piece = inflate.decompress(view[start : start + CHUNK // 16])
            if piece:
                yield piece
            if inflate.eof:
                break
        tail = inflate.flush()
        if tail:
            yield tail
    except zlib.error as exc:
        raise CorruptArtifactError(path, f"bad or truncated gzip data ({exc})") from None
    if not inflate.eof:
        raise CorruptArtifactError(path, "bad or truncated gzip data (incomplete or truncated stream)")


class _Window:
    """The decoded text from ``base`` on; grows by chunks, forgets what was read."""

    def __init__(self, data: bytes, path: str) -> None:
        self.path = path
        self._chunks = _chunks(data, path)
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self._bytes_read = 0
        self.text = ""
        self.base = 0  # absolute character offset of text[0]
        self.eof = False

    def _more(self, keep_from: int, at_least: int = 1) -> int:
        """Append at least ``at_least`` characters (or up to the end), dropping the text
        before ``keep_from``; returns the shift applied to positions."""
        parts = []
        added = 0
        while added < at_least and not self.eof:
            chunk = next(self._chunks, None)
            try:
                new = self._utf8.decode(chunk or b"", final=chunk is None)
            except UnicodeDecodeError as exc:
                raise CorruptArtifactError(
                    self.path,
                    f"not valid JSON, truncated or corrupt (invalid UTF-8 near byte {self._bytes_read + exc.start})",
                ) from None
            if chunk is None:
                self.eof = True
            else:
                self._bytes_read += len(chunk)
            parts.append(new)
            added += len(new)
        start = max(0, len(self.text) - keep_from - 6)
        self.text = self.text[keep_from:] + "".join(parts)
        self.base += keep_from
        if _SURROGATE_ESCAPE.search(self.text, start):
            raise Fallback("surrogate escape")
        return keep_from

    def skip_ws(self, pos: int) -> int:
        """Position of the next non-blank character (reading more text as needed)."""
        while True:
            pos = _WS.match(self.text, pos).end()
            if pos < len(self.text) or self.eof:
                return pos
            pos -= self._more(pos)

    def char(self, pos: int) -> tuple[str, int]:
        """The next non-blank character and its position ('' at the end of the input)."""
        pos = self.skip_ws(pos)
        return (self.text[pos] if pos < len(self.text) else ""), pos

    def value(self, pos: int, depth: int = 0) -> tuple[Any, int]:
        """Decode the JSON value at ``pos`` (after blanks), nested ``depth`` levels deep in
        the document; returns it and the position after it."""
        pos = self.skip_ws(pos)
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, pos)
            except RecursionError:  # orjson refuses nesting past 1024 levels, the stdlib past ~1000
                raise Fallback("deep nesting") from None
            except json.JSONDecodeError as exc:
                if self.eof:
                    self._corrupt(exc.msg, exc.pos)
            else:
                if end < len(self.text) or self.eof:
                    room = MAX_DEPTH - depth
                    if self.text.count("[", pos, end) + self.text.count("{", pos, end) > room and _depth(value) > room:
                        raise Fallback("deep nesting")  # as deep as orjson refuses
                    return value, end
            # the value may go on past the window: double what is left of it and decode again
            pos -= self._more(pos, at_least=max(len(self.text) - pos, 1))

    def expect(self, pos: int, wanted: str) -> int:
        found, pos = self.char(pos)
        if found != wanted:
            self._corrupt(f"expected {wanted!r}" + (f", found {found!r}" if found else " before the end"), pos)
        return pos + 1

    def _corrupt(self, what: str, pos: int) -> None:
        raise CorruptArtifactError(
            self.path, f"not valid JSON, truncated or corrupt ({what} at character {self.base + pos})"
        )


def members(data: bytes, path: str, expand: frozenset[str]) -> Iterator[tuple[str, str | None, Any]]:
    """The top-level object's members in document order: ``(key, None, value)``, except
    that an object under a key in ``expand`` yields ``(key, entry_key, entry)`` per entry.

    Raises ``CorruptArtifactError`` for text that is not JSON, ``Fallback`` for JSON this
    reader does not interpret exactly as orjson does."""
    win = _Window(data, path)
    first, pos = win.char(0)
    if first == "":
        raise CorruptArtifactError(path, "the file is empty")
    if first != "{":
        raise Fallback("the top level is not an object")
    pos += 1
    seen: set[str] = set()
    char, pos = win.char(pos)
    if char == "}":
        pos += 1
    else:
        while True:
            key, pos = win.value(pos)
            if not isinstance(key, str):
                win._corrupt("expected a string key", pos)
            if key in seen:
                raise Fallback(f"duplicate key {key!r}")
            seen.add(key)
            pos = win.expect(pos, ":")
            char, pos = win.char(pos)
            if key in expand and char == "{":
                pos = yield from _entries(win, pos + 1, key)
            else:
                value, pos = win.value(pos, depth=1)
                yield key, None, value
            char, pos = win.char(pos)
            if char == "}":
                pos += 1
                break
            pos = win.expect(pos, ",")
    if win.char(pos)[0] != "":
        win._corrupt("unexpected content after the top-level object", win.skip_ws(pos))


def _entries(win: _Window, pos: int, section: str) -> Iterator[tuple[str, str | None, Any]]:
    """Yield each entry of the object whose ``{`` was just read; return the position after it."""
    seen: set[str] = set()
    char, pos = win.char(pos)
    if char == "}":
        yield section, None, {}
        return pos + 1
    while True:
        key, pos = win.value(pos)
        if not isinstance(key, str):
            win._corrupt("expected a string key", pos)
        if key in seen:
            raise Fallback(f"duplicate key {key!r} in {section}")
        seen.add(key)
        pos = win.expect(pos, ":")
        value, pos = win.value(pos, depth=2)
        yield section, key, value
        char, pos = win.char(pos)
        if char == "}":
            return pos + 1
        pos = win.expect(pos, ",")
