"""Progress bars for loads: tqdm on a terminal, a widget bar in a Jupyter kernel that
leaves a line of text behind when it closes.

tqdm's notebook bar is an ipywidgets model shown in an output. With ``leave=False`` it
closes that model when done, but the output still names it: a front-end that renders the
output after the close (Notebook 7 often does, a fast load over the API closes its bars
within a few hundred ms), or any page reloaded later, shows "Error displaying widget:
model not found". Here the bar is shown under a display id and, before its model is
closed, the output is replaced by the bar's last state as plain text, so nothing on the
page (or in the saved notebook) refers to a closed widget.
"""

from __future__ import annotations

from typing import Any


def progress_bar(**kwargs: Any) -> Any:
    """``tqdm.auto.tqdm(**kwargs)``; in a Jupyter kernel, a widget bar that closes into text."""
    from tqdm.auto import tqdm  # noqa: PLC0415

    try:
        from tqdm.notebook import tqdm_notebook  # noqa: PLC0415
    except ImportError:  # pragma: no cover - tqdm always ships it
        return tqdm(**kwargs)
    if isinstance(tqdm, type) and issubclass(tqdm, tqdm_notebook):
        return _notebook_bar()(**kwargs)
    return tqdm(**kwargs)


_BAR: Any = None


def _notebook_bar() -> Any:
    """The notebook bar class (built on first use: tqdm.notebook imports ipywidgets)."""
    global _BAR
    if _BAR is not None:
        return _BAR
    from IPython.display import display  # noqa: PLC0415
    from tqdm.notebook import tqdm_notebook  # noqa: PLC0415
    from tqdm.std import tqdm as std_tqdm  # noqa: PLC0415

    class NotebookBar(tqdm_notebook):
        """tqdm's widget bar, displayed under a display id and replaced by text on close."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._handle: Any = None
            kwargs["display"] = False  # shown by _show, with a display id
            super().__init__(*args, **kwargs)
            if not self.disable and self.delay <= 0:
                self._show()

        def _show(self) -> None:
            if self._handle is None:
                self._handle = display(self.container, display_id=True)
                self.displayed = True

        def display(self, msg: Any = None, pos: Any = None, close: bool = False, bar_style: Any = None,
                    check_delay: bool = True) -> None:
            super().display(msg, pos, close=close, bar_style=bar_style, check_delay=False)
            if check_delay and self.delay > 0 and not self.displayed:
                self._show()

        def close(self) -> None:
            if self.disable:
                return
            stopped = bool(self.total and self.n < self.total)
            text = self._text(stopped)
            std_tqdm.close(self)  # counters and instances, no drawing (gui mode)
            if self._handle is not None:
                self._handle.update({"text/plain": text}, raw=True)  # before the model goes
            try:
                self.container.close()
            except AttributeError:  # pragma: no cover - very old ipywidgets
                pass

        def _text(self, stopped: bool) -> str:
            d = dict(self.format_dict)
            d["ncols"], d["bar_format"] = None, "{desc}: {n_fmt}/{total_fmt} {unit}s [{elapsed}]" if self.total else None
            d["ascii"] = True
            line = self.format_meter(**d).replace("\u2007", " ")
            return line + (" (stopped)" if stopped else "")

    _BAR = NotebookBar
    return _BAR
