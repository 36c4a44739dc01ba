"""Paradime API credentials: arguments, then environment, then ``~/.paradime/credentials``.

The same names as the official Paradime CLI. The secret decides the authentication mode
(``prdm_wsp_`` workspace token, ``prdm_cmp_`` company token, else a legacy key/secret
pair). Secrets never appear in a repr, a log line or an error message: messages name the
setting that is missing, never a value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigurationError

ENV_PREFIX = "PARADIME_"
SETTINGS = ("API_ENDPOINT", "API_KEY", "API_SECRET", "WORKSPACE_UID")
WORKSPACE_TOKEN_PREFIX = "prdm_wsp_"
COMPANY_TOKEN_PREFIX = "prdm_cmp_"


def default_credentials_file() -> Path:
    return Path("~/.paradime/credentials").expanduser()


@dataclass(frozen=True)
class Credentials:
    """Where and how to call the API. ``api_key`` and ``api_secret`` are left out of the repr."""

    api_endpoint: str
    api_secret: str = field(repr=False)
    api_key: str | None = field(default=None, repr=False)
    workspace_uid: str | None = None

    @property
    def mode(self) -> str:
        """``workspace_token``, ``company_token`` or ``api_key``."""
        if self.api_secret.startswith(WORKSPACE_TOKEN_PREFIX):
            return "workspace_token"
        if self.api_secret.startswith(COMPANY_TOKEN_PREFIX):
            return "company_token"
        return "api_key"

    def headers(self) -> dict[str, str]:
        """The authentication headers of every GraphQL call (never of downloads)."""
        mode = self.mode
        if mode == "api_key":
            return {"X-API-KEY": self.api_key or "", "X-API-SECRET": self.api_secret}
        headers = {"Authorization": f"Bearer {self.api_secret}"}
        if mode == "company_token":
            headers["X-Paradime-Workspace"] = self.workspace_uid or ""
        return headers

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never be shown (tests grep output for them)."""
        return tuple(v for v in (self.api_secret, self.api_key if self.mode == "api_key" else None) if v)


def read_dotenv(path: Path) -> dict[str, str]:
    """``KEY=value`` lines (``export``, quotes and ``#`` comments allowed); missing file: {}."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot be read ({exc.strerror})") from None
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def resolve_credentials(
    api_key: str | None = None,
    api_secret: str | None = None,
    api_endpoint: str | None = None,
    workspace_uid: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    credentials_file: str | os.PathLike[str] | None = None,
) -> Credentials:
    """Each setting from its argument, else ``PARADIME_<NAME>``, else the credentials file.

    Raises ``ConfigurationError`` naming what is missing and where it was looked for."""
    env = os.environ if environ is None else environ
    file = Path(credentials_file).expanduser() if credentials_file is not None else default_credentials_file()
    dotenv: dict[str, str] | None = None

    def pick(argument: str | None, name: str) -> str | None:
        nonlocal dotenv
        if argument:
            return argument
        if env.get(ENV_PREFIX + name):
            return env[ENV_PREFIX + name]
        if dotenv is None:
            dotenv = read_dotenv(file)
        return dotenv.get(name) or dotenv.get(ENV_PREFIX + name) or None

    endpoint = pick(api_endpoint, "API_ENDPOINT")
    secret = pick(api_secret, "API_SECRET")
    key = pick(api_key, "API_KEY")
    workspace = pick(workspace_uid, "WORKSPACE_UID")
    where = f"pass it as an argument, set {ENV_PREFIX}{{name}}, or add {{name}}=... to {file}"

    if not endpoint:
        raise ConfigurationError("no Paradime API endpoint: " + where.format(name="API_ENDPOINT"))
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            "the Paradime API endpoint must be a full http(s) URL, as copied from the workspace settings"
        )
    if not secret:
        raise ConfigurationError("no Paradime API secret or token: " + where.format(name="API_SECRET"))
    credentials = Credentials(api_endpoint=endpoint, api_secret=secret, api_key=key, workspace_uid=workspace)
    if credentials.mode == "api_key" and not key:
        raise ConfigurationError(
            "the API secret is not a prdm_wsp_/prdm_cmp_ token, so an API key is needed: " + where.format(name="API_KEY")
        )
    if credentials.mode == "company_token" and not workspace:
        raise ConfigurationError(
            "a company token (prdm_cmp_...) needs the workspace uid: " + where.format(name="WORKSPACE_UID")
        )
    return credentials
