"""Credentials: arguments, then PARADIME_* variables, then ~/.paradime/credentials; the
three authentication modes; clear errors that never show a secret."""

from __future__ import annotations

import pytest

from paradime_nb import Paradime
from paradime_nb.config import Credentials, read_dotenv, resolve_credentials
from paradime_nb.errors import ConfigurationError
from tests.bolt_support import API_KEY, API_SECRET, COMPANY_TOKEN, WORKSPACE_TOKEN, assert_no_secret, no_secrets_in_logs, raises  # noqa: F401

ENDPOINT = "https://api.paradime.example/api/v1/abc/graphql"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No real credentials leak in from the machine running the tests."""
    for name in ("API_ENDPOINT", "API_KEY", "API_SECRET", "WORKSPACE_UID"):
        monkeypatch.delenv(f"PARADIME_{name}", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def _write_credentials(tmp_path, text: str):
    path = tmp_path / "home" / ".paradime" / "credentials"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path


def test_each_setting_comes_from_argument_then_environment_then_file(monkeypatch, tmp_path):
    _write_credentials(tmp_path, f"API_ENDPOINT={ENDPOINT}\nAPI_KEY=file-key\nAPI_SECRET=file-secret\nWORKSPACE_UID=file-ws\n")
    assert resolve_credentials() == Credentials(ENDPOINT, "file-secret", "file-key", "file-ws")
    monkeypatch.setenv("PARADIME_API_KEY", "env-key")
    monkeypatch.setenv("PARADIME_WORKSPACE_UID", "env-ws")
    assert resolve_credentials() == Credentials(ENDPOINT, "file-secret", "env-key", "env-ws")
    assert resolve_credentials(api_key="arg-key") == Credentials(ENDPOINT, "file-secret", "arg-key", "env-ws")


def test_the_credentials_file_is_dotenv(tmp_path):
    path = tmp_path / "credentials"
    path.write_text('# Paradime\nexport API_KEY="quoted key"\nAPI_SECRET=\'s#1\'\n\nAPI_ENDPOINT=https://x/y # comment\nnot a line\n')
    assert read_dotenv(path) == {"API_KEY": "quoted key", "API_SECRET": "s#1", "API_ENDPOINT": "https://x/y"}
    assert read_dotenv(tmp_path / "missing") == {}


def test_the_three_authentication_modes():
    legacy = resolve_credentials(API_KEY, API_SECRET, ENDPOINT)
    assert legacy.mode == "api_key"
    assert legacy.headers() == {"X-API-KEY": API_KEY, "X-API-SECRET": API_SECRET}
    workspace = resolve_credentials(None, WORKSPACE_TOKEN, ENDPOINT)
    assert workspace.mode == "workspace_token"
    assert workspace.headers() == {"Authorization": f"Bearer {WORKSPACE_TOKEN}"}
    company = resolve_credentials(None, COMPANY_TOKEN, ENDPOINT, workspace_uid="ws-1")
    assert company.mode == "company_token"
    assert company.headers() == {"Authorization": f"Bearer {COMPANY_TOKEN}", "X-Paradime-Workspace": "ws-1"}


@pytest.mark.parametrize("arguments, words", [
    ({"api_key": API_KEY, "api_secret": API_SECRET}, ("API_ENDPOINT", "PARADIME_API_ENDPOINT", ".paradime/credentials")),
    ({"api_key": API_KEY, "api_endpoint": ENDPOINT}, ("API_SECRET", "PARADIME_API_SECRET")),
    ({"api_secret": API_SECRET, "api_endpoint": ENDPOINT}, ("API key", "PARADIME_API_KEY")),
    ({"api_secret": COMPANY_TOKEN, "api_endpoint": ENDPOINT}, ("workspace uid", "PARADIME_WORKSPACE_UID")),
    ({"api_key": API_KEY, "api_secret": API_SECRET, "api_endpoint": "api.paradime.io/graphql"}, ("http(s) URL",)),
])
def test_a_missing_or_bad_setting_is_named_and_no_secret_shown(arguments, words):
    with raises(ConfigurationError, *words):
        resolve_credentials(**arguments)


def test_paradime_without_credentials_refuses_to_start(tmp_path):
    with raises(ConfigurationError, "API_ENDPOINT"):
        Paradime(cache_dir=tmp_path)


def test_an_unknown_option_is_refused(tmp_path):
    with raises(ConfigurationError, "retrys"):
        Paradime(API_KEY, API_SECRET, ENDPOINT, cache_dir=tmp_path, retrys=3)


def test_reprs_hide_the_secrets(tmp_path):
    creds = resolve_credentials(API_KEY, API_SECRET, ENDPOINT)
    client = Paradime(API_KEY, API_SECRET, ENDPOINT, cache_dir=tmp_path)
    token_client = Paradime(api_secret=COMPANY_TOKEN, api_endpoint=ENDPOINT, workspace_uid="ws", cache_dir=tmp_path)
    source = client.source
    texts = [creds, client, token_client, source, source.client, source.client.transport, source.cache,
             token_client.source.client.transport, vars(source.client.transport.options)]
    assert_no_secret(*(repr(t) for t in texts), *(str(t) for t in texts))
    assert ENDPOINT in repr(creds) and API_KEY in creds.headers().values()
    client.close()
    token_client.close()
