"""The cycle loads a Strava run's streams when its laps cannot show the session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config.settings import Settings
from bot.notify.deliver import Notifier
from bot.plan import build_plan
from bot.service.calendar_watch import CalendarWatch
from bot.service.clock import ManualClock
from bot.service.cycle import Cycle
from bot.simulator import SimulatedRunner
from bot.store.analyses import get_analysis
from bot.store.db import Store
from tests.conftest import REPO_ROOT
from tests.fakes.strava_server import FakeStrava, make_run, save_issued_tokens, streams_by_type

LONDON = ZoneInfo("Europe/London")
DAY = date(2023, 3, 28)  # a Speed Sharpen Tuesday in the example calendar


@pytest.fixture
def strava() -> Iterator[FakeStrava]:
    fake = FakeStrava().start()
    yield fake
    fake.stop()


@pytest.fixture
def cycle(tmp_path: Path, strava: FakeStrava) -> Iterator[Cycle]:
    shutil.copytree(REPO_ROOT / "config", tmp_path / "config")
    save_issued_tokens(strava, tmp_path / "tokens")
    settings = Settings(
        config_path=tmp_path / "config" / "calendar.yaml",
        data_dir=tmp_path / "data",
        token_dir=tmp_path / "tokens",
        strava_client_id="4242",
        strava_client_secret="client-secret",
        strava_api_url=strava.url,
        http_timeout_s=5.0,
    )
    store = Store(settings.database)
    clock = ManualClock(datetime(2023, 3, 28, 20, 0, tzinfo=LONDON))
    yield Cycle(
        settings,
        store,
        CalendarWatch(settings.config_path),
        clock=clock,
        notifier=Notifier((), out=None),
    )
    store.close()


def add_single_lap_run(strava: FakeStrava, cycle: Cycle) -> None:
    """Put the day's Speed Sharpen, recorded as one lap with 1 Hz streams, on the fake."""
    session = next(s for s in build_plan(cycle.calendar.current()) if s.date == DAY)
    activity = SimulatedRunner(capability_s_per_km=174.0, seed=3).run(
        session.workout, DAY, timezone=LONDON
    )
    assert activity.streams is not None
    assert activity.streams.distance_m is not None
    assert activity.streams.speed_mps is not None
    detail = make_run(
        9001,
        activity.start_utc,
        distance_m=activity.distance_m,
        moving_time_s=round(activity.moving_time_s),
        name="Speed Sharpen",
        laps=1,
    )
    series = {
        "time": activity.streams.time_s,
        "distance": activity.streams.distance_m,
        "velocity_smooth": activity.streams.speed_mps,
    }
    strava.add(detail, streams_by_type(series))


def stream_requests(strava: FakeStrava) -> int:
    return len([r for r in strava.api_requests() if r.path.endswith("/streams")])


def test_single_lap_run_loads_streams(strava: FakeStrava, cycle: Cycle) -> None:
    add_single_lap_run(strava, cycle)
    cycle.sync()
    stored = get_analysis(cycle.store, "speed-sharpen-3")
    assert stored is not None
    assert stored.analysis is not None
    assert stored.analysis.method == "streams"
    assert len(stored.analysis.reps) == 15


def test_streams_fetched_once(strava: FakeStrava, cycle: Cycle) -> None:
    add_single_lap_run(strava, cycle)
    cycle.sync()
    cycle.sync()
    assert stream_requests(strava) == 1
