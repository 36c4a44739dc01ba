"""The real front-ends: one Jupyter server (JupyterLab 4 and Notebook 7 on the same
loopback port, no token) and headless Debian Chromium driven by playwright.

A notebook is opened in either UI, run all through the app's own command registry
(``window.jupyterapp``, exposed by the server's ``expose_app_in_browser``), then measured
with the browser's Long Tasks API (main-thread tasks over 50 ms) and checked the way a
person would: outputs rendered, no widget errors, no raw reprs, no console errors. Used by
``tests/test_frontend.py`` (assertions) and ``benchmarks/frontend.py`` (figures)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .notebook_support import CANVAS_INK

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
]
UIS = {"lab": "lab/tree/{}?reset", "notebook": "notebooks/{}"}

# Installed before any page script: every long task of the page (iframes in the same
# process included) lands in window.__longtasks as [startTime, duration] in ms.
LONGTASKS = """
window.__longtasks = [];
try {
  new PerformanceObserver(list => { for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]); })
    .observe({type: 'longtask', buffered: true});
} catch (e) {}
"""

# Console lines that are the front-end's own chatter in a sandbox without network.
BENIGN_CONSOLE = (
    # the front-end's own requests (favicon, translations, workspaces); no output of ours loads a resource
    "Failed to load resource: the server responded with a status of",
    "[Violation]",
)


def error_signature(text: str) -> str:
    """An error's first line without the port: the same fault on another page or server."""
    import re

    return re.sub(r"127\.0\.0\.1:\d+", "HOST", text.splitlines()[0] if text else "")



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class JupyterServer:
    """A running ``jupyter lab`` (Notebook 7 served by the same server) over ``root``."""

    url: str
    root: Path
    process: subprocess.Popen

    def notebook_url(self, ui: str, name: str) -> str:
        return self.url + UIS[ui].format(name)


@contextlib.contextmanager
def jupyter_server(root: Path, env: dict[str, str] | None = None, timeout: float = 90) -> Iterator[JupyterServer]:
    """Start JupyterLab on a free loopback port with no token and no browser; stop it after."""
    port = free_port()
    settings = Path(tempfile.mkdtemp(prefix="pnb-jupyter-"))
    (settings / "lab-settings").mkdir()
    # no announcements or update checks (no network here), no news popup
    (settings / "lab-settings" / "overrides.json").write_text(json.dumps({
        "@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"},
    }))
    log = open(settings / "server.log", "w")  # noqa: SIM115 - closed in finally
    argv = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        "--allow-root", "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
        "--JupyterNotebookApp.expose_app_in_browser=True", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabServerApp.user_settings_dir={settings / 'user-settings'}",
        f"--LabServerApp.workspaces_dir={settings / 'workspaces'}",
    ]
    full_env = {**os.environ, **(env or {}), "JUPYTER_CONFIG_DIR": str(settings / "config"),
                "JUPYTERLAB_SETTINGS_DIR": str(settings / "user-settings"),
                "JUPYTER_RUNTIME_DIR": str(settings / "runtime")}
    full_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full_env.get('PATH', '')}"
    process = subprocess.Popen(argv, cwd=root, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited: {(settings / 'server.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url + "api/status", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab did not start in {timeout}s: {(settings / 'server.log').read_text()[-3000:]}")
            time.sleep(0.25)
        yield JupyterServer(url, root, process)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(settings, ignore_errors=True)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError("/usr/bin/chromium is missing: run scripts/ensure_chromium.sh (make test does)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Run:
    """One notebook run in one UI: what the page did and what it logged."""

    ui: str
    name: str
    page: Any
    console_errors: list[str] = field(default_factory=list)
    run_seconds: float = 0.0
    longtasks: list[tuple[float, float]] = field(default_factory=list)  # after run-all started
    # errors the front-end logged while loading the notebook, before any output of ours
    # existed (in this environment jupysql-plugin's TypeError in JupyterLab and a settings
    # TypeError in Notebook 7): the checks count only errors beyond these
    noise: set[str] = field(default_factory=set)

    def our_errors(self) -> list[str]:
        return [e for e in self.console_errors if error_signature(e) not in self.noise]

    @property
    def longest_task(self) -> float:
        """Seconds of the longest main-thread task after run-all started (0 if none)."""
        return max((d for _, d in self.longtasks), default=0.0) / 1000

    @property
    def blocked(self) -> float:
        return sum(d for _, d in self.longtasks) / 1000


def open_notebook(browser: Any, server: JupyterServer, ui: str, name: str, timeout: float = 90) -> Run:
    """A new page on ``name`` in ``ui``, its kernel started and idle."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(LONGTASKS)
    page = context.new_page()
    run = Run(ui, name, page)

    def on_console(msg: Any) -> None:
        if msg.type == "error" and not any(b in msg.text for b in BENIGN_CONSOLE):
            run.console_errors.append(msg.text)

    page.on("console", on_console)
    def on_error(exc: Any) -> None:
        text = f"pageerror: {exc}\n{getattr(exc, 'stack', '') or ''}"
        if not any(b in text for b in BENIGN_CONSOLE):
            run.console_errors.append(text)

    page.on("pageerror", on_error)
    page.goto(server.notebook_url(ui, name))
    wait_kernel_idle(page, timeout)
    return run


_CURRENT = """() => {
  const app = window.jupyterapp;
  if (!app) return null;
  const w = app.shell.currentWidget;
  return w && w.sessionContext ? w : null;
}"""


def wait_kernel_idle(page: Any, timeout: float = 90) -> None:
    page.wait_for_function(
        f"""() => {{ const w = ({_CURRENT})(); if (!w) return false;
            const k = w.sessionContext.session && w.sessionContext.session.kernel;
            return !!k && k.status === 'idle' && w.content.widgets.length > 0; }}""",
        timeout=timeout * 1000, polling=200)


def run_all(run: Run, timeout: float = 240, quiet_ms: int = 2000) -> None:
    """Run every cell through the app's command; wait until outputs stop costing the page.

    Long tasks are counted from the moment run-all starts until the page has had
    ``quiet_ms`` without one after the last cell finished."""
    page = run.page
    run.noise |= {error_signature(e) for e in run.console_errors}
    page.evaluate("() => { window.__longtasks.length = 0; window.__runStart = performance.now(); }")
    start = time.monotonic()
    # not awaited here (a promise that never settles would hang evaluate, which has no
    # timeout); completion is polled below, with one
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_function(
        f"""() => {{ const w = ({_CURRENT})(); const k = w.sessionContext.session.kernel;
            return k.status === 'idle' && w.content.widgets.every(c => c.model.type !== 'code'
                   || (c.model.executionCount !== null && !c.hasClass('jp-mod-running')
                       && !(c.promptNode && c.promptNode.textContent.includes('*')))); }}""",
        timeout=timeout * 1000, polling=200)
    run.run_seconds = time.monotonic() - start
    wait_quiet(page, quiet_ms)
    run.longtasks = [tuple(t) for t in page.evaluate(
        "() => window.__longtasks.filter(t => t[0] + t[1] >= window.__runStart)")]


def wait_quiet(page: Any, quiet_ms: int = 2000, cap_ms: int = 60000) -> None:
    """Until no long task has ended for ``quiet_ms`` (at most ``cap_ms``)."""
    page.evaluate("() => { window.__waitStart = performance.now(); }")
    page.wait_for_function(
        f"""() => {{ const now = performance.now();
            const last = window.__longtasks.reduce((m, t) => Math.max(m, t[0] + t[1]), 0);
            return now - Math.max(last, window.__waitStart || 0) >= {quiet_ms}; }}""",
        timeout=cap_ms, polling=250)


def save(run: Run) -> None:
    run.page.evaluate("() => { window.jupyterapp.commands.execute('docmanager:save'); }")
    run.page.wait_for_function(f"() => !({_CURRENT})().context.model.dirty", timeout=30000)


# ipywidgets looks for a missing widget model for 2 s before it says "model not found"
WIDGET_MODEL_WAIT_MS = 2500


def reload(run: Run, timeout: float = 90, new_kernel: bool = False) -> None:
    """Reload the page (the kernel stays, or ``new_kernel``: it was shut down and a new one
    starts); wait until the notebook shows its saved outputs (and, with a new kernel, until
    a widget output whose model died with the old one would say so)."""
    run.page.reload()
    wait_kernel_idle(run.page, timeout)
    wait_quiet(run.page, 1500)
    if new_kernel:
        run.page.wait_for_timeout(WIDGET_MODEL_WAIT_MS)


# --- what a person sees -------------------------------------------------------------------

OUTPUTS = ".jp-OutputArea-output"

_OUTPUT_PROBLEMS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('.jp-OutputArea-output')) {
    const text = el.innerText || '';
    if (text.includes('Error displaying widget')) out.push('widget error: ' + text.slice(0, 200));
    if (/^\\s*(<[\\w.]+ object at 0x|[A-Z]\\w*\\((children|unique_id|schedule_name|html)=)/.test(text))
      out.push('raw repr: ' + text.slice(0, 200));
    if (/Loading ITables|Error while loading|ITables failed/i.test(text)) out.push('table not drawn: ' + text.slice(0, 200));
    if (el.classList.contains('jp-OutputArea-executeResult') && !text.trim() && !el.querySelector('img,canvas,iframe,svg'))
      out.push('empty output');
  }
  // a widget output whose model is gone (ipywidgets: "Error displaying widget: model not
  // found"), anywhere on the page
  const page = document.body.innerText || '';
  const lost = page.search(/model not found/i);
  if (lost >= 0) out.push('widget model lost: ' + page.slice(Math.max(0, lost - 120), lost + 40));
  return out;
}"""


def output_problems(page: Any) -> list[str]:
    return page.evaluate(_OUTPUT_PROBLEMS)


def shutdown_kernel(server: JupyterServer, name: str) -> None:
    """Stop the kernel of notebook ``name`` (a closed page leaves it running: each costs
    ~300 MB and a share of the 2 cores)."""
    with urllib.request.urlopen(server.url + "api/sessions", timeout=10) as r:
        sessions = json.loads(r.read())
    for s in sessions:
        if s.get("path") == name:
            req = urllib.request.Request(server.url + f"api/sessions/{s['id']}", method="DELETE")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(req, timeout=30).close()


def close(run: Run, server: JupyterServer) -> None:
    """Close the page and stop its kernel."""
    run.page.context.close()
    shutdown_kernel(server, run.name)


def output_count(page: Any) -> int:
    return page.locator(OUTPUTS).count()


def lineage_ink(page: Any, timeout: float = 20) -> list[int]:
    """Inked canvas pixels of every lineage iframe on the page (each scrolled into view)."""
    frames = page.locator("iframe.paradime-lineage-frame")
    inks = []
    for i in range(frames.count()):
        handle = frames.nth(i)
        handle.scroll_into_view_if_needed()
        frame = handle.element_handle().content_frame()
        deadline = time.monotonic() + timeout
        ink = 0
        while time.monotonic() < deadline:
            ink = frame.evaluate(CANVAS_INK)
            if ink > 1000:
                break
            page.wait_for_timeout(250)
        inks.append(ink)
    return inks


def saved_notebook(server: JupyterServer, name: str) -> dict[str, Any]:
    return json.loads((server.root / name).read_text())


def output_sizes(nb: dict[str, Any], libraries: bool | None = None) -> list[int]:
    """Bytes of each output as saved (its JSON), in cell order; ``libraries`` True: only the
    outputs that carry a widget library (``class='paradime-asset'``), False: all others."""
    out = []
    for c in nb["cells"]:
        for o in c.get("outputs", []) if c["cell_type"] == "code" else ():
            text = json.dumps(o)
            if libraries is None or libraries == ("class='paradime-asset'" in text):
                out.append(len(text.encode()))
    return out


# --- interactions -------------------------------------------------------------------------


def card_sections(page: Any) -> list[tuple[str, bool]]:
    """Click every closed section of the first health card (a ``<details>``); (title, its
    content shown after the click)."""
    card = page.locator(".paradime-health-card").first
    card.wait_for(state="visible", timeout=20000)
    opened = []
    sections = card.locator("details")
    for i in range(sections.count()):
        section = sections.nth(i)
        if section.get_attribute("open") is not None:
            continue
        summary = section.locator(":scope > summary")
        title = summary.inner_text().strip()
        summary.click()
        body = section.locator(":scope > :not(summary)").first
        opened.append((title, section.get_attribute("open") is not None and body.is_visible()))
    return opened


def datatable_sort(page: Any, column: str) -> tuple[list[float], list[float], list[float]]:
    """Values of ``column`` in the first DataTable as shown, after one header click and after two."""
    wrapper = page.locator(".dt-container").first
    wrapper.wait_for(state="visible", timeout=30000)
    wrapper.scroll_into_view_if_needed()
    heads = wrapper.locator("thead th").all_text_contents()  # textContent: not subject to windowing
    visible = [h.strip() for h in heads if h.strip()]
    assert column in visible, heads
    index = visible.index(column)
    header = wrapper.locator("thead th").filter(has_text=column).first
    # itables' DataTables orders on the header's sort button (data-dt-order="icon-only")
    button = header.locator(".dt-column-order")
    target = button if button.count() else header

    def values() -> list[float]:
        texts = wrapper.evaluate(
            f"w => Array.from(w.querySelectorAll('tbody tr')).map(r => (r.children[{index}] || {{}}).textContent || '')")
        return [float(v.strip()) for v in texts if v.strip()]

    def click() -> list[float]:
        before = header.get_attribute("aria-sort") or ""
        target.click()
        page.wait_for_function("([h, b]) => (h.getAttribute('aria-sort') || '') !== b",
                               arg=[header.element_handle(), before], timeout=10000)
        return values()

    shown = values()
    return shown, click(), click()


def paged(page: Any) -> dict[str, Any]:
    """The first kernel-paged table: rows in the DOM, the first page, then the next one and
    a sort by ``name``."""
    box = page.locator(".paradime-paged").first
    box.wait_for(state="visible", timeout=30000)
    box.scroll_into_view_if_needed()
    rows = box.locator(".paradime-paged-rows tbody tr")
    heads = box.locator(".paradime-paged-rows thead th").all_inner_texts()
    name = heads.index("name")
    info = box.locator(".paradime-paged-info")
    first = rows.first.inner_text()
    out: dict[str, Any] = {"dom_rows": page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('.paradime-paged')).map(b => b.querySelectorAll('tr').length))"),
        "info": info.inner_text(), "page1": [r.split("\t")[name] for r in rows.all_inner_texts()]}
    box.get_by_role("button", name="next").click()
    page.wait_for_function("([el, f]) => el.querySelector('.paradime-paged-rows tbody tr').innerText !== f",
                           arg=[box.element_handle(), first], timeout=15000)
    out["info_next"] = info.inner_text()
    box.locator("select").select_option("name")
    page.wait_for_function("el => /rows 1-/.test(el.querySelector('.paradime-paged-info').innerText)",
                           arg=box.element_handle(), timeout=15000)
    page.wait_for_timeout(300)
    out["sorted1"] = [r.split("\t")[name] for r in rows.all_inner_texts()]
    box.get_by_role("button", name="next").click()
    page.wait_for_function("el => /rows 26-/.test(el.querySelector('.paradime-paged-info').innerText)",
                           arg=box.element_handle(), timeout=15000)
    out["sorted2"] = [r.split("\t")[name] for r in rows.all_inner_texts()]
    return out


def gantt(page: Any) -> dict[str, Any]:
    """The run timelines drawn on the page: how many, how many the script brought to life
    (``data-ready``), and the first chart's tooltip and zoom after a hover and a wheel."""
    charts = page.locator(".paradime-gantt")
    out: dict[str, Any] = {"charts": charts.count(), "ready": page.locator(".paradime-gantt[data-ready='1']").count()}
    if not out["charts"]:
        return out
    first = charts.first
    first.scroll_into_view_if_needed()
    bar = first.locator("svg [data-tip]").first
    out["tip_expected"] = bar.get_attribute("data-tip")
    bar.hover()
    tip = first.locator(".paradime-gantt-tip")
    try:
        tip.wait_for(state="visible", timeout=5000)
    except Exception:  # noqa: BLE001 - reported as no tooltip
        pass
    out["tip"] = tip.inner_text() if tip.is_visible() else ""
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(300)
    out["zoom"] = first.locator(".paradime-gantt-zoom").inner_text()
    return out


def datatables(page: Any) -> tuple[int, int]:
    """(tables of ours on the page, of them those DataTables has drawn)."""
    return tuple(page.evaluate("""() => { const t = Array.from(document.querySelectorAll('.paradime-perf-table'));
        return [t.length, t.filter(x => x.querySelector('.dt-container table.dataTable')).length]; }"""))
