"""Progress bars for loads: tqdm on a terminal; in a Jupyter kernel an HTML bar under a
display id, not an ipywidgets model.

tqdm's notebook bar is a widget model shown in an output, and with ``leave=False`` it
closes the model when done. A load of a dozen runs lasts about a second: the front-end
is often still creating the model's view (loading the widget classes) when the close
arrives, and then says "Error displaying widget: model not found" (Notebook 7 did for
every fast load; a reloaded page did for every closed bar, whatever the front-end). Here
the bar is plain HTML (a ``<progress>`` element and tqdm's own figures) that each update
replaces through its display id; on close it is replaced by the bar's last state as
text. Nothing to create in the front-end, so nothing can go missing, and the saved
notebook and exported HTML keep a line of text.
"""

from __future__ import annotations

import io
from html import escape
from typing import Any


def progress_bar(**kwargs: Any) -> Any:
    """``tqdm.auto.tqdm(**kwargs)`` on a terminal; in a Jupyter kernel, an HTML bar."""
    if _in_kernel():
        return _html_bar()(**kwargs)
    from tqdm.auto import tqdm  # noqa: PLC0415

    return tqdm(**kwargs)


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython  # noqa: PLC0415
    except ImportError:  # pragma: no cover - IPython comes with the notebook extra
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


_BAR: Any = None


def _html_bar() -> Any:
    """The kernel's bar class (built on first use: it needs IPython)."""
    global _BAR
    if _BAR is not None:
        return _BAR
    from IPython.display import display  # noqa: PLC0415
    from tqdm.std import tqdm as std_tqdm  # noqa: PLC0415

    class HtmlBar(std_tqdm):
        """tqdm's counting, timing and ``delay``; drawn as HTML under one display id."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._handle: Any = None
            self._done = False
            kwargs["file"] = io.StringIO()  # tqdm's text printer writes nowhere
            kwargs.pop("ncols", None)
            super().__init__(*args, **kwargs)

        def display(self, msg: Any = None, pos: Any = None) -> bool:
            if self._done or self.disable:
                return False
            bundle = {"text/plain": self._text(), "text/html": self._html()}
            if self._handle is None:
                self._handle = display(bundle, raw=True, display_id=True)
            else:
                self._handle.update(bundle, raw=True)
            return True

        def close(self) -> None:
            if self.disable:
                return
            text = self._text() + (" (stopped)" if self.total and self.n < self.total else "")
            self._done = True
            super().close()
            if self._handle is not None:
                self._handle.update({"text/plain": text, "text/html": _LINE.format(escape(text))}, raw=True)

        def _text(self) -> str:
            d = dict(self.format_dict)
            d["ncols"] = None
            d["bar_format"] = "{desc}: {n_fmt}/{total_fmt} {unit}s [{elapsed}]" if self.total else None
            return self.format_meter(**d)

        def _html(self) -> str:
            d = dict(self.format_dict)
            d["ncols"] = None
            d["bar_format"] = "{n_fmt}/{total_fmt} [{elapsed}<{remaining}, {rate_fmt}]" if self.total else None
            d["prefix"] = "" if self.total else d.get("prefix")
            figures = self.format_meter(**d)
            value = f" value='{self.n}' max='{self.total}'" if self.total else ""
            head = f"{escape(self.desc)} " if self.total and self.desc else ""
            return _LINE.format(f"{head}<progress{value} style='width:240px;vertical-align:middle'></progress> "
                                f"{escape(figures)}")

    _BAR = HtmlBar
    return _BAR


_LINE = "<div class='paradime-progress' style='font:12px monospace;color:#616161;margin:2px 0'>{}</div>"
