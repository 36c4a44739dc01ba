"""Helpers of the notebook tests: run a notebook in a real kernel of this venv, read its
outputs by cell tag, export it to HTML, and look at the HTML in headless Chromium."""

from __future__ import annotations

import contextlib
import html.parser
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat

from paradime_nb.notebook import runner

from .conftest import OUTPUT, ROOT

NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def execute(name: str, env: dict[str, str] | None = None, timeout: int = 180) -> nbformat.NotebookNode:
    """Execute ``notebooks/<name>`` in a kernel of this venv (cwd ``notebooks/``)."""
    return runner.execute_notebook(NOTEBOOKS / name, env={**os.environ, **(env or {})}, timeout=timeout)


def cell(nb: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    tagged = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"expected one cell tagged {tag!r}, found {len(tagged)}"
    return tagged[0]


def data(nb: nbformat.NotebookNode, tag: str, mime: str = "text/html") -> str:
    """The ``mime`` data of the tagged cell's outputs, joined."""
    found = [o["data"][mime] for o in cell(nb, tag).outputs if "data" in o and mime in o["data"]]
    assert found, f"cell {tag!r} has no {mime} output: {cell(nb, tag).outputs!r:.500}"
    return "\n".join(x if isinstance(x, str) else "".join(x) for x in found)


def errors(nb: nbformat.NotebookNode) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in nb.cells if c.cell_type == "code"
            for o in c.outputs if o.get("output_type") == "error"]


def stream_text(nb: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if o.get("output_type") == "stream")


def export_html(nb: nbformat.NotebookNode, name: str) -> Path:
    return runner.export_html(nb, OUTPUT / name)


class _Table(html.parser.HTMLParser):
    """Rows of the first <table> in an HTML fragment, as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._depth = 0
        self._done = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if self._done:
            return
        if tag == "table":
            self._depth += 1
        elif tag == "tr" and self._depth:
            self.rows.append([])
        elif tag in ("td", "th") and self._depth:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table" and self._depth:
            self._depth -= 1
            self._done = self._depth == 0

    def handle_data(self, text: str) -> None:
        if self._cell is not None:
            self._cell.append(text)


def table_rows(fragment: str) -> list[list[str]]:
    parser = _Table()
    parser.feed(fragment)
    return parser.rows


def texts_by_class(fragment: str, css_class: str) -> list[str]:
    """Text of every element whose class list holds ``css_class`` (no nesting inside)."""
    pattern = re.compile(rf"<(\w+)[^>]*class=['\"][^'\"]*\b{re.escape(css_class)}\b[^'\"]*['\"][^>]*>(.*?)</\1>", re.S)
    return [re.sub(r"<[^>]+>", "", m.group(2)).strip() for m in pattern.finditer(fragment)]


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """Headless Debian Chromium with network features off, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        import pytest

        pytest.fail("/usr/bin/chromium is missing: run scripts/ensure_chromium.sh (make test does)")
    with tempfile.TemporaryDirectory(prefix="pnb-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


def non_blank_pixels(png: bytes) -> int:
    """Pixels that are neither white nor near-white (what a drawn graph leaves)."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata()
    return sum(1 for r, g, b in pixels if min(r, g, b) < 230)


# Non-transparent pixels on the graph's canvas, read inside the iframe.
CANVAS_INK = """() => {
  const c = document.querySelector('#mynetwork canvas');
  if (!c || !c.width) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
}"""
