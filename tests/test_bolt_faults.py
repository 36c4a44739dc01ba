"""Every fault the loopback server can inject: the load succeeds after retries (same rows as
the saved-runs source), or raises the typed error naming the cause and leaves the store
as it was. Backoffs are tiny (tests.bolt_support.FAST); what is retried is not."""

from __future__ import annotations

import time

import pytest

from paradime_nb import Paradime
from paradime_nb.errors import ApiError, DownloadError, GraphQLError, RateLimitError
from tests.bolt_support import TABLES, api_client, no_secrets_in_logs, raises, rows, server, snapshot  # noqa: F401
from tests.conftest import RUNS

NEWEST, SECOND = 48012, 48011


@pytest.fixture(scope="module")
def srv():
    with server(RUNS) as s:
        yield s


@pytest.fixture(scope="module")
def reference():
    client = Paradime.from_path(RUNS)
    client.metadata.load("jaffle-daily", runs=2, progress=False)
    yield client
    client.close()


@pytest.fixture
def client(srv, tmp_path):
    """A client with the newest run stored; the next load(runs=2) fetches only run 48011."""
    srv.clear()
    c = api_client(srv, tmp_path)
    assert c.metadata.load("jaffle-daily").loaded == [NEWEST]
    srv.clear()
    yield c
    c.close()


def _same_as_reference(client, reference):
    for table in TABLES:
        ignore = ("description",) if table == "runs" else ()
        assert rows(client, table, ignore) == rows(reference, table, ignore), table


RECOVERED = [
    # (fault kind, operation, details)
    ("status", "listBoltRuns", {"status": 429, "retry_after": 1}),
    ("status", "boltRunStatus", {"status": 502}),
    ("status", "boltCommand", {"status": 503}),
    ("status", "boltResourceUrl", {"status": 504}),
    ("status", "download", {"status": 503}),
    ("reset", "boltRunStatus", {}),
    ("reset", "download", {}),
    ("truncate", "boltCommand", {}),
    ("truncate", "download", {}),
    ("expired", "download", {}),
]


@pytest.mark.parametrize("kind, op, details", RECOVERED, ids=lambda v: v if isinstance(v, str) else None)
def test_a_passing_fault_is_retried_and_the_load_lands_every_row(srv, client, reference, kind, op, details):
    fault = srv.inject(kind, op, **details)
    started = time.perf_counter()
    assert client.metadata.load("jaffle-daily", runs=2).loaded == [SECOND]
    assert fault.hits == 1
    if kind == "expired":  # the URL was resolved again, once
        assert srv.counts["boltResourceUrl"] == srv.counts["download"] == srv.downloaded.total() + 1
    else:
        assert srv.counts[op] >= 2
    if details.get("retry_after"):
        assert time.perf_counter() - started >= details["retry_after"]  # Retry-After honoured
    _same_as_reference(client, reference)


FAILING = [
    # (fault kind, operation, details, error type, words the message must hold)
    ("status", "listBoltRuns", {"status": 429}, RateLimitError, ("listBoltRuns", "429")),
    ("status", "boltRunStatus", {"status": 500}, ApiError, ("boltRunStatus", "HTTP 500")),
    ("status", "boltCommand", {"status": 503}, ApiError, ("boltCommand", "HTTP 503")),
    ("status", "download", {"status": 502}, DownloadError, ("48011", "HTTP 502")),
    ("reset", "boltResourceUrl", {}, ApiError, ("boltResourceUrl", "could not reach")),
    ("reset", "download", {}, DownloadError, ("48011", "download failed")),
    ("truncate", "boltRunStatus", {}, ApiError, ("boltRunStatus", "cut short")),
    ("truncate", "download", {}, DownloadError, ("48011", "cut short")),
    ("expired", "download", {}, DownloadError, ("48011", "HTTP 403", "freshly resolved")),
    ("graphql_error", "boltRunStatus", {"message": "Run 48011 is archived"}, GraphQLError,
     ("boltRunStatus", "Run 48011 is archived")),
]


@pytest.mark.parametrize("kind, op, details, error, words", FAILING, ids=lambda v: v if isinstance(v, str) else None)
def test_a_lasting_fault_raises_a_typed_error_and_leaves_the_store_unchanged(srv, client, kind, op, details, error, words):
    before = snapshot(client)
    srv.inject(kind, op, times=None, **details)
    with raises(error, *words):
        client.metadata.load("jaffle-daily", runs=2)
    assert snapshot(client) == before
    srv.clear()  # the fault gone, the same client loads the run: nothing half-written remains
    assert client.metadata.load("jaffle-daily", runs=2).loaded == [SECOND]


def test_one_500_is_retried_like_a_502(srv, client):
    """One HTTP 500 on one call no longer aborts the whole load (retried, bounded)."""
    srv.inject("status", "boltRunStatus", status=500)
    report = client.metadata.load("jaffle-daily", runs=2)
    assert report.loaded
    assert srv.counts["boltRunStatus"] == len(report.loaded) + 1  # one of them asked twice


def test_null_fields_are_read_as_missing(srv, client):
    srv.inject("null", "listBoltRuns", fields=("gitInfo", "endDttm"))
    assert client.metadata.load("jaffle-daily", runs=2).loaded == [SECOND]
    assert client.store.fetchall("SELECT git_branch, git_commit, ended_at FROM runs WHERE run_id = ?", [SECOND]) == [
        (None, None, None)]


def test_a_command_list_or_resource_list_of_null(srv, client):
    srv.inject("null", "boltCommand", times=None, fields=("resources",))
    report = client.metadata.load("jaffle-daily", runs=2)
    assert report.loaded == [SECOND] and report.notes[SECOND]
    assert srv.counts["download"] == 0


def test_latency_over_the_read_timeout_raises_after_retries(srv, client):
    srv.latency = 0.3
    try:
        slow = api_client(srv, client.source.cache.root, timeout=0.1)
        with raises(ApiError, "listBoltSchedules", "did not answer within", "timeout="):  # says how to raise it
            slow.metadata.load("jaffle-daily")
        assert srv.counts["listBoltSchedules"] == 2 * 3  # active + inactive lists, each tried 1 + 2 times
        fine = api_client(srv, client.source.cache.root, timeout=5)
        assert fine.metadata.load("jaffle-daily").loaded == [NEWEST]
    finally:
        srv.latency = 0.0


def test_a_file_over_the_download_limit_is_refused(srv, tmp_path):
    srv.clear()
    small = api_client(srv, tmp_path, max_download_mb=0.01)
    with raises(DownloadError, "over the download limit", "max_download_mb=0.01"):
        small.metadata.load("jaffle-daily")
    assert small.store.fetchall("SELECT count(*) FROM runs") == [(0,)]


def test_download_urls_expire_on_their_own(tmp_path):
    with server(RUNS, url_ttl=0.0) as s:
        client = api_client(s, tmp_path)
        with raises(DownloadError, "HTTP 403"):
            client.metadata.load("jaffle-daily")
        assert s.counts["boltResourceUrl"] >= 2 and s.downloaded.total() == 0
