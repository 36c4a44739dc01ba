"""Suite 5, secrets: loads over the loopback API with distinctive fake credentials, in all
three authentication modes, through failures of every kind; every log record, message,
traceback, repr, console output, executed notebook output and the on-disk cache and store
are searched for the credentials: zero hits. SQL takes values as bound parameters: an
injection attempt in a model name or a parameter stays data."""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from pathlib import Path

import nbformat
import pytest

from paradime_nb import Paradime
from paradime_nb.config import resolve_credentials
from paradime_nb.errors import ParadimeNbError
from paradime_nb.testing import LoopbackServer
from tests.bolt_support import FAST
from tests.conftest import JAFFLE, RUNS
from tests.reliability.support import memory_file, run_data

MARK = "Pz8-FAKE-CREDENTIAL"  # in every secret below: one needle finds them all
KEY, SECRET = f"key-{MARK}-1", f"secret-{MARK}-2"
WORKSPACE_TOKEN, COMPANY_TOKEN = f"prdm_wsp_{MARK}-3", f"prdm_cmp_{MARK}-4"
MODES = {
    "api_key": {"api_key": KEY, "api_secret": SECRET},
    "workspace_token": {"api_key": None, "api_secret": WORKSPACE_TOKEN},
    "company_token": {"api_key": None, "api_secret": COMPANY_TOKEN, "workspace_uid": "ws-public-42"},
}
FAULTS = [("status", "boltRunStatus", {"status": 500}), ("reset", "download", {}), ("truncate", "boltCommand", {}),
          ("expired", "download", {}), ("graphql_error", "listBoltRuns", {"message": "no access"}),
          ("status", "download", {"status": 403})]


def _texts_of(exc: BaseException) -> list[str]:
    return [str(exc), repr(exc), "".join(traceback.format_exception(exc))]


def _files_under(*roots: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for root in roots for p in Path(root).rglob("*") if p.is_file()}


def _assert_clean(where: str, text: str | bytes) -> None:
    needle = MARK.encode() if isinstance(text, bytes) else MARK
    assert needle not in text, f"a credential leaked into {where}: ...{str(text)[max(0, str(text).find(MARK) - 80):][:200]}"


@pytest.mark.parametrize("mode", list(MODES))
def test_no_credential_in_logs_messages_reprs_output_cache_or_store(mode, tmp_path, caplog, capfd):
    caplog.set_level(logging.DEBUG)  # ours and urllib3's, every level
    creds = MODES[mode]
    texts: list[str] = []
    with LoopbackServer(RUNS, **creds) as srv:
        options = {**srv.credentials(), **FAST, "progress": True, "cache_dir": tmp_path / "cache"}
        client = Paradime(**options, database=tmp_path / "store.duckdb")
        report = client.metadata.load("jaffle-daily", runs=2)
        texts += [repr(client), repr(client.source), repr(client.source.client), repr(client.source.client.transport),
                  repr(client.source.client.transport.credentials), repr(client.source.cache), repr(client.store),
                  repr(client.metadata), repr(report), str(report), report._repr_html_(), repr(srv),
                  repr(resolve_credentials(**{k: v for k, v in srv.credentials().items()}))]
        texts.append(client.metadata.get_model_health("jaffle-daily").to_frame().to_string())
        for kind, op, details in FAULTS:  # every failure's message, repr and traceback
            srv.inject(kind, op, times=None, **details)
            with pytest.raises(ParadimeNbError) as info:
                client.metadata.load("jaffle-daily", runs=4, refresh=True)
            texts += _texts_of(info.value)
            srv.clear()
        wrong = {**options, "api_secret": creds["api_secret"] + "-wrong"}
        for attempt in (wrong, {**options, "api_key": None, "api_secret": f"not-a-token-{MARK}"},
                        {**options, "api_secret": f"prdm_cmp_{MARK}-5", "workspace_uid": None},
                        {**options, "api_endpoint": f"ftp://{MARK}@example.invalid"}):
            with pytest.raises(ParadimeNbError) as info:
                Paradime(**attempt).metadata.load("jaffle-daily")
            texts += _texts_of(info.value)
        client.close()
    out, err = capfd.readouterr()
    assert "downloading" in err or "loading" in err or err == ""  # tqdm wrote here, if anything
    for where, text in [("stdout", out), ("stderr", err), ("the log", caplog.text), *((f"text {i}", t) for i, t in enumerate(texts))]:
        _assert_clean(where, text)
    for record in caplog.records:
        _assert_clean(f"log record {record.name}", record.getMessage() + repr(record.args))
    files = _files_under(tmp_path)  # the artifact cache and the store file
    assert any("index.json" in p for p in files) and any(p.endswith("store.duckdb") for p in files)
    for path, data in files.items():
        _assert_clean(path, data)


NOTEBOOK = [
    "import logging, os, sys, traceback\nlogging.basicConfig(level=logging.DEBUG, stream=sys.stdout, force=True)",
    "%load_ext paradime_nb",
    "%paradime connect",
    "%paradime load jaffle-daily --runs 2",
    "%paradime health jaffle-daily",
    "from paradime_nb import Paradime\nclient = Paradime(progress=True)\nclient.metadata.load('jaffle-daily', runs=3)\n"
    "print(repr(client.source), repr(client.source.client.transport), repr(client.source.client.transport.credentials))\n"
    "client",
    "try:\n    Paradime(api_secret=os.environ['PARADIME_API_SECRET'] + '-wrong').metadata.load('jaffle-daily')\n"
    "except Exception:\n    traceback.print_exc(file=sys.stdout)",
    "try:\n    get_ipython().run_line_magic('paradime', 'connect --api-secret ' + os.environ['PARADIME_API_SECRET'] + 'x')\n"
    "    get_ipython().run_line_magic('paradime', 'load jaffle-daily')\nexcept Exception as exc:\n    print(type(exc).__name__, exc)",
]


@pytest.mark.slow
def test_no_credential_in_an_executed_notebook(tmp_path):
    """A notebook connects with credentials from the environment (as users do), loads with
    debug logging on, shows health, reprs and refused secrets: no output shows them."""
    from paradime_nb.testing.runner import execute_notebook

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in NOTEBOOK])
    path = tmp_path / "secrets.ipynb"
    nbformat.write(nb, path)
    with LoopbackServer(RUNS, **MODES["api_key"]) as srv:
        env = {**os.environ, "PARADIME_API_ENDPOINT": srv.endpoint, "PARADIME_API_KEY": KEY,
               "PARADIME_API_SECRET": SECRET, "PARADIME_NB_CACHE_DIR": str(tmp_path / "cache"),
               "HOME": str(tmp_path)}
        done = execute_notebook(path, env=env, timeout=240, quiet=True)
    outputs = [(i, json.dumps(out)) for i, cell in enumerate(done.cells) for out in cell.get("outputs", [])]
    shown = "\n".join(text for _i, text in outputs)
    assert "jaffle-daily" in shown and "AuthenticationError" in shown and "HTTP 401" in shown
    assert sum(cell.get("outputs", []) != [] for cell in done.cells) >= 6
    for i, text in outputs:
        _assert_clean(f"the output of cell {i} ({done.cells[i].source.splitlines()[0]!r})", text)
    for where, data in _files_under(tmp_path / "cache").items():
        _assert_clean(where, data)


# --- values are data, never SQL ----------------------------------------------------------------

EVIL = "o'rders\"; DROP TABLE runs; --"


@pytest.fixture(scope="module")
def evil_client():
    """The jaffle runs, plus a run of schedule ``evil`` whose model ``orders`` is named EVIL."""
    client = Paradime.from_path(RUNS)
    client.metadata.load("jaffle-daily", runs=2, progress=False)
    doc = json.loads((JAFFLE / "48004" / "5_test" / "target" / "manifest.json").read_bytes())
    doc["nodes"]["model.jaffle_shop.orders"]["name"] = EVIL
    manifest = memory_file("target/manifest.json", json.dumps(doc).encode())
    results = memory_file("target/run_results.json", (JAFFLE / "48004" / "5_test" / "target" / "run_results.json").read_bytes())
    from paradime_nb.store import prepare_run

    client.store.write_run(prepare_run(run_data(1, [("dbt build", [manifest, results])], schedule="evil")))
    yield client
    client.close()


def _counts(client: Paradime) -> list[tuple]:
    return client.store.fetchall("SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM model_metadata)")


def test_a_model_named_like_an_injection_is_found_by_its_name(evil_client):
    before = _counts(evil_client)
    health = {m.name: m for m in evil_client.metadata.get_model_health("evil")}
    assert EVIL in health and health[EVIL].unique_id == "model.jaffle_shop.orders"
    upstream = evil_client.metadata.get_upstream_model_health(EVIL, "evil")
    names = {n.name for n in upstream} if hasattr(upstream, "__iter__") else set(upstream.to_frame()["name"])
    assert "stg_orders" in names
    assert _counts(evil_client) == before


def test_an_injection_in_a_name_or_a_parameter_stays_data(evil_client):
    before = _counts(evil_client)
    with pytest.raises(ParadimeNbError):
        evil_client.metadata.get_upstream_model_health("x'); DROP TABLE runs; --", "jaffle-daily")
    with pytest.raises(ParadimeNbError):
        evil_client.metadata.get_model_health("jaffle-daily'; DELETE FROM runs; --")
    found = evil_client.metadata.query_sql("SELECT unique_id FROM model_metadata WHERE name = $name AND "
                                           "schedule_name = $schedule_name", "evil", parameters={"name": EVIL})
    assert list(found["unique_id"]) == ["model.jaffle_shop.orders"]
    none = evil_client.metadata.query_sql("SELECT count(*) AS n FROM runs WHERE schedule_name = ?",
                                          parameters=["x' OR '1'='1"])
    assert none["n"][0] == 0
    assert _counts(evil_client) == before

