"""The HTTP layer under stravalib: timeouts, the test base URL and rate-limit headers.

stravalib 2.x sends requests through the `requests.Session` it is given, with no
timeout of its own and with hard-coded https://www.strava.com URLs. This session
gives every request `timeout_s`. With `base_url` set, it also sends every Strava URL
(API, authorisation page and token endpoint) to that base instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

STRAVA_ORIGIN = "https://www.strava.com"

log = logging.getLogger(__name__)


@dataclass
class RateWindow:
    """Usage of one Strava limit: `name` is e.g. "overall 15-minute" or "read daily"."""

    name: str
    limit: int
    usage: int

    @property
    def remaining(self) -> int:
        return self.limit - self.usage


@dataclass
class RateLimits:
    """The latest X-RateLimit-* and X-ReadRateLimit-* values Strava sent.

    Each header contains two numbers: the 15-minute window, then the day.
    """

    windows: list[RateWindow] = field(default_factory=list)

    def update(self, headers: Mapping[str, str]) -> None:
        windows: list[RateWindow] = []
        for prefix, label in (("X-RateLimit", "overall"), ("X-ReadRateLimit", "read")):
            limits = _numbers(headers.get(f"{prefix}-Limit"))
            usages = _numbers(headers.get(f"{prefix}-Usage"))
            for period, limit, usage in zip(("15-minute", "daily"), limits, usages, strict=False):
                windows.append(RateWindow(f"{label} {period}", limit, usage))
        if windows:
            self.windows = windows

    def exhausted(self, reserve: int) -> RateWindow | None:
        """Return the tightest window with `reserve` requests or fewer left, else None."""
        tight = [w for w in self.windows if w.remaining <= reserve]
        return min(tight, key=lambda w: w.remaining) if tight else None


def _numbers(value: str | None) -> list[int]:
    if not value:
        return []
    try:
        return [int(part.strip()) for part in value.split(",")]
    except ValueError:
        return []


class StravaSession(requests.Session):
    """A requests session with a default timeout, an optional base URL and request counting."""

    def __init__(self, timeout_s: float, base_url: str | None = None) -> None:
        super().__init__()
        self.timeout_s = timeout_s
        self.base_url = base_url.rstrip("/") if base_url else None
        self.requests_sent = 0
        self.limits = RateLimits()

    def rewrite(self, url: str) -> str:
        if self.base_url and url.startswith(STRAVA_ORIGIN):
            return self.base_url + url[len(STRAVA_ORIGIN) :]
        return url

    def request(  # type: ignore[override]
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout_s
        target = self.rewrite(url.decode() if isinstance(url, bytes) else url)
        self.requests_sent += 1
        response = super().request(method, target, *args, **kwargs)
        self.limits.update(response.headers)
        # stravalib logs the www.strava.com URL it built; this line logs the URL really
        # used, without its query string.
        log.debug(
            "strava %s %s: HTTP %d",
            method.decode() if isinstance(method, bytes) else method,
            target.split("?", 1)[0],
            response.status_code,
        )
        return response
