"""Strava activity source: sync runs into the store and load streams on request.

Request economy: one list request (a page of up to 200, a second page only when
the first is full) plus one detail request per new or changed run, because the
detail carries the laps. Streams cost one more request and are fetched only by
`load_streams`. Nothing here sleeps on a rate limit. Near a limit, on a 429, or
once the retries for a 5xx or a timeout run out, the rest of the sync is deferred
to the next run, and SyncReport.deferred gives the reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import requests

from bot.activities.model import Activity, Lap, Streams
from bot.activities.strava_http import StravaSession
from bot.activities.sync_types import SyncReport
from bot.activities.tokens import REQUIRED_SCOPE, StravaTokens, load_tokens, save_tokens
from bot.errors import AuthError, ServiceError, UserInputError
from bot.store import activities as repo

if TYPE_CHECKING:
    from stravalib import Client

    from bot.config.settings import Settings
    from bot.store.db import Store

log = logging.getLogger(__name__)

T = TypeVar("T")

SOURCE = "strava"
RUN_TYPES = frozenset({"Run", "TrailRun", "VirtualRun"})
# Each sync lists again from this long before the newest stored run, because late
# uploads (a watch synced days later), edits and deletions within a training week
# start before it. Seven days of runs fit in one listing page of up to 200, so the
# overlap costs no extra request. Changes to older runs are not seen.
OVERLAP = timedelta(days=7)
# How far back the first sync looks.
FIRST_SYNC_LOOKBACK = timedelta(days=28)
# Refresh the access token when it expires within this margin.
REFRESH_MARGIN_S = 600
# Requests kept in hand under every rate limit, so the analysis can still load streams.
RATE_LIMIT_RESERVE = 3
# Retries of one request after a 5xx, a timeout or a dropped connection.
RETRIES = 2
# Pause before the first retry, doubled for the next one, in seconds.
RETRY_BACKOFF_S = 0.5
STREAM_TYPES = ["time", "distance", "velocity_smooth", "heartrate", "cadence", "moving", "latlng"]

REAUTHORISE = "run `peakbot auth strava` to authorise peakbot again"


class Deferred(Exception):
    """The rest of the work waits for the next run; the message gives the reason."""


class StravaSource:
    name = SOURCE

    def __init__(
        self,
        settings: Settings,
        store: Store,
        tokens: StravaTokens,
        *,
        retries: int = RETRIES,
        backoff_s: float = RETRY_BACKOFF_S,
        reserve: int = RATE_LIMIT_RESERVE,
    ) -> None:
        if not settings.strava_client_id or not settings.strava_client_secret:
            raise UserInputError(
                "STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET must both be set in .env "
                "to sync from Strava"
            )
        self.settings = settings
        self.store = store
        self.tokens = tokens
        self.retries = retries
        self.backoff_s = backoff_s
        self.reserve = reserve
        self.session = StravaSession(settings.http_timeout_s, settings.strava_api_url)
        self.client = make_client(self.session, tokens)

    # --- ActivitySource --------------------------------------------------------------

    def sync(self, *, timezone: ZoneInfo, now: datetime) -> SyncReport:
        report = SyncReport()
        sent_before = self.session.requests_sent
        log.info("strava sync started")
        try:
            self._sync(report, timezone, now)
        except Deferred as reason:
            report.deferred = str(reason)
            log.warning("strava sync deferred: %s", reason)
        finally:
            report.requests = self.session.requests_sent - sent_before
        log.info(
            "strava sync finished: %d new, %d updated, %d removed, %d requests",
            len(report.new),
            len(report.updated),
            len(report.removed),
            report.requests,
        )
        return report

    def load_streams(self, activity: Activity) -> Streams | None:
        """Return the activity's streams, fetching them from Strava once (one request).

        Returns None for a manual activity or one Strava has no streams for (404).
        Raises ServiceError when the request must wait for the next rate-limit window.
        """
        if activity.streams is not None:
            return activity.streams
        stored = repo.get_streams(self.store, activity.key)
        if stored is not None or activity.source != SOURCE or activity.manual:
            return stored
        from stravalib import exc

        try:
            self._refresh_if_needed()
            raw = self._call(
                lambda: self.client.get_activity_streams(
                    int(activity.source_id),
                    types=STREAM_TYPES,  # type: ignore[arg-type]
                ),
                f"streams of activity {activity.source_id}",
            )
        except exc.ObjectNotFound:
            log.info("strava activity %s has no streams", activity.source_id)
            return None
        except Deferred as reason:
            message = f"streams of Strava activity {activity.source_id}: {reason}"
            raise ServiceError(message) from None
        streams = streams_from_strava(raw)
        if streams is not None:
            repo.save_streams(self.store, activity.key, streams)
        return streams

    # --- sync steps -------------------------------------------------------------------

    def _sync(self, report: SyncReport, timezone: ZoneInfo, now: datetime) -> None:
        from stravalib import exc

        self._refresh_if_needed()
        items = repo.get_source_items(self.store, SOURCE)
        cursor = repo.latest_item_start(self.store, SOURCE)
        after = cursor - OVERLAP if cursor else now - FIRST_SYNC_LOOKBACK
        summaries = self._call(
            lambda: list(self.client.get_activities(after=after)), "list of activities"
        )
        listed: set[str] = set()
        for summary in sorted(summaries, key=lambda s: _utc(s.start_date)):
            activity_id = str(summary.id)
            listed.add(activity_id)
            fingerprint = summary_fingerprint(summary)
            item = items.get(activity_id)
            if item is not None and item.fingerprint == fingerprint:
                continue
            sport = _sport_type(summary)
            start = _utc(summary.start_date)
            if sport not in RUN_TYPES:
                # A run re-tagged as another sport on Strava leaves the store.
                if item is not None and _is_strava_key(item.activity_key):
                    assert item.activity_key is not None
                    self._remove(item.activity_key, report)
                repo.save_source_item(
                    self.store,
                    repo.SourceItem(SOURCE, activity_id, fingerprint, None, start, "not a run"),
                )
                report.skipped.append(
                    f"strava {activity_id} ({summary.name}): {sport} is not a run"
                )
                continue
            try:
                detail = self._call(
                    lambda aid=int(activity_id): self.client.get_activity(aid),  # type: ignore[misc]
                    f"activity {activity_id}",
                )
            except exc.ObjectNotFound:
                log.info("strava activity %s was listed but its detail is gone (404)", activity_id)
                report.skipped.append(f"strava {activity_id}: deleted on Strava during the sync")
                continue
            activity = activity_from_strava(detail, timezone)
            key = repo.save_activity(self.store, activity)
            repo.save_source_item(
                self.store, repo.SourceItem(SOURCE, activity_id, fingerprint, key, start)
            )
            if key != activity.key:
                report.skipped.append(f"{activity.key}: same run as {key}, stored once")
            elif item is not None and item.activity_key is not None:
                report.updated.append(key)
            else:
                report.new.append(key)

        # An activity inside the listed window that is no longer listed was deleted on Strava.
        for item in items.values():
            if item.item_id in listed or item.start_utc is None or item.start_utc <= after:
                continue
            # A run stored once from a file stays: only Strava's own copy goes.
            if _is_strava_key(item.activity_key):
                assert item.activity_key is not None
                self._remove(item.activity_key, report)
            repo.delete_source_item(self.store, SOURCE, item.item_id)

    def _remove(self, key: str, report: SyncReport) -> None:
        repo.delete_activity(self.store, key)
        report.removed.append(key)

    # --- tokens -----------------------------------------------------------------------

    def _refresh_if_needed(self) -> None:
        """Refresh the access token near expiry and save the rotated tokens before anything else.

        Token expiry is wall-clock time, whatever `now` a sync is given.
        """
        if self.tokens.expires_at - time.time() > REFRESH_MARGIN_S:
            return
        log.info("strava access token expires soon; refreshing it")
        self._refresh()

    def _refresh(self) -> None:
        """Trade the refresh token for new tokens and save them before any other request.

        Raises AuthError when Strava rejects the refresh token.
        """
        info = self._call(
            lambda: self.client.refresh_access_token(
                client_id=_client_id(self.settings),
                client_secret=str(self.settings.strava_client_secret),
                refresh_token=self.tokens.refresh_token,
            ),
            "token refresh",
            rejected=(
                "Strava rejected the refresh token: the authorisation was revoked or the "
                f"client id or secret changed; {REAUTHORISE}"
            ),
        )
        self.tokens = StravaTokens(
            access_token=info["access_token"],
            refresh_token=info["refresh_token"],
            expires_at=int(info["expires_at"]),
            scope=self.tokens.scope,
            athlete_id=self.tokens.athlete_id,
        )
        save_tokens(self.settings.tokens, self.tokens)
        self.client.access_token = self.tokens.access_token
        log.info("strava tokens refreshed and saved")

    # --- one request with retries --------------------------------------------------------

    def _call(self, request: Callable[[], T], description: str, rejected: str | None = None) -> T:
        """Run one stravalib call; retry 5xx and timeouts, defer on rate limits, map auth errors.

        `rejected`, when given, is the AuthError message for a 400 or 401 response.
        Any other 401 refreshes the tokens once and repeats the request, because
        Strava can expire an access token before its local expiry time.
        """
        from stravalib import exc

        delay = self.backoff_s
        refreshed = False
        attempt = 0
        while True:
            window = self.session.limits.exhausted(self.reserve)
            if window is not None:
                raise Deferred(
                    f"Strava {window.name} rate limit nearly used ({window.usage} of "
                    f"{window.limit}); {description} and the rest wait for the next window, "
                    f"{_window_reset(window.name)}"
                )
            try:
                return request()
            except exc.ObjectNotFound:
                raise
            except exc.Fault as error:
                status = error.response.status_code if error.response is not None else 0
                if rejected is not None and status in (400, 401):
                    raise AuthError(rejected) from None
                if status == 401 and not refreshed and not _lacks_scope(error):
                    log.info(
                        "strava rejected the access token for the %s; refreshing it", description
                    )
                    refreshed = True
                    self._refresh()
                    continue
                if status == 401:
                    raise _auth_error(error) from None
                if status == 429:
                    used_up = self.session.limits.exhausted(0)
                    name = used_up.name if used_up is not None else "15-minute"
                    raise Deferred(
                        f"Strava returned 429 Too Many Requests for the {description}; "
                        f"the rest waits for the next rate-limit window, {_window_reset(name)}"
                    ) from None
                if status == 403:
                    raise AuthError(
                        f"Strava rejected the {description} (403 Forbidden): the "
                        f"authorisation lacks the {REQUIRED_SCOPE} scope; {REAUTHORISE} and tick "
                        "'View data about your private activities'"
                    ) from None
                if status < 500:
                    raise ServiceError(f"Strava rejected the {description}: {error}") from None
                failure = f"HTTP {status}"
            except (requests.Timeout, requests.ConnectionError) as error:
                failure = type(error).__name__
            if attempt == self.retries:
                break
            attempt += 1
            log.warning(
                "strava %s failed (%s); retry %d of %d in %.1f s",
                description,
                failure,
                attempt,
                self.retries,
                delay,
            )
            time.sleep(delay)
            delay *= 2
        raise Deferred(
            f"Strava {description} failed {self.retries + 1} times ({failure}); the next sync "
            "tries again"
        )


def _window_reset(window_name: str, now: datetime | None = None) -> str:
    """Say when a Strava rate-limit window starts again, in UTC.

    Strava resets its 15-minute limits at 0, 15, 30 and 45 minutes past the hour
    and its daily limits at midnight UTC (https://developers.strava.com/docs/rate-limits).
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    if "daily" in window_name:
        midnight = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), UTC)
        return f"after {midnight:%Y-%m-%d %H:%M} UTC"
    quarter = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return f"after {quarter + timedelta(minutes=15):%H:%M} UTC"


def _is_strava_key(key: str | None) -> bool:
    return key is not None and key.startswith(f"{SOURCE}:")


def _lacks_scope(error: Exception) -> bool:
    text = str(error)
    return "read_permission" in text or "activity:read" in text


def _auth_error(error: Exception) -> AuthError:
    if _lacks_scope(error):
        return AuthError(
            "Strava rejected the activity request (401): the authorisation lacks the "
            f"{REQUIRED_SCOPE} scope; {REAUTHORISE} and tick 'View data about your "
            "private activities'"
        )
    return AuthError(
        "Strava rejected the access token (401) again after a successful refresh: the "
        f"authorisation was revoked; {REAUTHORISE}"
    )


def open_strava(settings: Settings, store: Store) -> StravaSource | None:
    """Return a Strava source when a client id and saved tokens exist, else None."""
    if not settings.strava_client_id:
        return None
    tokens = load_tokens(settings.tokens)
    if tokens is None:
        log.warning("STRAVA_CLIENT_ID is set but no tokens are saved; run `peakbot auth strava`")
        return None
    # An empty scope means the token file predates scope tracking: Strava decides then.
    if tokens.scope and not tokens.has_scope():
        raise AuthError(
            f"the saved Strava authorisation lacks the {REQUIRED_SCOPE} scope; {REAUTHORISE} "
            "and tick 'View data about your private activities'"
        )
    return StravaSource(settings, store, tokens)


def make_client(session: StravaSession, tokens: StravaTokens | None = None) -> Client:
    """Build a stravalib Client on `session` with its sleeping rate limiter and auto refresh off."""
    from stravalib import Client

    with _quiet_stravalib():
        client = Client(
            access_token=tokens.access_token if tokens else None,
            rate_limit_requests=False,
            requests_session=session,
            token_expires=tokens.expires_at if tokens else None,
            refresh_token=tokens.refresh_token if tokens else None,
        )
    # stravalib refreshes by itself when STRAVA_CLIENT_ID/SECRET are in the environment,
    # but keeps the rotated refresh token only in memory; peakbot refreshes and saves it.
    client.protocol.client_id = None
    client.protocol.client_secret = None
    return client


@contextmanager
def _quiet_stravalib() -> Iterator[None]:
    """Drop stravalib's start-up warnings about STRAVA_CLIENT_ID, which peakbot handles."""
    root = logging.getLogger()

    def drop(record: logging.LogRecord) -> bool:
        return "stravalib" not in record.pathname

    root.addFilter(drop)
    try:
        yield
    finally:
        root.removeFilter(drop)


def _client_id(settings: Settings) -> int:
    try:
        return int(str(settings.strava_client_id))
    except ValueError:
        raise UserInputError(
            f"STRAVA_CLIENT_ID={settings.strava_client_id!r} is not a number; copy the "
            "Client ID from https://www.strava.com/settings/api"
        ) from None


# --- Strava payloads to the model ------------------------------------------------------------


def summary_fingerprint(summary: Any) -> str:
    """Hash of the summary fields an edit on Strava changes."""
    fields = [
        summary.name,
        _sport_type(summary),
        str(summary.start_date),
        summary.distance,
        summary.moving_time,
        summary.elapsed_time,
        summary.manual,
        summary.trainer,
        getattr(summary, "average_heartrate", None),
    ]
    return hashlib.sha256(json.dumps(fields, default=str).encode()).hexdigest()[:16]


def activity_from_strava(detail: Any, timezone: ZoneInfo) -> Activity:
    """Map a stravalib DetailedActivity onto the model.

    The local date comes from `start_date` (UTC) in the athlete's zone, because
    `start_date_local` is naive on details and wrongly tagged UTC on summaries.
    """
    start = _utc(detail.start_date)
    sport = _sport_type(detail)
    sub_sport = None
    if sport == "TrailRun":
        sub_sport = "trail"
    elif detail.trainer or sport == "VirtualRun":
        sub_sport = "treadmill"
    laps = [
        Lap(
            start_offset_s=_offset_s(lap.start_date, start),
            distance_m=float(lap.distance or 0.0),
            moving_time_s=float(lap.moving_time or 0),
            elapsed_time_s=float(lap.elapsed_time or 0),
            avg_speed_mps=_float(lap.average_speed),
            avg_hr=_float(lap.average_heartrate),
            max_hr=_float(lap.max_heartrate),
            # Strava reports running cadence per foot; the model counts both feet.
            avg_cadence=lap.average_cadence * 2 if lap.average_cadence is not None else None,
        )
        for lap in detail.laps or []
    ]
    return Activity(
        source=SOURCE,
        source_id=str(detail.id),
        start_utc=start,
        local_date=start.astimezone(timezone).date(),
        sport="running" if sport in RUN_TYPES else sport.lower(),
        sub_sport=sub_sport,
        manual=bool(detail.manual),
        device=detail.device_name,
        name=detail.name,
        distance_m=float(detail.distance or 0.0),
        moving_time_s=float(detail.moving_time or 0),
        elapsed_time_s=float(detail.elapsed_time or 0),
        avg_hr=_float(detail.average_heartrate),
        max_hr=_float(detail.max_heartrate),
        laps=laps,
    )


def streams_from_strava(raw: dict[str, Any]) -> Streams | None:
    def data(name: str) -> list[Any] | None:
        stream = raw.get(name)
        return list(stream.data) if stream is not None and stream.data is not None else None

    time_s = data("time")
    if not time_s:
        return None
    cadence = data("cadence")
    if cadence is not None:
        # Strava reports running cadence per foot; the model counts both feet.
        cadence = [c * 2 if c is not None else None for c in cadence]
    latlng = data("latlng")
    if latlng is not None:
        latlng = [(float(p[0]), float(p[1])) if p else None for p in latlng]
    return Streams(
        time_s=[float(t) for t in time_s],
        distance_m=data("distance"),
        speed_mps=data("velocity_smooth"),
        heart_rate=data("heartrate"),
        cadence=cadence,
        moving=data("moving"),
        latlng=latlng,
    )


def _sport_type(activity: Any) -> str:
    for attribute in ("sport_type", "type"):
        value = getattr(activity, attribute, None)
        value = getattr(value, "root", value)
        if value:
            return str(value)
    return "Unknown"


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        raise ValueError("Strava sent an activity without start_date")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _offset_s(moment: datetime | None, start: datetime) -> float:
    return (_utc(moment) - start).total_seconds() if moment is not None else 0.0


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None
