"""The only place that talks to Garmin Connect: client set-up, error mapping and retries.

garminconnect 0.3.x sends every API request through one `requests.Session`
(`Garmin.client._api_session`) to the base URL `Garmin.client._connectapi`, and
refreshes tokens with a POST to `Garmin.client._di_token_url`. Setting
GARMIN_API_URL points both at another server (a fake on 127.0.0.1 in tests).

The library retries only 5xx and network errors of read calls, never write calls,
and reports a 429 on a write as a plain `GarminConnectConnectionError`. Here the
library's own retries are switched off and `Retrying.call` retries every request
the same way: 429 (after Retry-After when given), 5xx, timeouts, dropped
connections and malformed bodies, with capped exponential backoff.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.config.settings import Settings
from bot.errors import AuthError, ServiceError

if TYPE_CHECKING:
    from garminconnect import Garmin

log = logging.getLogger(__name__)

TOKEN_FILE_NAME = "garmin_tokens.json"
RELOGIN_HINT = "run `peakbot auth garmin` to log in again"

_STATUS_RE = re.compile(r"(?:API Error|error|HTTP)\s*\(?(\d{3})\b", re.IGNORECASE)

T = TypeVar("T")


def token_file(token_dir: Path) -> Path:
    return token_dir / TOKEN_FILE_NAME


def has_tokens(settings: Settings) -> bool:
    return token_file(settings.tokens).is_file()


def connect(settings: Settings) -> Garmin:
    """Return a garminconnect client started from the saved tokens, never from the password."""
    from garminconnect import Garmin, GarminConnectConnectionError

    path = token_file(settings.tokens)
    if not path.is_file():
        raise AuthError(f"no Garmin Connect tokens in {settings.tokens}; {RELOGIN_HINT}")
    _quiet_library_tracebacks()
    garmin = Garmin(retry_attempts=0)
    configure_transport(garmin, settings)
    try:
        # load() also remembers the folder, so a token refresh is saved back there.
        garmin.client.load(str(settings.tokens))
    except GarminConnectConnectionError:
        raise AuthError(
            f"the Garmin Connect tokens in {path} cannot be read; {RELOGIN_HINT}"
        ) from None
    return garmin


def configure_transport(garmin: Garmin, settings: Settings) -> None:
    """Apply the request timeout and, when GARMIN_API_URL is set, the other base URL."""
    from requests.adapters import HTTPAdapter

    timeout_s = settings.http_timeout_s

    class TimeoutAdapter(HTTPAdapter):
        # garminconnect passes its own 15 s default; the configured timeout wins.
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            kwargs["timeout"] = timeout_s
            return super().send(request, *args, **kwargs)

    # NOTE: token refreshes go through curl_cffi with garminconnect's own 30 s
    # timeout, which this setting does not change.
    session = garmin.client._api_session
    session.mount("https://", TimeoutAdapter())
    session.mount("http://", TimeoutAdapter())
    if settings.garmin_api_url:
        base = settings.garmin_api_url.rstrip("/")
        garmin.client._connectapi = base
        garmin.client._di_token_url = f"{base}/di-oauth2-service/oauth/token"


class TransientError(ServiceError):
    """A request that may succeed later: 429, 5xx, timeout, dropped connection, bad body."""

    def __init__(self, message: str, *, retry_after_s: float | None = None, rate_limited: bool):
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.rate_limited = rate_limited


class AmbiguousWrite(TransientError):
    """An upload or schedule failed in a way that may still have created it."""


class NotFoundError(ServiceError):
    """Garmin Connect returned 404: the workout or schedule no longer exists."""


class RequestRejected(ServiceError):
    """Garmin Connect rejected this request (a 4xx other than 401, 404 and 429)."""


def translate(error: BaseException, label: str) -> ServiceError:
    """Convert a garminconnect or requests exception into one of peakbot's errors."""
    import requests
    from garminconnect import (
        GarminConnectAuthenticationError,
        GarminConnectConnectionError,
        GarminConnectTooManyRequestsError,
    )

    if isinstance(error, GarminConnectAuthenticationError):
        return AuthError(f"Garmin Connect no longer accepts the saved tokens; {RELOGIN_HINT}")
    if isinstance(error, GarminConnectTooManyRequestsError):
        return TransientError(
            f"{label}: rate limited (429)",
            retry_after_s=_retry_after_s(error),
            rate_limited=True,
        )
    if isinstance(error, requests.Timeout):
        return TransientError(f"{label}: timed out", rate_limited=False)
    if isinstance(error, requests.ConnectionError):
        return TransientError(f"{label}: connection failed", rate_limited=False)
    if isinstance(error, ValueError) and not isinstance(error, GarminConnectConnectionError):
        # requests' JSONDecodeError: the server sent a malformed body.
        return TransientError(f"{label}: malformed response", rate_limited=False)
    if isinstance(error, GarminConnectConnectionError):
        status = _status_code(error)
        if status == 401:
            return AuthError(f"Garmin Connect no longer accepts the saved tokens; {RELOGIN_HINT}")
        if status == 429:
            return TransientError(
                f"{label}: rate limited (429)",
                retry_after_s=_retry_after_s(error),
                rate_limited=True,
            )
        if status == 404:
            return NotFoundError(f"{label}: not found (404)")
        if status is not None and 400 <= status < 500:
            return RequestRejected(f"{label}: rejected with HTTP {status}")
        reason = f"HTTP {status}" if status is not None else "no usable response"
        return TransientError(f"{label}: {reason}", rate_limited=False)
    raise error


@dataclass
class Retrying:
    """Bounded retries with exponential backoff; `sleep` is injectable for tests."""

    tries: int = 4
    base_wait_s: float = 1.0
    max_wait_s: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    def wait_s(self, attempt: int, retry_after_s: float | None = None) -> float:
        """Return the wait before retry `attempt` (1-based), capped at `max_wait_s`."""
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), self.max_wait_s)
        base = min(self.max_wait_s, self.base_wait_s * 2 ** (attempt - 1))
        return float(base * (0.5 + random.random() * 0.5))

    def call(self, label: str, func: Callable[[], T], *, idempotent: bool = True) -> T:
        """Run `func`, retrying transient failures.

        A write that is not idempotent (upload, schedule) is retried only after a
        429, because the server rejects those before doing anything. After a
        timeout or a 5xx the write may have happened, so `AmbiguousWrite` is raised
        and the caller checks the listings before trying again.
        """
        for attempt in range(1, self.tries + 1):
            try:
                return func()
            except Exception as raw:
                error = translate(raw, label)
                if not isinstance(error, TransientError):
                    raise error from raw
                if not (idempotent or error.rate_limited):
                    raise AmbiguousWrite(str(error), rate_limited=False) from raw
                if attempt == self.tries:
                    raise error from raw
                wait = self.wait_s(attempt, error.retry_after_s)
                log.warning("%s; retry %d of %d in %.1f s", error, attempt, self.tries - 1, wait)
                self.sleep(wait)
        raise AssertionError("unreachable")


class _NoTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


def _quiet_library_tracebacks() -> None:
    # garminconnect logs every failed call with logger.exception; peakbot logs the
    # failure itself in one line, so the library's records keep their message only.
    # Filters do not apply to child loggers, so each module that logs is named.
    for name in ("garminconnect", "garminconnect.api._common", "garminconnect.client.transport"):
        library_log = logging.getLogger(name)
        if not any(isinstance(f, _NoTraceback) for f in library_log.filters):
            library_log.addFilter(_NoTraceback())


def _status_code(error: BaseException) -> int | None:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        response = getattr(current, "response", None)
        status = getattr(response, "status_code", None)
        if isinstance(status, int):
            return status
        match = _STATUS_RE.search(str(current))
        if match:
            return int(match.group(1))
        current = current.__cause__ or current.__context__
    return None


def _retry_after_s(error: BaseException) -> float | None:
    """Read Retry-After (seconds or an HTTP date) from the response behind `error`."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        response = getattr(current, "response", None)
        headers = getattr(response, "headers", None)
        if headers is not None:
            value = headers.get("Retry-After")
            if value:
                return _parse_retry_after(str(value))
        current = current.__cause__ or current.__context__
    return None


def _parse_retry_after(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - time.time(), 0.0)
