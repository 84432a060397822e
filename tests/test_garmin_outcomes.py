"""Per-session push outcomes and their wording, against a fake Garmin Connect."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.garmin.client import Retrying
from bot.garmin.push import STOPPED, GarminDestination
from bot.garmin.report import PushReport
from bot.plan import PlannedSession
from bot.store.db import Store
from tests.fakes.garmin_server import GarminFake, fake_settings, planned_session, speed_sharpen
from tests.fakes.http import Fault

TODAY = date(2023, 4, 2)
UPDATE = r"^PUT /workout-service/workout/\d+$"


@pytest.fixture
def fake() -> Iterator[GarminFake]:
    server = GarminFake().start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, fake: GarminFake) -> Settings:
    return fake_settings(fake, tmp_path, http_timeout_s=2.0)


Push = Callable[[list[PlannedSession]], PushReport]


@pytest.fixture
def push(settings: Settings, store: Store) -> Push:
    def run(sessions: list[PlannedSession]) -> PushReport:
        destination = GarminDestination(
            settings, store, retrying=Retrying(base_wait_s=0.01, max_wait_s=0.05)
        )
        return destination.push(sessions, today=TODAY, days=7)

    return run


def week(sharpen_reps: int = 15, easy_reps: int = 10) -> list[PlannedSession]:
    """Three sessions: the one that changes first by date, then two that may stay as they are."""
    return [
        planned_session("speed-sharpen-2", date(2023, 4, 3), speed_sharpen(sharpen_reps)),
        planned_session("long-run-1", date(2023, 4, 4), speed_sharpen(20), key="long"),
        planned_session("easy-2", date(2023, 4, 5), speed_sharpen(easy_reps), key="easy"),
    ]


def outcomes(report: PushReport) -> dict[str, str]:
    return {r.session_id: r.action for r in report.results}


def test_failed_write_others_unchanged(fake: GarminFake, push: Push) -> None:
    push(week())
    fake.inject(Fault(UPDATE, status=500, times=10))
    report = push(week(sharpen_reps=17))
    failed = report.results[0]
    assert outcomes(report) == {
        "speed-sharpen-2": "failed",
        "long-run-1": "unchanged",
        "easy-2": "unchanged",
    }
    assert "HTTP 500" in failed.detail
    assert report.pending == ["speed-sharpen-2"]


def test_failed_write_stops_push(fake: GarminFake, push: Push) -> None:
    push(week())
    fake.inject(Fault(UPDATE, status=500, times=10))
    report = push(week(sharpen_reps=17, easy_reps=12))
    easy = report.results[2]
    assert outcomes(report)["easy-2"] == "pending"
    assert easy.detail == STOPPED
    assert report.pending == ["speed-sharpen-2", "easy-2"]


def test_failed_write_next_push_finishes(fake: GarminFake, push: Push) -> None:
    push(week())
    fake.inject(Fault(UPDATE, status=500, times=4))
    push(week(sharpen_reps=17))
    report = push(week(sharpen_reps=17))
    assert outcomes(report)["speed-sharpen-2"] == "updated"
    assert report.ok


def test_reused_workout_scheduled(fake: GarminFake, push: Push) -> None:
    session = week()[:1]
    push(session)
    fake.schedules.clear()
    report = push(session)
    workout_id = next(iter(fake.workouts))
    assert outcomes(report) == {"speed-sharpen-2": "scheduled"}
    assert report.results[0].detail == f"reused workout {workout_id}"
    assert len(fake.schedules_on(date(2023, 4, 3))) == 1


def test_changed_and_moved(fake: GarminFake, push: Push) -> None:
    push([planned_session("speed-sharpen-2", date(2023, 4, 3), speed_sharpen(15))])
    report = push([planned_session("speed-sharpen-2", date(2023, 4, 6), speed_sharpen(17))])
    assert outcomes(report) == {"speed-sharpen-2": "rescheduled"}
    assert report.results[0].detail == "updated and rescheduled from 2023-04-03"


def test_moved_to_past_date(fake: GarminFake, push: Push) -> None:
    push([planned_session("speed-sharpen-2", date(2023, 4, 3), speed_sharpen())])
    report = push([planned_session("speed-sharpen-2", date(2023, 4, 1), speed_sharpen())])
    result = report.results[0]
    assert result.action == "removed"
    assert result.detail == (
        "moved to a past date, taken off the Garmin Connect calendar on 2023-04-03"
    )
    assert fake.schedules_on(date(2023, 4, 3)) == []
    assert len(fake.workouts) == 1
