"""``BoltClient``, one operation at a time, over real HTTP: answers read from the fixtures'
raw JSON, unknown ids turned into typed errors or empty answers, never a KeyError."""

from __future__ import annotations

import io
import json

import pytest

from paradime_nb.bolt import BoltClient, HttpOptions
from paradime_nb.config import resolve_credentials
from paradime_nb.errors import GraphQLError, RunNotFoundError
from tests import raw
from tests.bolt_support import API_KEY, API_SECRET, no_secrets_in_logs, raises, server  # noqa: F401
from tests.conftest import JAFFLE, RUNS


@pytest.fixture(scope="module")
def bolt():
    with server(RUNS) as srv:
        client = BoltClient(resolve_credentials(API_KEY, API_SECRET, srv.endpoint), HttpOptions(retries=1))
        yield client, srv
        client.close()


def test_schedules(bolt):
    client, _ = bolt
    saved = json.loads((JAFFLE / "schedule.json").read_text())
    (schedule,) = client.list_schedules()
    assert (schedule.slug, schedule.name, schedule.cron, list(schedule.commands)) == (
        saved["slug"], saved["name"], saved["schedule"], saved["commands"])
    assert client.list_schedules(show_inactive=True) == []


def test_runs_commands_files_and_a_download(bolt):
    client, _ = bolt
    (run,) = client.list_runs("jaffle-daily", limit=1)
    saved = json.loads((JAFFLE / str(run.run_id) / "run.json").read_text())
    assert (run.state, run.actor, run.git_commit) == (saved["state"], saved["actor"], saved["gitInfo"]["commitHash"])
    status = client.run_status(run.run_id)
    cmd_dirs = raw.command_dirs(JAFFLE / str(run.run_id))
    assert [c.id for c in status.commands] == [json.loads((c / "command.json").read_text())["id"] for c in cmd_dirs]
    resources = client.command_resources(status.commands[1].id)
    assert sorted(r.path for r in resources) == sorted(
        p.relative_to(cmd_dirs[1]).as_posix() for p in (cmd_dirs[1] / "target").iterdir())
    manifest = next(r for r in resources if r.path == "target/manifest.json")
    buffer = io.BytesIO()
    size = client.download(manifest.id, buffer, what="manifest")
    assert buffer.getvalue() == (cmd_dirs[1] / "target" / "manifest.json").read_bytes() and size == len(buffer.getvalue())


def test_unknown_ids(bolt):
    client, _ = bolt
    assert client.list_runs("no-such-schedule") is None
    with raises(RunNotFoundError, "run 1 not found"):
        client.run_status(1)
    assert client.command_resources(1) == []
    with raises(GraphQLError, "boltResourceUrl", "resource 999999 not found"):
        client.resource_url(999999)
    with pytest.raises(ValueError, match="1..1000"):
        client.list_runs("jaffle-daily", limit=1001)


def test_only_the_documented_fields_are_asked(bolt):
    """The server rejects unknown fields, so every call passing proves the selection valid;
    and no call asks for the command logs."""
    from paradime_nb.bolt import queries

    texts = [v for k, v in vars(queries).items() if k.isupper()]
    assert len(texts) == 5 and not any("stdout" in t or "stderr" in t for t in texts)  # the five operations used
