"""JavaScript the widgets need, sent to the page once per kernel session, not in every output.

A table or graph output used to inline its library (DataTables 0.7 MB, vis-network 0.5 MB),
so every output weighed about 1 MB and the page parsed each one. Now the first output of
a kernel session that needs a library carries it (its *carrier*); every later output
carries only its data and a few lines that wait for the library. Exported HTML keeps
every output, the carrier included, so it stays standalone and offline.

The carrier is remembered by cell id: when the carrier cell runs again (its old output,
and with it the library, goes away) its new output carries the library again. If the
carrier's output is cleared by hand, the outputs after it show their static fallback and
say how to get the scripts back (``%paradime assets``, or re-run with a fresh kernel).

A widget asks with ``script_once(name)``: the library's ``<script>`` the first time in
this session (or outside a kernel: a standalone page always gets it), ``""`` after.
New libraries register a loader in ``LIBRARIES``. In the page a library is published as
``window.__paradime_assets[name]`` (its source text, for sandboxed iframes, which receive
it by ``postMessage``: see ``IFRAME_BOOTSTRAP``); DataTables uses itables' own offline
loader (``window._itables_*``), which itables' table template awaits.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any


@cache
def _datatables() -> str:
    """itables' offline init: defines the DataTables bundle once per page (guarded)."""
    from itables import javascript, options

    return javascript.generate_init_offline_itables_html(options.dt_bundle)


@cache
def _vis_network() -> str:
    """vis-network's source as a page global, served to lineage iframes on request."""
    import pyvis

    source = (Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text()
    literal = json.dumps(source).replace("</", "<\\/")
    return (f"<script>(function(){{var a=window.__paradime_assets=window.__paradime_assets||{{}};"
            f"if(!a[{json.dumps(VIS_NETWORK)}])a[{json.dumps(VIS_NETWORK)}]={literal};{_SERVE}}})();</script>")


VIS_NETWORK = "vis-network@9.1.2"
# Installed once per page: answers an iframe's {paradimeAsset: name} with the source.
_SERVE = ("if(!window.__paradime_serving){window.__paradime_serving=true;window.addEventListener('message',"
          "function(e){var d=e.data,a=window.__paradime_assets;if(d&&d.paradimeAsset&&!d.source&&a[d.paradimeAsset]"
          "&&e.source)e.source.postMessage({paradimeAsset:d.paradimeAsset,source:a[d.paradimeAsset]},'*');});}")

#: name -> the HTML that defines it in a page (read from the installed packages, cached)
LIBRARIES: dict[str, Callable[[], str]] = {"datatables": _datatables, VIS_NETWORK: _vis_network}

# Inside a sandboxed iframe: ask the parent page for a library, evaluate it, then call back.
# Retried every 250 ms (the carrier may render after this output); after 60 s it says why.
IFRAME_BOOTSTRAP = """<script>
function paradimeAsset(name, then) {
  var tries = 0, done = false;
  function ask() { try { parent.postMessage({paradimeAsset: name}, '*'); } catch (e) {} }
  window.addEventListener('message', function (e) {
    var d = e.data;
    if (done || !d || d.paradimeAsset !== name || !d.source) return;
    done = true; clearInterval(timer); (0, eval)(d.source); then();
  });
  var timer = setInterval(function () {
    if (++tries > 240) {
      clearInterval(timer);
      document.body.insertAdjacentHTML('afterbegin', '<p class="paradime-missing-asset" style="font:13px sans-serif;'
        + 'color:#b71c1c;margin:8px">The graph library (' + name + ') was in an output that is no longer on this page: '
        + 'run <code>%paradime assets</code> once, then this cell again.</p>');
    } else ask();
  }, 250);
  ask();
}
</script>"""


@dataclass
class _Session:
    """Which cell carries each library in this kernel session."""

    carriers: dict[str, str | None] = field(default_factory=dict)
    hooked: bool = False

    def pre_run_cell(self, info: Any) -> None:
        """A carrier cell running again loses its output: the next output to need its
        library (in this cell or a later one) carries it."""
        self.cell_id = getattr(info, "cell_id", None)
        if self.cell_id is not None:
            for name in [n for n, cell in self.carriers.items() if cell == self.cell_id]:
                del self.carriers[name]

    cell_id: str | None = None


_SESSION = _Session()


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebook extra
        return None
    shell = get_ipython()
    return shell if shell is not None and getattr(shell, "kernel", None) is not None else None


def track(shell: Any) -> None:
    """Follow the running cell's id (``%load_ext paradime_nb`` calls this)."""
    if not _SESSION.hooked:
        shell.events.register("pre_run_cell", _SESSION.pre_run_cell)
        _SESSION.hooked = True


def untrack(shell: Any) -> None:
    if _SESSION.hooked:
        shell.events.unregister("pre_run_cell", _SESSION.pre_run_cell)
        _SESSION.hooked = False


def script_once(name: str) -> str:
    """The HTML that defines library ``name`` if this output must carry it, else ``""``."""
    shell = _shell()
    if shell is None:
        return LIBRARIES[name]()  # a script or an export outside a kernel: always standalone
    track(shell)
    if name in _SESSION.carriers:
        return ""
    _SESSION.carriers[name] = _SESSION.cell_id
    return LIBRARIES[name]()


def reset() -> str:
    """Make the running cell the carrier of every library and return their HTML
    (``%paradime assets``, when a carrier's output was cleared by hand)."""
    for name in LIBRARIES:
        _SESSION.carriers[name] = _SESSION.cell_id
    return "".join(load() for load in LIBRARIES.values())
