"""Strava sync with the real stravalib client against the fake Strava server."""

from __future__ import annotations

import json
import re
import stat
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.activities.strava import StravaSource, _window_reset
from bot.activities.sync import open_source
from bot.activities.tokens import StravaTokens, load_tokens, save_tokens
from bot.config.settings import Settings
from bot.errors import AuthError, ServiceError
from bot.store.activities import activities_on, get_activity, get_streams, list_activities
from bot.store.db import Store
from tests.fakes.http import Fault
from tests.fakes.strava_server import FakeStrava, make_run, save_issued_tokens, streams_by_type

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
# Bound on one deferred sync: two retries with backoff and a few short timeouts.
DEFER_BOUND_S = 5.0


@pytest.fixture
def fake() -> Iterator[FakeStrava]:
    server = FakeStrava().start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, fake: FakeStrava) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        strava_client_id="4242",
        strava_client_secret="client-secret",
        strava_api_url=fake.url,
        http_timeout_s=0.5,
    )


def authorise(fake: FakeStrava, settings: Settings, expires_in_s: int | None = None) -> None:
    save_issued_tokens(fake, settings.tokens, expires_in_s)


def source_for(fake: FakeStrava, settings: Settings, store: Store, **kwargs: float) -> StravaSource:
    authorise(fake, settings)
    tokens = load_tokens(settings.tokens)
    assert tokens is not None
    return StravaSource(settings, store, tokens, backoff_s=0.05, **kwargs)  # type: ignore[arg-type]


def test_open_source_strava(fake: FakeStrava, settings: Settings, store: Store) -> None:
    authorise(fake, settings)
    assert open_source(settings, store).name == "strava"


def test_open_source_without_tokens(settings: Settings, store: Store) -> None:
    assert open_source(settings, store).name == "files"


def test_one_new_run_two_requests(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    report = source_for(fake, settings, store).sync(timezone=OSLO, now=NOW)
    assert report.new == ["strava:1001"]
    assert report.requests <= 2
    assert len(fake.api_requests()) == report.requests


def test_nothing_new_one_request(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    source.sync(timezone=OSLO, now=NOW)
    before = len(fake.api_requests())
    report = source.sync(timezone=OSLO, now=NOW)
    assert report.new == []
    assert report.requests == 1
    assert len(fake.api_requests()) - before == 1


def test_stored_laps(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3), laps=4))
    source_for(fake, settings, store).sync(timezone=OSLO, now=NOW)
    activity = get_activity(store, "strava:1001")
    assert activity is not None
    assert len(activity.laps) == 4
    assert activity.laps[1].start_offset_s == 750
    assert activity.laps[0].avg_cadence == 176


def test_edit_refetches(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    source.sync(timezone=OSLO, now=NOW)
    fake.edit(1001, name="Track 15 x 400 m", distance=10_500.0)
    report = source.sync(timezone=OSLO, now=NOW)
    activity = get_activity(store, "strava:1001")
    assert report.updated == ["strava:1001"]
    assert report.requests == 2
    assert activity is not None
    assert activity.name == "Track 15 x 400 m"
    assert activity.distance_m == 10_500.0


def test_deleted_on_strava(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(days=2)))
    fake.add(make_run(1002, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    source.sync(timezone=OSLO, now=NOW)
    fake.delete(1001)
    report = source.sync(timezone=OSLO, now=NOW)
    assert report.removed == ["strava:1001"]
    assert get_activity(store, "strava:1001") is None
    assert get_activity(store, "strava:1002") is not None


def test_other_sports_skipped(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=5), sport_type="Ride"))
    fake.add(make_run(1002, NOW - timedelta(hours=4), sport_type="TrailRun"))
    fake.add(make_run(1003, NOW - timedelta(hours=3), sport_type="VirtualRun"))
    report = source_for(fake, settings, store).sync(timezone=OSLO, now=NOW)
    assert report.new == ["strava:1002", "strava:1003"]
    assert len(report.skipped) == 1
    assert "Ride" in report.skipped[0]
    assert report.requests == 3


def test_run_retagged_as_ride(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    source.sync(timezone=OSLO, now=NOW)
    fake.edit(1001, sport_type="Ride", type="Ride")
    report = source.sync(timezone=OSLO, now=NOW)
    assert report.removed == ["strava:1001"]
    assert report.requests == 1


def test_cursor_overlap_finds_late_upload(
    fake: FakeStrava, settings: Settings, store: Store
) -> None:
    fake.add(make_run(1002, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    source.sync(timezone=OSLO, now=NOW)
    # A run from two days ago uploaded after the newer one was synced.
    fake.add(make_run(1001, NOW - timedelta(days=2)))
    report = source.sync(timezone=OSLO, now=NOW)
    assert report.new == ["strava:1001"]


def test_overlap_late_upload_six_days(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1002, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    source.sync(timezone=OSLO, now=NOW)
    fake.add(make_run(1001, NOW - timedelta(days=6)))
    report = source.sync(timezone=OSLO, now=NOW)
    assert report.new == ["strava:1001"]
    assert report.requests == 2


def test_overlap_delete_five_days(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(days=5)))
    fake.add(make_run(1002, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    source.sync(timezone=OSLO, now=NOW)
    fake.delete(1001)
    report = source.sync(timezone=OSLO, now=NOW)
    assert report.removed == ["strava:1001"]
    assert get_activity(store, "strava:1001") is None


def test_paging_when_page_full(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.rate_limit = fake.read_rate_limit = (10_000, 100_000)
    for number in range(201):
        fake.add(make_run(5000 + number, NOW - timedelta(days=20, hours=-2 * number)))
    source = source_for(fake, settings, store)
    report = source.sync(timezone=OSLO, now=NOW)
    pages = [r for r in fake.api_requests() if r.path == "/api/v3/athlete/activities"]
    assert len(report.new) == 201
    assert len(pages) == 2


def test_local_date_from_utc(fake: FakeStrava, settings: Settings, store: Store) -> None:
    # 23:30 in Oslo (UTC+1 in March) is 22:30 UTC: the run belongs to the Oslo day.
    fake.add(make_run(1001, datetime(2026, 3, 19, 22, 30, tzinfo=UTC)))
    source_for(fake, settings, store).sync(timezone=OSLO, now=NOW)
    assert [a.key for a in activities_on(store, date(2026, 3, 19))] == ["strava:1001"]


def test_manual_run_stored(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3), manual=True))
    source = source_for(fake, settings, store)
    report = source.sync(timezone=OSLO, now=NOW)
    activity = get_activity(store, "strava:1001")
    assert report.new == ["strava:1001"]
    assert activity is not None
    assert activity.manual
    assert source.load_streams(activity) is None


def test_treadmill_run_stored(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    fake.edit(1001, trainer=True, start_latlng=[], end_latlng=[])
    source_for(fake, settings, store).sync(timezone=OSLO, now=NOW)
    activity = get_activity(store, "strava:1001")
    assert activity is not None
    assert activity.sub_sport == "treadmill"


def test_streams_404_is_none(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    source.sync(timezone=OSLO, now=NOW)
    activity = get_activity(store, "strava:1001")
    assert activity is not None
    assert source.load_streams(activity) is None


def test_load_streams_real(
    fake: FakeStrava, settings: Settings, store: Store, real_data: Path
) -> None:
    series = json.loads((real_data / "sports-lib" / "strava_3183465494.json").read_text())
    fake.add(make_run(3183465494, NOW - timedelta(hours=3)), streams_by_type(series))
    source = source_for(fake, settings, store)
    source.sync(timezone=OSLO, now=NOW)
    activity = get_activity(store, "strava:3183465494")
    assert activity is not None
    before = len(fake.api_requests())
    streams = source.load_streams(activity)
    assert streams is not None
    assert len(streams) == 2921
    assert streams.heart_rate is not None
    assert streams.distance_m is not None
    assert round(streams.distance_m[-1]) == 10743
    assert len(fake.api_requests()) - before == 1
    assert get_streams(store, activity.key) == streams
    assert source.load_streams(activity) == streams
    assert len(fake.api_requests()) - before == 1


@pytest.mark.parametrize(
    ("file_name", "local_day", "laps", "lap_distances"),
    [
        (
            "DetailedActivity.5776260527.json",
            date(2021, 8, 11),
            12,
            [1992, 977, None, 984, None, 988, None, 994, None, 989, None, 1032],
        ),
        ("DetailedActivity.1275055990.json", date(2017, 11, 14), 12, [1000] * 11 + [752]),
    ],
)
def test_treshlaps_intervals(
    fake: FakeStrava,
    settings: Settings,
    store: Store,
    real_data: Path,
    file_name: str,
    local_day: date,
    laps: int,
    lap_distances: list[int | None],
) -> None:
    detail = json.loads((real_data / "treshlaps-activities" / file_name).read_text())
    fake.add(detail)
    start = datetime.fromisoformat(detail["start_date"].replace("Z", "+00:00"))
    report = source_for(fake, settings, store).sync(timezone=OSLO, now=start + timedelta(days=1))
    assert report.new == [f"strava:{detail['id']}"]
    stored = activities_on(store, local_day)
    assert [a.key for a in stored] == [f"strava:{detail['id']}"]
    activity = stored[0]
    assert len(activity.laps) == laps
    for lap, expected in zip(activity.laps, lap_distances, strict=True):
        if expected is not None:
            assert abs(lap.distance_m - expected) < 1.0
    assert activity.laps[0].start_offset_s == 0
    assert activity.device is not None


def test_treshlaps_rep_times(
    fake: FakeStrava, settings: Settings, store: Store, real_data: Path
) -> None:
    path = real_data / "treshlaps-activities" / "DetailedActivity.5776260527.json"
    detail = json.loads(path.read_text())
    fake.add(detail)
    start = datetime.fromisoformat(detail["start_date"].replace("Z", "+00:00"))
    source_for(fake, settings, store).sync(timezone=OSLO, now=start + timedelta(days=1))
    activity = get_activity(store, "strava:5776260527")
    assert activity is not None
    reps = [lap.elapsed_time_s for lap in activity.laps[1:11:2]]
    assert reps == [311, 306, 293, 283, 285]


def test_nyc_marathon_payload(
    fake: FakeStrava, settings: Settings, store: Store, real_data: Path
) -> None:
    body = real_data / "strava-ruby-client" / "extracted" / "activity.body.json"
    detail = json.loads(body.read_text())
    fake.add(detail)
    start = datetime.fromisoformat(detail["start_date"].replace("Z", "+00:00"))
    source = source_for(fake, settings, store)
    source.sync(timezone=ZoneInfo("America/New_York"), now=start + timedelta(hours=6))
    activity = get_activity(store, "strava:1946417534")
    assert activity is not None
    assert activity.local_date == date(2018, 11, 4)
    assert activity.device == "Fitbit Ionic"
    assert activity.moving_time_s == 13085
    assert activity.elapsed_time_s == 13333
    assert len(activity.laps) == 1
    assert activity.avg_hr == 170.1


# --- tokens ----------------------------------------------------------------------------


def test_refresh_rotates_token(fake: FakeStrava, settings: Settings, store: Store) -> None:
    authorise(fake, settings, expires_in_s=60)
    old = load_tokens(settings.tokens)
    assert old is not None
    source = StravaSource(settings, store, old)
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    report = source.sync(timezone=OSLO, now=NOW)
    saved = load_tokens(settings.tokens)
    token_file = settings.tokens / "strava_tokens.json"
    assert report.new == ["strava:1001"]
    assert saved is not None
    assert saved.refresh_token != old.refresh_token
    assert saved.refresh_token in fake.refresh_tokens
    assert old.refresh_token not in fake.refresh_tokens
    assert saved.scope == old.scope
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.tokens.stat().st_mode) == 0o700


def test_refresh_before_other_requests(fake: FakeStrava, settings: Settings, store: Store) -> None:
    authorise(fake, settings, expires_in_s=60)
    tokens = load_tokens(settings.tokens)
    assert tokens is not None
    StravaSource(settings, store, tokens).sync(timezone=OSLO, now=NOW)
    assert [r.path for r in fake.requests()][:2] == ["/oauth/token", "/api/v3/athlete/activities"]


def test_revoked_refresh_token(fake: FakeStrava, settings: Settings, store: Store) -> None:
    authorise(fake, settings, expires_in_s=60)
    tokens = load_tokens(settings.tokens)
    assert tokens is not None
    fake.refresh_tokens.clear()
    with pytest.raises(AuthError, match="revoked"):
        StravaSource(settings, store, tokens).sync(timezone=OSLO, now=NOW)


def test_401_on_read_refreshes(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    old = source.tokens
    # Strava expired the access token before its local expiry time.
    fake.access_tokens[old.access_token] = 0
    report = source.sync(timezone=OSLO, now=NOW)
    saved = load_tokens(settings.tokens)
    assert report.new == ["strava:1001"]
    assert saved is not None
    assert saved.refresh_token != old.refresh_token
    assert saved.refresh_token in fake.refresh_tokens
    assert [r.path for r in fake.requests()][:3] == [
        "/api/v3/athlete/activities",
        "/oauth/token",
        "/api/v3/athlete/activities",
    ]


def test_401_refresh_rejected(fake: FakeStrava, settings: Settings, store: Store) -> None:
    source = source_for(fake, settings, store)
    fake.access_tokens[source.tokens.access_token] = 0
    fake.refresh_tokens.clear()
    with pytest.raises(AuthError, match=r"refresh token.*peakbot auth strava"):
        source.sync(timezone=OSLO, now=NOW)


def test_401_after_refresh(fake: FakeStrava, settings: Settings, store: Store) -> None:
    source = source_for(fake, settings, store)
    fake.inject(Fault(r"GET /api/v3/athlete/activities", 401, times=2))
    with pytest.raises(AuthError, match="revoked"):
        source.sync(timezone=OSLO, now=NOW)


def test_missing_scope_on_read(fake: FakeStrava, settings: Settings, store: Store) -> None:
    source = source_for(fake, settings, store)
    fake.scope = "read"
    with pytest.raises(AuthError, match="activity:read_all"):
        source.sync(timezone=OSLO, now=NOW)


def test_403_on_read(fake: FakeStrava, settings: Settings, store: Store) -> None:
    source = source_for(fake, settings, store)
    fake.inject(Fault(r"GET /api/v3/athlete/activities", 403))
    with pytest.raises(AuthError, match="activity:read_all"):
        source.sync(timezone=OSLO, now=NOW)


def test_saved_scope_lacking(fake: FakeStrava, settings: Settings, store: Store) -> None:
    save_tokens(settings.tokens, StravaTokens("a", "r", 2_000_000_000, scope="read"))
    with pytest.raises(AuthError, match="activity:read_all"):
        open_source(settings, store)


# --- rate limits and faults ----------------------------------------------------------------


def test_429_defers_quickly(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=4)))
    fake.add(make_run(1002, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    exhausted = {"X-RateLimit-Limit": "100,1000", "X-RateLimit-Usage": "100,250"}
    fake.inject(Fault(r"GET /api/v3/activities/\d+$", 429, headers=exhausted))
    started = time.monotonic()
    report = source.sync(timezone=OSLO, now=NOW)
    elapsed = time.monotonic() - started
    assert report.deferred is not None
    assert "429" in report.deferred
    assert report.new == []
    assert report.requests == 2
    assert elapsed < DEFER_BOUND_S


def test_429_on_list_defers(fake: FakeStrava, settings: Settings, store: Store) -> None:
    source = source_for(fake, settings, store)
    fake.inject(Fault(r"GET /api/v3/athlete/activities", 429))
    report = source.sync(timezone=OSLO, now=NOW)
    assert report.deferred is not None
    assert "429" in report.deferred
    assert report.requests == 1


def test_after_429_next_sync_resumes(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    fake.inject(Fault(r"GET /api/v3/activities/\d+$", 429))
    source.sync(timezone=OSLO, now=NOW)
    report = source.sync(timezone=OSLO, now=NOW)
    assert report.new == ["strava:1001"]
    assert report.deferred is None


def test_near_limit_defers(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    fake.usage = [98, 400]
    report = source_for(fake, settings, store).sync(timezone=OSLO, now=NOW)
    assert report.deferred is not None
    assert "15-minute" in report.deferred
    assert report.requests == 1


def test_daily_read_limit_defers(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    fake.read_rate_limit = (100, 500)
    fake.usage = [10, 499]
    report = source_for(fake, settings, store).sync(timezone=OSLO, now=NOW)
    assert report.deferred is not None
    assert "read daily" in report.deferred


def test_streams_near_limit_raise(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)), streams_by_type({"time": [0, 1]}))
    source = source_for(fake, settings, store)
    source.sync(timezone=OSLO, now=NOW)
    activity = get_activity(store, "strava:1001")
    assert activity is not None
    fake.usage = [99, 0]
    source.session.limits.update(fake._headers())
    with pytest.raises(ServiceError, match="rate limit"):
        source.load_streams(activity)


def test_5xx_retried(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    fake.inject(Fault(r"GET /api/v3/activities/\d+$", 502))
    report = source.sync(timezone=OSLO, now=NOW)
    assert report.new == ["strava:1001"]
    assert report.requests == 3


def test_5xx_exhausted_defers(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    fake.inject(Fault(r"GET /api/v3/activities/\d+$", 503, times=3))
    report = source.sync(timezone=OSLO, now=NOW)
    assert report.deferred is not None
    assert "503" in report.deferred
    assert report.requests == 4


def test_timeout_defers(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    fake.inject(Fault(r"GET /api/v3/athlete/activities", delay_s=1.0, times=3))
    started = time.monotonic()
    report = source.sync(timezone=OSLO, now=NOW)
    elapsed = time.monotonic() - started
    assert report.deferred is not None
    assert "Timeout" in report.deferred
    assert elapsed < DEFER_BOUND_S


def test_listed_without_detail(fake: FakeStrava, settings: Settings, store: Store) -> None:
    fake.add(make_run(1001, NOW - timedelta(hours=3)))
    source = source_for(fake, settings, store)
    fake.inject(Fault(r"GET /api/v3/activities/\d+$", 404))
    report = source.sync(timezone=OSLO, now=NOW)
    assert report.new == []
    assert "deleted" in report.skipped[0]
    assert list_activities(store) == []


def test_window_reset_quarter_hour() -> None:
    moment = datetime(2026, 3, 20, 21, 31, 5, tzinfo=UTC)
    assert _window_reset("overall 15-minute", moment) == "after 21:45 UTC"


def test_window_reset_daily() -> None:
    moment = datetime(2026, 3, 20, 21, 31, 5, tzinfo=UTC)
    assert _window_reset("read daily", moment) == "after 2026-03-21 00:00 UTC"


def test_429_says_when(fake: FakeStrava, settings: Settings, store: Store) -> None:
    source = source_for(fake, settings, store)
    fake.inject(Fault(r"GET /api/v3/athlete/activities", 429))
    report = source.sync(timezone=OSLO, now=NOW)
    assert report.deferred is not None
    assert re.search(r"next rate-limit window, after \d\d:\d\d UTC$", report.deferred)
