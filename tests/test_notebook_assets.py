"""Light outputs: each widget library (DataTables, vis-network) goes to the page once per
kernel session, in its carrier output, and again when the carrier cell runs again; big
results page in the kernel. Real kernels (nbclient), real widgets; the front-end side is
tests/test_frontend.py."""

from __future__ import annotations

import pytest

from paradime_nb import Paradime
from paradime_nb.notebook.widgets import lineage_graph, performance_table
from paradime_nb.notebook.widgets.assets import LIBRARIES, VIS_NETWORK
from paradime_nb.notebook.widgets.paged import PAGE, paged_table

from .conftest import JAFFLE

pytestmark = pytest.mark.slow
LIGHT = 150_000


DT = "data-asset='datatables'"  # the output that carries the DataTables bundle
VIS = "data-asset='vis-network"  # the one that carries vis-network


def run(kc, code: str, cell_id: str) -> str:
    """Execute ``code`` as the front-ends do (the cell id in the request's metadata); the
    text/html of its outputs, joined."""
    msg = kc.session.msg("execute_request", {"code": code, "silent": False, "store_history": True,
                                             "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
                         metadata={"cellId": cell_id})
    kc.shell_channel.send(msg)
    html = []
    while True:
        reply = kc.get_iopub_msg(timeout=120)
        if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
            continue
        kind, content = reply["msg_type"], reply["content"]
        assert kind != "error", content
        if kind in ("display_data", "execute_result"):
            html.append(content["data"].get("text/html", ""))
        if kind == "status" and content["execution_state"] == "idle":
            return "".join(html)


@pytest.fixture()
def kernel():
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_each_library_travels_once_per_session_and_again_with_its_carrier_cell(kernel):
    run(kernel, "%load_ext paradime_nb\nclient = %paradime connect --demo\n%paradime load jaffle-daily --runs 12", "a")
    slowest = run(kernel, "%paradime slowest --limit 5", "b")  # carries DataTables
    perf = run(kernel, "%paradime perf --days 30", "c")  # two tables, no bundle
    assert DT in slowest and len(slowest) > 200_000
    assert DT not in perf and "new ITable" in perf and len(perf) < LIGHT  # DataTables still, waiting for it
    graph = run(kernel, "%paradime lineage orders --up 1", "d")  # carries vis-network
    again = run(kernel, "%paradime lineage orders", "e")
    assert VIS in graph and VIS not in again and "paradimeAsset(" in again and len(again) < LIGHT
    # the carrier cell runs again: its old output (and the library in it) goes, the new one carries it
    assert DT in run(kernel, "%paradime slowest --limit 5", "b")
    assert DT not in run(kernel, "%paradime perf --days 30", "c")
    # the carrier cell runs something else: the next output that needs the library carries it
    run(kernel, "1 + 1", "d")
    assert VIS in run(kernel, "%paradime lineage orders", "e")
    # a later cell running again stays light; %paradime assets carries both on request
    assert VIS not in run(kernel, "%paradime lineage orders", "f")
    both = run(kernel, "%paradime assets", "g")
    assert DT in both and VIS in both
    assert DT not in run(kernel, "%paradime slowest", "b") and VIS not in run(kernel, "%paradime lineage orders", "e")


def test_outside_a_kernel_a_widget_is_a_standalone_page():
    import pandas as pd

    table = performance_table(pd.DataFrame({"name": ["a"], "execution_time": [1.0]}))
    assert DT in table._repr_html_() and DT in table.page() and DT not in table.html
    graph = lineage_graph([{"unique_id": "m", "name": "m", "resource_type": "model", "health_status": "healthy"}], [])
    assert VIS in graph._repr_html_() and len(graph.html) < LIGHT and VIS not in graph.html
    assert graph.page() == LIBRARIES[VIS_NETWORK]() + graph.html


def test_a_long_result_pages_in_the_kernel():
    with Paradime.from_path(JAFFLE.parent) as client:
        client.metadata.load("jaffle-daily", runs=12, progress=False)
        results = client.metadata.get_test_results("jaffle-daily")
    big = type(results)(list(results) * 40, results.record_type)  # 2,120 rows
    table = paged_table(big)
    bar, body = table.children
    search, sort, descending, previous, following, info = bar.children
    frame = big.to_frame()
    assert body.value.count("<tr") == PAGE + 1 and f"of {len(big):,}" in info.value
    assert previous.disabled and not following.disabled
    following.click()
    assert body.value.count("<tr") == PAGE + 1 and "rows 26-50" in info.value
    assert frame["unique_id"].iloc[PAGE] in body.value and frame["unique_id"].iloc[0] not in body.value
    sort.value = "failures"
    descending.value = True
    top = frame.sort_values("failures", ascending=False, kind="stable")["unique_id"].iloc[0]
    assert "rows 1-25" in info.value and body.value.index(top) < body.value.index("</tr>", body.value.index("<tbody>") )
    search.value = "not_null"
    matches = [r for r in big if "not_null" in r.name.lower() or "not_null" in r.unique_id]
    assert f"of {len(matches):,} (of {len(big):,})" in info.value
    bundle = table._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].count("<tr") == PAGE + 1 and f"{len(big):,} rows" in bundle["text/html"]


class _Attributes(__import__("html.parser").parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.styles: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            self.names.add(name)
            if name == "style" and value:
                self.styles.append(value)


def test_widget_html_attributes_are_well_formed():
    """A quote inside a style attribute once cut it short (and made JupyterLab's sanitizer
    backtrack for 20-60 s per output): every attribute must parse whole, every font list
    must be a clean comma-separated list."""
    import re

    import pandas as pd

    from paradime_nb.notebook.widgets.health import HealthReport, static_html

    with Paradime.from_path(JAFFLE.parent) as client:
        client.metadata.load("jaffle-daily", runs=12, progress=False)
        card = static_html(HealthReport.fetch(client.metadata, "jaffle-daily"))
        results = client.metadata.get_test_results("jaffle-daily")
    fragments = {
        "card": card,
        "table": performance_table(pd.DataFrame({"name": ["a"], "execution_time": [1.0]}), caption="c").html,
        "graph": lineage_graph([{"unique_id": "m", "name": "m", "resource_type": "model"}], [], title="t").html,
        "paged": paged_table(type(results)(list(results) * 2, results.record_type)).static_html,
    }
    font = re.compile(r"font-family:\s*([^;]*)")
    item = r"""(?:[A-Za-z-][\w-]*(?: [A-Za-z-][\w-]*)*|"[^"]*"|'[^']*')"""
    for name, fragment in fragments.items():
        parser = _Attributes()
        parser.feed(fragment)
        assert all(re.fullmatch(r"[a-z][a-z0-9-]*", a) for a in parser.names), (name, parser.names)
        for style in parser.styles:
            for fonts in font.findall(style):
                assert re.fullmatch(rf"{item}(?:,\s*{item})*", fonts.strip()), (name, fonts)
