"""The loopback server itself, over plain HTTP: schema validation, the three auth modes,
expiring download URLs, gzip fixtures served as JSON, counting, replication, the CLI."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time

import pytest
import requests

from paradime_nb import Paradime
from paradime_nb.errors import AuthenticationError
from paradime_nb.testing import LoopbackServer, default_runs_dir
from paradime_nb.testing.fixtures import paradime_runs_dir, paradime_server  # noqa: F401
from tests import raw
from tests.bolt_support import (  # noqa: F401
    API_KEY, API_SECRET, COMPANY_TOKEN, WORKSPACE_TOKEN, api_client, no_secrets_in_logs, raises, rows, server,
)
from tests.conftest import JAFFLE, RUNS

LEGACY = {"X-API-KEY": API_KEY, "X-API-SECRET": API_SECRET}


def _post(srv: LoopbackServer, query: str, variables: dict | None = None, headers: dict | None = None):
    return requests.post(srv.endpoint, json={"query": query, "variables": variables or {}},
                         headers=LEGACY if headers is None else headers, timeout=10)


@pytest.fixture(scope="module")
def srv():
    with server(RUNS) as s:
        yield s


def test_documents_are_validated_against_the_schema(srv):
    ok = _post(srv, "query { listBoltRuns(slug: \"jaffle-daily\", offset: 0, limit: 2) { ok runs { id } } }")
    assert ok.status_code == 200
    assert ok.json()["data"]["listBoltRuns"]["runs"] == [{"id": 48012}, {"id": 48011}]
    unknown = _post(srv, "query { listBoltRuns(slug: \"jaffle-daily\", offset: 0, limit: 2) { runs { id color } } }")
    assert unknown.status_code == 400 and "color" in unknown.json()["errors"][0]["message"]
    missing_arg = _post(srv, "query { boltRunStatus { state } }")
    assert missing_arg.status_code == 400 and "runId" in missing_arg.json()["errors"][0]["message"]
    assert _post(srv, "query { nope").status_code == 400


def test_only_the_selected_fields_come_back_and_logs_only_when_asked(srv):
    run = json.loads((JAFFLE / "48011" / "run.json").read_text())
    cmds = [json.loads((c / "command.json").read_text()) for c in raw.command_dirs(JAFFLE / "48011")]
    answer = _post(srv, "query q($id: Int!) { boltRunStatus(runId: $id) { state commands { id returnCode } } }",
                   {"id": 48011}).json()["data"]["boltRunStatus"]
    assert answer == {"state": run["state"], "commands": [{"id": c["id"], "returnCode": c["returnCode"]} for c in cmds]}
    logs = _post(srv, "query q($id: Int!) { boltRunStatus(runId: $id) { commands { stdout } } }",
                 {"id": 48011}).json()["data"]["boltRunStatus"]["commands"]
    assert logs[0]["stdout"] == (raw.command_dirs(JAFFLE / "48011")[0] / "stdout.txt").read_text()


def test_the_official_sdk_argument_names_are_accepted(srv):
    answer = _post(srv, 'query { boltScheduleName(scheduleName: "jaffle-daily") { ok latestRunId commands } }').json()
    schedule = json.loads((JAFFLE / "schedule.json").read_text())
    assert answer["data"]["boltScheduleName"] == {"ok": True, "latestRunId": 48012, "commands": schedule["commands"]}


def test_requests_are_counted_by_operation(srv):
    srv.clear()
    for _ in range(2):
        _post(srv, "query listBoltRuns { listBoltRuns(slug: \"x\", offset: 0, limit: 1) { ok } }")
    _post(srv, "query { boltRunStatus(runId: 1) { state } }")
    assert srv.counts == {"listBoltRuns": 2, "boltRunStatus": 1}


@pytest.mark.parametrize("secret, workspace, good, bad, wrong", [
    (API_SECRET, None, LEGACY, {"X-API-KEY": API_KEY, "X-API-SECRET": "wrong"}, {"api_key": "other-key"}),
    (WORKSPACE_TOKEN, None, {"Authorization": f"Bearer {WORKSPACE_TOKEN}"}, {"Authorization": "Bearer prdm_wsp_other"},
     {"api_secret": "prdm_wsp_other"}),
    (COMPANY_TOKEN, "ws-1", {"Authorization": f"Bearer {COMPANY_TOKEN}", "X-Paradime-Workspace": "ws-1"},
     {"Authorization": f"Bearer {COMPANY_TOKEN}", "X-Paradime-Workspace": "ws-2"}, {"workspace_uid": "ws-2"}),
], ids=["api_key", "workspace_token", "company_token"])
def test_the_three_authentication_modes(tmp_path, secret, workspace, good, bad, wrong):
    query = "query { listBoltSchedules(offset: 0, limit: 10, showInactive: false) { totalCount } }"
    with server(RUNS, api_secret=secret, workspace_uid=workspace) as s:
        assert _post(s, query, headers=good).status_code == 200
        assert _post(s, query, headers=bad).status_code == 401
        assert _post(s, query, headers={}).status_code == 401
        client = api_client(s, tmp_path)  # the real client, with the right credentials
        assert client.metadata.load("jaffle-daily").loaded == [48012]
        refused = api_client(s, tmp_path, **wrong)
        with raises(AuthenticationError, "HTTP 401", "refused the credentials"):
            refused.metadata.load("jaffle-daily")
        assert refused.store.fetchall("SELECT count(*) FROM runs") == [(0,)]


def test_download_urls_need_no_credentials_but_a_valid_signature(srv):
    resources = _post(srv, "query { boltRunStatus(runId: 48012) { commands { id } } }").json()
    command_id = resources["data"]["boltRunStatus"]["commands"][1]["id"]
    files = _post(srv, f"query {{ boltCommand(commandId: {command_id}) {{ resources {{ id path }} }} }}").json()
    resource = next(r for r in files["data"]["boltCommand"]["resources"] if r["path"] == "target/run_results.json")
    url = _post(srv, f"query {{ boltResourceUrl(resourceId: {resource['id']}) {{ url }} }}").json()["data"]["boltResourceUrl"]["url"]
    got = requests.get(url, timeout=10)
    assert got.status_code == 200
    assert got.content == (raw.command_dirs(JAFFLE / "48012")[1] / "target" / "run_results.json").read_bytes()
    tampered = requests.get(url.replace("sig=", "sig=0"), timeout=10)
    assert tampered.status_code == 403 and b"AccessDenied" in tampered.content


def test_gzipped_fixtures_are_served_as_plain_json(paradime_server):
    """The bundled demo runs are gzipped: served decompressed, loaded like ``Paradime.demo()``."""
    s = paradime_server
    assert s.catalog.root == default_runs_dir()
    gz = next(r for r in s.catalog.resources.values() if r.file.name.endswith(".json.gz"))
    url = s._download_url(gz.id)
    body = requests.get(url, timeout=10).content
    assert body == gzip.decompress(gz.file.read_bytes()) and not gz.path.endswith(".gz")
    client = Paradime(**s.credentials(), cache_dir=False, progress=False)
    demo = Paradime.demo()
    client.metadata.load("jaffle-daily", runs=2)
    demo.metadata.load("jaffle-daily", runs=2, progress=False)
    for table in ("dbt_run_results", "model_metadata", "dbt_source_freshness_results", "catalog_columns"):
        assert rows(client, table) == rows(demo, table) != []
    client.close()


def test_replicated_runs_are_older_copies_with_fresh_ids(tmp_path):
    with server(RUNS, replicate=30) as s:
        runs = s.catalog.schedules["jaffle-daily"].runs
        assert len(runs) == 30 and len({r.data["id"] for r in runs}) == 30
        assert [r.started for r in runs] == sorted((r.started for r in runs), reverse=True)
        assert [r.data["id"] for r in runs[:12]] == sorted((int(p.name) for p in raw.run_dirs(JAFFLE)), reverse=True)
        ids = [c.data["id"] for r in runs for c in r.commands]
        assert len(ids) == len(set(ids))
        client = api_client(s, tmp_path)
        assert len(client.metadata.load("jaffle-daily", runs=14).loaded) == 14


def test_the_command_line_prints_the_endpoint_first():
    proc = subprocess.Popen(
        [sys.executable, "-m", "paradime_nb.testing.server", "--runs", str(RUNS), "--port", "0",
         "--api-key", API_KEY, "--api-secret", API_SECRET, "--latency", "0.01"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        endpoint = proc.stdout.readline().strip()
        assert endpoint.startswith("http://127.0.0.1:") and endpoint.endswith("/graphql")
        started = time.perf_counter()
        answer = requests.post(endpoint, json={"query": "query { listBoltSchedules(offset: 0, limit: 5, showInactive: false) "
                                                         "{ schedules { slug } } }"}, headers=LEGACY, timeout=10)
        assert time.perf_counter() - started >= 0.01
        assert answer.json()["data"]["listBoltSchedules"]["schedules"] == [{"slug": "jaffle-daily"}]
        stats = requests.get(endpoint.rsplit("/api/", 1)[0] + "/_stats", timeout=10).json()
        assert stats["counts"] == {"listBoltSchedules": 1}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert API_SECRET not in proc.stderr.read()
