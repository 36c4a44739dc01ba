"""JavaScript the widgets need, sent to the page once per kernel session, not in every output.

A table or graph output used to inline its library (DataTables 0.7 MB, vis-network 0.5 MB),
so every output weighed about 1 MB and the page parsed each one. Now the first output of
a kernel session that needs a library is preceded by one output of its own carrying it
(gzip + base64: 256 KB for DataTables, 165 KB for vis-network, unpacked in the browser by
``DecompressionStream``); every table or graph output carries only its data and a few
lines that wait for the library. Exported HTML keeps every output, the library's
included, so it stays standalone and offline.

The carrier is remembered by cell id (front-ends send it with each execution): when the
carrier cell runs again its outputs go, so the next output to need the library carries it
again. If the carrier's output is cleared by hand, the outputs after it show their static
fallback after a reload and say how to get the scripts back (``%paradime assets``).

A widget calls ``require(name)``: in a kernel it publishes the library's output the first
time and returns ``""``; outside a kernel (a script building a page) it returns the
library's HTML to put first. New libraries register a loader in ``LIBRARIES``. In the page
a library is ``window.__paradime_assets[name]`` (its source text, for sandboxed iframes,
which ask for it by ``postMessage``: see ``IFRAME_BOOTSTRAP``); DataTables is published
where itables' offline table template awaits it (``window._itables_<version>``).
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

VIS_NETWORK = "vis-network@9.1.2"

# Unpacks a gzip + base64 string to text (a Promise).
_UNZIP = ("function(s){var b=Uint8Array.from(atob(s),function(c){return c.charCodeAt(0)});return new Response("
          "new Blob([b]).stream().pipeThrough(new DecompressionStream('gzip'))).text();}")
# Installed once per page: answers an iframe's {paradimeAsset: name} with the source.
_SERVE = ("if(!window.__paradime_serving){window.__paradime_serving=true;window.addEventListener('message',"
          "function(e){var d=e.data,a=window.__paradime_assets;if(d&&d.paradimeAsset&&!d.source&&typeof "
          "a[d.paradimeAsset]==='string'&&e.source)e.source.postMessage({paradimeAsset:d.paradimeAsset,"
          "source:a[d.paradimeAsset]},'*');});}")


def _packed(text: str) -> str:
    return json.dumps(base64.b64encode(gzip.compress(text.encode("utf-8"), 9, mtime=0)).decode("ascii"))


def _script(name: str, body: str) -> str:
    return (f"<script class='paradime-asset' data-asset='{name}'>(function(){{var w=window,unzip={_UNZIP};"
            f"{body}}})();</script>")


@cache
def _datatables() -> str:
    """itables' DataTables bundle and CSS, defined where itables' offline template awaits them."""
    from itables import javascript, options

    bundle = Path(options.dt_bundle)
    key, ready = javascript._itables_underscore_version(), javascript._itables_ready_event()
    return _script("datatables", (
        f"var k={json.dumps(key)};if(w[k]||w.__paradime_dt_loading)return;w.__paradime_dt_loading=true;"
        f"Promise.all([unzip({_packed(bundle.read_text(encoding='utf-8'))}),"
        f"unzip({_packed(bundle.with_suffix('.css').read_text(encoding='utf-8'))})]).then(function(r){{"
        "var st=document.createElement('style');st.textContent=r[1];document.head.appendChild(st);"
        "var u=URL.createObjectURL(new Blob([r[0]],{type:'application/javascript'})),m=import(u);"
        # every table awaits w[k]; each resumes in a task of its own (not all in the one that
        # fires the ready event, where every waiting table's init would add up in one task)
        "w[k]={then:function(ok,no){return m.then(function(x){return new Promise(function(r){"
        "setTimeout(function(){r(x);},0);});}).then(ok,no);}};"
        f"m.then(function(){{URL.revokeObjectURL(u);w.dispatchEvent(new Event({json.dumps(ready)}));}});}});"))


@cache
def _vis_network() -> str:
    """vis-network's source as a page global, served to lineage iframes on request."""
    import pyvis

    source = (Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text()
    name = json.dumps(VIS_NETWORK)
    return _script(VIS_NETWORK, (
        f"var a=w.__paradime_assets=w.__paradime_assets||{{}};{_SERVE}if(a[{name}]!==undefined)return;"
        f"a[{name}]=null;unzip({_packed(source)}).then(function(t){{a[{name}]=t;}});"))


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
    cell_id: str | None = None  # of the running cell, as the front-end sent it
    hooked: bool = False

    def pre_run_cell(self, info: Any) -> None:
        """A carrier cell running again loses its output: the next output to need its
        library (in this cell or a later one) carries it."""
        self.cell_id = getattr(info, "cell_id", None)
        if self.cell_id is not None:
            for name in [n for n, cell in self.carriers.items() if cell == self.cell_id]:
                del self.carriers[name]


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


def require(name: str) -> str:
    """In a kernel: publish library ``name`` as its own output if this session has none
    yet, and return ``""``. Outside one: the library's HTML, to put before the widget's."""
    shell = _shell()
    if shell is None:
        return LIBRARIES[name]()  # a script or an export outside a kernel: always standalone
    track(shell)
    if name not in _SESSION.carriers:
        from IPython.display import HTML, display

        _SESSION.carriers[name] = _SESSION.cell_id
        display(HTML(LIBRARIES[name]()))
    return ""


def reset() -> str:
    """Make the running cell the carrier of every library and return their HTML
    (``%paradime assets``, when a carrier's output was cleared by hand)."""
    for name in LIBRARIES:
        _SESSION.carriers[name] = _SESSION.cell_id
    return "".join(load() for load in LIBRARIES.values())
