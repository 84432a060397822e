"""`peakbot analyze --date` on a single-lap Strava run: the CLI loads its streams itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from bot.activities.model import Activity
from bot.activities.sync import open_source
from bot.cli.main import cli
from bot.config.load import load_calendar
from bot.config.settings import load_settings
from bot.plan import build_plan
from bot.simulator.runner import SimulatedRunner
from bot.store.activities import get_streams
from bot.store.db import Store
from tests.fakes.http import Fault
from tests.fakes.strava_server import FakeStrava, make_run, save_issued_tokens, streams_by_type
from tests.helpers import track_environment

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2021, 5, 11)
ACTIVITY_ID = 5001
STREAMS = r"^GET /api/v3/activities/\d+/streams$"


@pytest.fixture
def fake() -> Iterator[FakeStrava]:
    server = FakeStrava().start()
    yield server
    server.stop()


@pytest.fixture
def environment(tmp_path: Path, fake: FakeStrava) -> dict[str, str]:
    env = {
        **track_environment(tmp_path),
        "STRAVA_CLIENT_ID": "4242",
        "STRAVA_CLIENT_SECRET": "client-secret",
        "STRAVA_API_URL": fake.url,
    }
    settings = load_settings(None, environ=env)
    save_issued_tokens(fake, settings.tokens)
    return env


def single_lap_run(fake: FakeStrava, environment: dict[str, str]) -> Activity:
    """Run the track session on DAY and upload it to the fake with one lap and its streams."""
    calendar = load_calendar(Path(environment["PEAKBOT_CONFIG"]))
    session = next(s for s in build_plan(calendar, {}) if s.date == DAY)
    activity = SimulatedRunner(capability_s_per_km=205.0, seed=3).run(
        session.workout, DAY, timezone=BERLIN
    )

    detail = make_run(
        ACTIVITY_ID,
        activity.start_utc,
        distance_m=activity.distance_m,
        moving_time_s=round(activity.moving_time_s),
        laps=1,
    )

    streams = activity.streams
    assert streams is not None
    fake.add(
        detail,
        streams_by_type(
            {
                "time": [round(t) for t in streams.time_s],
                "distance": streams.distance_m or [],
                "velocity_smooth": streams.speed_mps or [],
            }
        ),
    )

    settings = load_settings(None, environ=environment)
    store = Store(settings.database)
    try:
        open_source(settings, store).sync(
            timezone=BERLIN, now=activity.start_utc + timedelta(hours=2)
        )
    finally:
        store.close()
    return activity


def stream_requests(fake: FakeStrava) -> list[object]:
    return [r for r in fake.api_requests() if r.path.endswith("/streams")]


def analyze(environment: dict[str, str], tmp_path: Path) -> Result:
    base = ["--env-file", str(tmp_path / "no.env"), "analyze", "--date", DAY.isoformat()]
    return CliRunner().invoke(cli, [*base, "--json"], env=environment)


def test_single_lap_loads_streams(
    fake: FakeStrava, environment: dict[str, str], tmp_path: Path
) -> None:
    single_lap_run(fake, environment)
    result = analyze(environment, tmp_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["analysis"]["method"] == "streams"
    assert len(data["analysis"]["reps"]) == 6
    assert len(stream_requests(fake)) == 1


def test_single_lap_streams_stored(
    fake: FakeStrava, environment: dict[str, str], tmp_path: Path
) -> None:
    single_lap_run(fake, environment)
    analyze(environment, tmp_path)
    result = analyze(environment, tmp_path)
    settings = load_settings(None, environ=environment)
    store = Store(settings.database)
    stored = get_streams(store, f"strava:{ACTIVITY_ID}")
    store.close()
    assert result.exit_code == 0, result.output
    assert stored is not None
    assert len(stream_requests(fake)) == 1


def test_single_lap_rate_limited(
    fake: FakeStrava, environment: dict[str, str], tmp_path: Path
) -> None:
    single_lap_run(fake, environment)
    fake.inject(Fault(STREAMS, status=429))
    result = analyze(environment, tmp_path)
    assert result.exit_code == 1
    assert "rate-limit window" in result.output
    assert "load its streams and match again" not in result.output
