"""A stateful fake of the Strava API v3 and its OAuth endpoints on 127.0.0.1.

Point STRAVA_API_URL (settings.strava_api_url) at `FakeStrava.url`. The fake keeps
activities as detailed-activity JSON (recorded payloads or `make_run`), lists them
as summaries with Strava's paging, rotates refresh tokens, expires access tokens,
checks the granted scope and sends the rate-limit headers with a usage count.
Its authorisation page approves at once and redirects to the given redirect_uri.
Faults (429, 5xx, delays, 401) are queued with `inject` from the base class.
"""

from __future__ import annotations

import copy
import itertools
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bot.activities.tokens import StravaTokens, save_tokens
from tests.fakes.http import FakeServer, Request, Response

# Fields that a detailed activity has and a summary does not.
DETAIL_ONLY = (
    "laps",
    "splits_metric",
    "splits_standard",
    "best_efforts",
    "segment_efforts",
    "photos",
    "similar_activities",
    "gear",
    "description",
    "calories",
    "embed_token",
    "available_zones",
    "device_name",
)


def make_run(
    activity_id: int,
    start: datetime,
    *,
    distance_m: float = 10_000.0,
    moving_time_s: int = 3000,
    sport_type: str = "Run",
    name: str = "Morning Run",
    manual: bool = False,
    laps: int = 2,
) -> dict[str, Any]:
    """A detailed activity in Strava's JSON form, with `laps` equal laps."""
    start_utc = start.astimezone(UTC)
    lap_time = moving_time_s // max(laps, 1)
    lap_list = [
        {
            "id": activity_id * 100 + index,
            "resource_state": 2,
            "name": f"Lap {index + 1}",
            "activity": {"id": activity_id, "resource_state": 1},
            "athlete": {"id": 1, "resource_state": 1},
            "elapsed_time": lap_time,
            "moving_time": lap_time,
            "start_date": _iso(start_utc + timedelta(seconds=index * lap_time)),
            "start_date_local": _iso(start_utc + timedelta(seconds=index * lap_time)),
            "distance": distance_m / laps,
            "average_speed": distance_m / moving_time_s,
            "average_cadence": 88.0,
            "average_heartrate": 150.0,
            "max_heartrate": 170.0,
            "lap_index": index + 1,
            "split": index + 1,
        }
        for index in range(laps if not manual else 0)
    ]
    return {
        "resource_state": 3,
        "athlete": {"id": 1, "resource_state": 1},
        "id": activity_id,
        "name": name,
        "distance": distance_m,
        "moving_time": moving_time_s,
        "elapsed_time": moving_time_s + 60,
        "total_elevation_gain": 10.0,
        "type": "Run" if sport_type in {"Run", "TrailRun", "VirtualRun"} else sport_type,
        "sport_type": sport_type,
        "start_date": _iso(start_utc),
        "start_date_local": _iso(start_utc),
        "timezone": "(GMT+00:00) UTC",
        "trainer": False,
        "commute": False,
        "manual": manual,
        "private": False,
        "average_speed": distance_m / moving_time_s,
        "has_heartrate": not manual,
        "average_heartrate": None if manual else 150.0,
        "max_heartrate": None if manual else 170.0,
        "device_name": None if manual else "Garmin Forerunner 265",
        "laps": lap_list,
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeStrava(FakeServer):
    ACCESS_LIFETIME_S = 6 * 3600

    def __init__(self) -> None:
        super().__init__()
        self.activities: dict[int, dict[str, Any]] = {}
        self.streams: dict[int, dict[str, Any]] = {}
        self.access_tokens: dict[str, int] = {}  # token -> expires_at
        self.refresh_tokens: set[str] = set()
        self.scope = "read,activity:read_all"
        self.codes: dict[str, str] = {}  # authorisation code -> granted scope
        self.rate_limit = (100, 1000)
        self.read_rate_limit = (100, 1000)
        self.usage = [0, 0]
        # Called at the start of every /api/v3 request, before the response is sent.
        self.on_api_request: Callable[[Request], None] | None = None
        self._counter = itertools.count(1)
        # The scope the runner leaves ticked on the authorisation page.
        self.approved_scope = "read,activity:read_all"
        self.route("GET", r"/oauth/authorize", self._authorize)
        self.route("POST", r"/oauth/token", self._token)
        self.route("GET", r"/api/v3/athlete/activities", self._list)
        self.route("GET", r"/api/v3/activities/(\d+)", self._detail)
        self.route("GET", r"/api/v3/activities/(\d+)/streams", self._streams)

    # --- state set-up ------------------------------------------------------------------

    def issue_tokens(self, expires_in_s: int | None = None) -> dict[str, Any]:
        """Create a valid token set, as the token endpoint would send it."""
        number = next(self._counter)
        access = f"access-{number}"
        refresh = f"refresh-{number}"
        expires_at = int(time.time()) + (
            self.ACCESS_LIFETIME_S if expires_in_s is None else expires_in_s
        )
        self.access_tokens[access] = expires_at
        self.refresh_tokens.add(refresh)
        return {
            "token_type": "Bearer",
            "access_token": access,
            "refresh_token": refresh,
            "expires_at": expires_at,
            "expires_in": expires_at - int(time.time()),
            "athlete": {"id": 1, "resource_state": 2, "firstname": "Test"},
        }

    def add(self, detail: dict[str, Any], streams: dict[str, Any] | None = None) -> int:
        activity_id = int(detail["id"])
        with self.lock:
            self.activities[activity_id] = copy.deepcopy(detail)
            if streams is not None:
                self.streams[activity_id] = streams
        return activity_id

    def edit(self, activity_id: int, **fields: Any) -> None:
        with self.lock:
            self.activities[activity_id].update(fields)

    def delete(self, activity_id: int) -> None:
        with self.lock:
            self.activities.pop(activity_id, None)

    def api_requests(self) -> list[Request]:
        return self.requests(path_prefix="/api/v3")

    # --- handlers ----------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": f"{self.rate_limit[0]},{self.rate_limit[1]}",
            "X-RateLimit-Usage": f"{self.usage[0]},{self.usage[1]}",
            "X-ReadRateLimit-Limit": f"{self.read_rate_limit[0]},{self.read_rate_limit[1]}",
            "X-ReadRateLimit-Usage": f"{self.usage[0]},{self.usage[1]}",
        }

    def _authorise(self, request: Request) -> Response | None:
        if self.on_api_request is not None:
            self.on_api_request(request)
        self.usage[0] += 1
        self.usage[1] += 1
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ")
        expires_at = self.access_tokens.get(token)
        if expires_at is None or expires_at < time.time():
            return Response(
                401,
                {
                    "message": "Authorization Error",
                    "errors": [{"resource": "Athlete", "field": "access_token", "code": "invalid"}],
                },
                self._headers(),
            )
        if "activity:read" not in self.scope:
            return Response(
                401,
                {
                    "message": "Authorization Error",
                    "errors": [
                        {
                            "resource": "AccessToken",
                            "field": "activity:read_permission",
                            "code": "missing",
                        }
                    ],
                },
                self._headers(),
            )
        return None

    def _authorize(self, request: Request, match: re.Match[str]) -> Response:
        """Approve at once, as a runner pressing Authorize, and redirect with a new code.

        Strava's page asks the runner first; this fake skips that step.
        """
        query = {key: values[0] for key, values in request.query.items()}
        redirect = query.get("redirect_uri")
        if not redirect or query.get("response_type") != "code":
            return Response(400, {"message": "Bad Request", "errors": []})
        code = f"code-{next(self._counter)}"
        self.codes[code] = self.approved_scope
        answer = {"state": query.get("state", ""), "code": code, "scope": self.approved_scope}
        return Response(302, None, {"Location": f"{redirect}?{urlencode(answer)}"})

    def _token(self, request: Request, match: re.Match[str]) -> Response:
        form = request.form()
        grant = form.get("grant_type")
        if grant == "refresh_token":
            refresh = form.get("refresh_token", "")
            if refresh not in self.refresh_tokens:
                return Response(
                    400,
                    {
                        "message": "Bad Request",
                        "errors": [
                            {
                                "resource": "RefreshToken",
                                "field": "refresh_token",
                                "code": "invalid",
                            }
                        ],
                    },
                )
            # Rotation: the old refresh token stops working.
            self.refresh_tokens.discard(refresh)
            body = self.issue_tokens()
            body.pop("athlete")
            return Response(200, body)
        if grant == "authorization_code":
            code = form.get("code", "")
            if code not in self.codes:
                return Response(
                    400,
                    {
                        "message": "Bad Request",
                        "errors": [{"resource": "Application", "field": "code", "code": "invalid"}],
                    },
                )
            self.scope = self.codes.pop(code)
            return Response(200, self.issue_tokens())
        return Response(400, {"message": "Bad Request", "errors": []})

    def _list(self, request: Request, match: re.Match[str]) -> Response:
        denied = self._authorise(request)
        if denied is not None:
            return denied
        after = _int(request.query.get("after"))
        before = _int(request.query.get("before"))
        page = _int(request.query.get("page")) or 1
        per_page = min(_int(request.query.get("per_page")) or 30, 200)
        chosen = []
        for detail in self.activities.values():
            start = datetime.fromisoformat(detail["start_date"].replace("Z", "+00:00"))
            if after is not None and start.timestamp() <= after:
                continue
            if before is not None and start.timestamp() >= before:
                continue
            chosen.append((start, detail))
        # Strava lists oldest first when `after` is given, newest first otherwise.
        chosen.sort(key=lambda pair: pair[0], reverse=after is None)
        window = chosen[(page - 1) * per_page : page * per_page]
        return Response(200, [self._summary(detail) for _, detail in window], self._headers())

    def _detail(self, request: Request, match: re.Match[str]) -> Response:
        denied = self._authorise(request)
        if denied is not None:
            return denied
        detail = self.activities.get(int(match.group(1)))
        if detail is None:
            return Response(404, _not_found("Activity"), self._headers())
        return Response(200, detail, self._headers())

    def _streams(self, request: Request, match: re.Match[str]) -> Response:
        denied = self._authorise(request)
        if denied is not None:
            return denied
        activity_id = int(match.group(1))
        detail = self.activities.get(activity_id)
        streams = self.streams.get(activity_id)
        if detail is None or detail.get("manual") or streams is None:
            return Response(404, _not_found("Activity"), self._headers())
        requested = set(request.query.get("keys", [""])[0].split(","))
        body = {key: value for key, value in streams.items() if key in requested}
        return Response(200, body, self._headers())

    @staticmethod
    def _summary(detail: dict[str, Any]) -> dict[str, Any]:
        summary = {k: v for k, v in detail.items() if k not in DETAIL_ONLY}
        summary["resource_state"] = 2
        return summary


def save_issued_tokens(
    fake: FakeStrava, token_dir: Path, expires_in_s: int | None = None
) -> dict[str, Any]:
    """Save a token set the fake has issued, with full read scope, as peakbot would after auth.

    Returns the token response, so a test can compare it with what is stored later.
    """
    issued = fake.issue_tokens(expires_in_s)
    save_tokens(
        token_dir,
        StravaTokens(
            issued["access_token"],
            issued["refresh_token"],
            issued["expires_at"],
            scope="read,activity:read_all",
        ),
    )
    return issued


def streams_by_type(series: dict[str, list[Any]]) -> dict[str, Any]:
    """Wrap plain {type: values} lists in the key_by_type form the streams endpoint sends."""
    return {
        name: {
            "data": values,
            "series_type": "distance",
            "original_size": len(values),
            "resolution": "high",
        }
        for name, values in series.items()
    }


def _not_found(resource: str) -> dict[str, Any]:
    return {
        "message": "Record Not Found",
        "errors": [{"resource": resource, "field": "id", "code": "invalid"}],
    }


def _int(values: list[str] | None) -> int | None:
    if not values:
        return None
    try:
        return int(values[0])
    except ValueError:
        return None
