"""HTTP for the Bolt API: one keep-alive session, urllib3 ``Retry``, typed errors.

Retries (connection errors, 429 honouring ``Retry-After``, 502/503/504) are urllib3's,
with exponential backoff and jitter. A body cut short (fewer bytes than its
Content-Length) is a different failure, seen only while reading: it gets its own small
number of attempts. Messages name the operation or file, never a header or signed URL.
"""

from __future__ import annotations

import inspect
import logging
import time
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

import orjson
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .._version import __version__
from ..config import Credentials
from ..errors import ApiError, AuthenticationError, DownloadError, GraphQLError, RateLimitError

log = logging.getLogger("paradime_nb.bolt")

RETRY_STATUSES = (429, 500, 502, 503, 504)  # a lone 500 is often transient too: retried, bounded
_MB = 1024 * 1024


@dataclass(frozen=True)
class HttpOptions:
    """Timeouts (seconds), retries and limits; every field is a ``Paradime(...)`` keyword."""

    connect_timeout: float = 10.0
    timeout: float = 60.0  # read timeout of a GraphQL call
    download_timeout: float = 300.0  # read timeout between chunks of a download
    retries: int = 4
    backoff_factor: float = 0.5
    backoff_jitter: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 30.0  # the longest Retry-After honoured (a warning says it waits)
    body_retries: int = 2  # extra attempts for a body cut short
    max_download_mb: float | None = 4096.0
    pool_size: int = 32  # keep >= BoltSource max_workers: one kept-alive connection per worker


class UrlExpiredError(DownloadError):
    """The object store refused a pre-signed URL (HTTP 403): resolve a new one."""


class _SayingRetry(Retry):
    """urllib3's Retry, saying when a 429/503 makes it wait (a silent minute looks hung)."""

    #: the longest wait, where urllib3 has no ``retry_after_max`` of its own (older 2.x releases)
    cap: float | None = None

    def parse_retry_after(self, retry_after: str) -> float:
        seconds = super().parse_retry_after(retry_after)
        return seconds if self.cap is None else min(seconds, self.cap)

    def sleep_for_retry(self, response=None):  # type: ignore[no-untyped-def]
        seconds = self.get_retry_after(response) if response is not None else None
        if seconds:
            log.warning("the Paradime API asked to wait (HTTP %s, Retry-After): waiting %.0f s "
                        "(at most retry_after_max; Ctrl-C stops)", response.status, seconds)
        return super().sleep_for_retry(response)


def _retry(options: HttpOptions) -> Retry:
    kwargs: dict[str, Any] = dict(
        total=options.retries, connect=options.retries, read=options.retries, status=options.retries,
        other=0, redirect=5, backoff_factor=options.backoff_factor, backoff_max=options.backoff_max,
        backoff_jitter=options.backoff_jitter, status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "POST"}),  # GraphQL queries are reads: safe to repeat
        respect_retry_after_header=True, raise_on_status=False,
    )
    if "retry_after_max" in inspect.signature(Retry.__init__).parameters:
        kwargs["retry_after_max"] = options.retry_after_max
        return _SayingRetry(**kwargs)
    capped = type("_CappedRetry", (_SayingRetry,), {"cap": options.retry_after_max})  # kept by Retry.new()
    return capped(**kwargs)


def _no_auth(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """No credentials from ~/.netrc: downloads carry none, and GraphQL calls carry ours
    (a netrc entry for the API host would otherwise replace the Authorization header)."""
    return request


class _Session(requests.Session):
    """A session that reads proxy and CA settings from the environment once per host:
    requests does it on every request (a scan of ``os.environ``), a measurable share of
    the client's CPU when hundreds of small requests run on a few threads."""

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[tuple, dict[str, Any]] = {}

    def merge_environment_settings(self, url, proxies, stream, verify, cert):  # type: ignore[no-untyped-def]
        if proxies:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, stream, verify, cert)
        if key not in self._environment:
            self._environment[key] = super().merge_environment_settings(url, proxies, stream, verify, cert)
        settings = self._environment[key]
        return {**settings, "proxies": dict(settings["proxies"])}


def _cause(exc: BaseException) -> str:
    """The innermost reason of a requests/urllib3 error, without URLs."""
    seen = exc
    for _ in range(10):
        nxt = getattr(seen, "reason", None)
        if not isinstance(nxt, BaseException):
            args = getattr(seen, "args", ())
            nxt = next((a for a in args if isinstance(a, BaseException)), None)
        if nxt is None or nxt is seen:
            break
        seen = nxt
    text = str(seen).split("(url=")[0].split(" with url:")[0]
    return f"{type(seen).__name__}: {text}" if text else type(seen).__name__


def _timed_out(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, (requests.exceptions.Timeout, TimeoutError)) or "timed out" in str(seen).lower():
            return True
        nxt = getattr(seen, "reason", None)
        seen = nxt if isinstance(nxt, BaseException) else next(
            (a for a in getattr(seen, "args", ()) if isinstance(a, BaseException)), None)
    return False


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


class Transport:
    """POST GraphQL documents and GET pre-signed files over one ``requests.Session``."""

    def __init__(self, credentials: Credentials, options: HttpOptions | None = None) -> None:
        self.credentials = credentials
        self.options = options or HttpOptions()
        session = _Session()
        adapter = HTTPAdapter(max_retries=_retry(self.options), pool_connections=4, pool_maxsize=self.options.pool_size)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = f"paradime-nb/{__version__}"
        self._session = session
        self._auth_headers = {"Content-Type": "application/json", **credentials.headers()}

    @property
    def endpoint(self) -> str:
        return self.credentials.api_endpoint

    def close(self) -> None:
        self._session.close()

    def __repr__(self) -> str:
        return f"Transport(endpoint={self.endpoint!r}, mode={self.credentials.mode!r})"

    # --- GraphQL ----------------------------------------------------------------------

    def graphql(self, operation: str, query: str, variables: dict[str, Any]) -> Any:
        """``data[operation]`` of the answer (may be None); typed errors otherwise."""
        body = orjson.dumps({"query": query, "variables": variables, "operationName": operation})
        timeout = (self.options.connect_timeout, self.options.timeout)
        for attempt in range(self.options.body_retries + 1):
            started = time.perf_counter()
            try:
                response = self._session.post(
                    self.endpoint, data=body, headers=self._auth_headers, timeout=timeout, auth=_no_auth)
                content = response.content
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
                if attempt < self.options.body_retries:
                    log.debug("%s: answer cut short, again (%s)", operation, _cause(exc))
                    continue
                raise ApiError(f"{operation}: the Paradime API answer was cut short ({_cause(exc)})") from None
            except requests.exceptions.RequestException as exc:
                if _timed_out(exc):
                    raise ApiError(
                        f"{operation}: the Paradime API at {_where(self.endpoint)} did not answer within "
                        f"{self.options.timeout:g} s ({self.options.retries} retries); raise the timeout: "
                        "Paradime(timeout=120) or %paradime connect --timeout 120"
                    ) from None
                raise ApiError(
                    f"{operation}: could not reach the Paradime API at {_where(self.endpoint)} "
                    f"after {self.options.retries} retries ({_cause(exc)})"
                ) from None
            log.debug("%s: HTTP %s in %.3fs", operation, response.status_code, time.perf_counter() - started)
            return self._graphql_data(operation, response, content)
        raise AssertionError("unreachable")

    def _graphql_data(self, operation: str, response: requests.Response, content: bytes) -> Any:
        status = response.status_code
        if status in (401, 403):
            raise AuthenticationError(
                f"{operation}: the Paradime API refused the credentials (HTTP {status}, "
                f"{self.credentials.mode} authentication) at {_where(self.endpoint)}"
            )
        if status == 429:
            raise RateLimitError(
                f"{operation}: rate limited by the Paradime API (HTTP 429) after {self.options.retries} retries"
            )
        try:
            payload = orjson.loads(content) if content else None
        except orjson.JSONDecodeError:
            payload = None
        errors = payload.get("errors") if isinstance(payload, dict) else None
        first = (errors[0] if isinstance(errors, list) and errors else errors) if errors else None
        message = (first.get("message") if isinstance(first, dict) else str(first)) if first else None
        if status != 200:
            again = f" after {self.options.retries} retries" if status in RETRY_STATUSES else ""
            hint = "; is PARADIME_API_ENDPOINT the API's GraphQL URL?" if status in (404, 405) else ""
            said = f": {message}" if message else ""
            raise ApiError(f"{operation}: HTTP {status} from {_where(self.endpoint)}{again}{said}{hint}")
        if errors:
            raise GraphQLError(f"{operation}: {message or 'GraphQL error without a message'}")
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            kind = (response.headers.get("Content-Type") or "no content type").split(";")[0]
            raise ApiError(f"{operation}: {_where(response.url or self.endpoint)} is not the Paradime API (it answered "
                           f"{kind} without a JSON 'data' object, perhaps a login page); check PARADIME_API_ENDPOINT")
        return data.get(operation)

    # --- downloads ------------------------------------------------------------------

    def download(self, url: str, dest: IO[bytes], *, what: str) -> int:
        """Stream ``url`` into ``dest``; returns the byte count. 403 raises ``UrlExpiredError``."""
        limit = None if self.options.max_download_mb is None else int(self.options.max_download_mb * _MB)
        for attempt in range(self.options.body_retries + 1):
            dest.seek(0)
            dest.truncate()
            try:
                return self._download_once(url, dest, what, limit)
            except _Truncated as exc:
                if attempt < self.options.body_retries:
                    log.debug("%s: download cut short (%s), again", what, exc)
                    continue
                raise DownloadError(
                    f"{what}: download cut short ({exc}) {self.options.body_retries + 1} times"
                ) from None
        raise AssertionError("unreachable")

    def _limit_text(self) -> str:
        return f"max_download_mb={self.options.max_download_mb:g}"

    def _download_once(self, url: str, dest: IO[bytes], what: str, limit: int | None) -> int:
        timeout = (self.options.connect_timeout, self.options.download_timeout)
        started = time.perf_counter()
        try:
            response = self._session.get(url, stream=True, timeout=timeout, auth=_no_auth)
        except requests.exceptions.RequestException as exc:
            raise DownloadError(f"{what}: download failed after {self.options.retries} retries ({_cause(exc)})") from None
        with response:
            status = response.status_code
            if status == 403:
                raise UrlExpiredError(f"{what}: the download URL was refused (HTTP 403: expired or invalid)")
            if status == 429:
                raise RateLimitError(f"{what}: download rate limited (HTTP 429) after {self.options.retries} retries")
            if status != 200:
                again = f" after {self.options.retries} retries" if status in RETRY_STATUSES else ""
                raise DownloadError(f"{what}: download failed with HTTP {status}{again}")
            declared = response.headers.get("Content-Length")
            expected = int(declared) if declared and declared.isdigit() else None
            if limit is not None and expected is not None and expected > limit:
                raise DownloadError(f"{what}: {expected / _MB:.2f} MB is over the download limit ({self._limit_text()})")
            received = 0
            try:
                for chunk in response.iter_content(chunk_size=1 << 20):
                    received += len(chunk)
                    if limit is not None and received > limit:
                        raise DownloadError(f"{what}: more than the download limit ({self._limit_text()})")
                    dest.write(chunk)
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError) as exc:
                raise _Truncated(f"{received} bytes, {_cause(exc)}") from None
        if expected is not None and "Content-Encoding" not in response.headers and received != expected:
            raise _Truncated(f"{received} of {expected} bytes")
        log.debug("%s: %d bytes in %.3fs", what, received, time.perf_counter() - started)
        return received


class _Truncated(Exception):
    pass

