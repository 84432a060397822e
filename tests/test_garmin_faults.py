"""Garmin push under faults: rate limits, server errors, timeouts, dead servers, kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.garmin.client import Retrying
from bot.garmin.push import GarminDestination
from bot.garmin.report import PushReport
from bot.plan import PlannedSession
from bot.store.db import Store
from tests.fakes.garmin_server import (
    CALENDAR,
    GarminFake,
    fake_settings,
    planned_session,
    speed_sharpen,
    write_fake_tokens,
)
from tests.fakes.http import Fault, Request

TODAY = date(2023, 4, 2)
UPLOAD = r"^POST /workout-service/workout$"
SCHEDULE = r"^POST /workout-service/schedule/\d+$"


@pytest.fixture
def fake() -> Iterator[GarminFake]:
    server = GarminFake().start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, fake: GarminFake) -> Settings:
    return fake_settings(fake, tmp_path, http_timeout_s=0.5)


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def destination(settings: Settings, waits: list[float]) -> Iterator[GarminDestination]:
    store = Store(settings.database)
    yield GarminDestination(
        settings, store, retrying=Retrying(base_wait_s=0.01, max_wait_s=30.0, sleep=waits.append)
    )
    store.close()


def sessions(count: int = 2) -> list[PlannedSession]:
    return [
        planned_session(f"speed-sharpen-{n}", date(2023, 4, 3 + n), speed_sharpen())
        for n in range(count)
    ]


def push(destination: GarminDestination, planned: list[PlannedSession]) -> PushReport:
    return destination.push(planned, today=TODAY, days=7)


def assert_one_per_session(fake: GarminFake, planned: list[PlannedSession]) -> None:
    assert len(fake.workouts) == len(planned)
    for session in planned:
        on_date = fake.schedules_on(session.date)
        assert len(on_date) == 1, session.id
    assert len(fake.schedules) == len(planned)


def test_429_storm_without_retry_after(
    fake: GarminFake, destination: GarminDestination, waits: list[float]
) -> None:
    fake.inject(Fault(".", status=429, times=3))
    report = push(destination, sessions())
    assert report.ok
    assert len(waits) == 3
    assert waits == sorted(waits)
    assert_one_per_session(fake, sessions())


def test_429_with_retry_after(
    fake: GarminFake, destination: GarminDestination, waits: list[float]
) -> None:
    fake.inject(Fault(".", status=429, times=2, headers={"Retry-After": "7"}))
    report = push(destination, sessions())
    assert report.ok
    assert waits == [7.0, 7.0]


def test_retry_after_beyond_cap(fake: GarminFake, settings: Settings, waits: list[float]) -> None:
    fake.inject(Fault(".", status=429, times=1, headers={"Retry-After": "3600"}))
    capped = GarminDestination(
        settings,
        Store(settings.database),
        retrying=Retrying(base_wait_s=0.01, max_wait_s=2.0, sleep=waits.append),
    )
    report = push(capped, sessions())
    assert waits == []
    assert [r.action for r in report.results] == ["pending", "pending"]
    assert "Garmin asked to wait 3600 s; the next push tries again" in report.results[0].detail
    assert push(capped, sessions()).ok
    assert_one_per_session(fake, sessions())


def test_retry_after_beyond_cap_on_write(
    fake: GarminFake, settings: Settings, waits: list[float]
) -> None:
    capped = GarminDestination(
        settings,
        Store(settings.database),
        retrying=Retrying(base_wait_s=0.01, max_wait_s=2.0, sleep=waits.append),
    )
    push(capped, sessions(1))
    fake.inject(Fault(UPLOAD, status=429, times=1, headers={"Retry-After": "600"}))
    report = push(capped, sessions(2))
    assert [r.action for r in report.results] == ["unchanged", "pending"]
    assert report.pending == ["speed-sharpen-1"]
    assert waits == []


def test_429_on_upload_retried_in_place(
    fake: GarminFake, destination: GarminDestination, waits: list[float]
) -> None:
    fake.inject(Fault(UPLOAD, status=429, times=2))
    report = push(destination, sessions(1))
    assert report.ok
    assert len(fake.requests("GET", "/workout-service/workouts")) == 1
    assert_one_per_session(fake, sessions(1))


def test_endless_429_stops_cleanly(fake: GarminFake, destination: GarminDestination) -> None:
    fake.inject(Fault(UPLOAD, status=429, times=1000))
    report = push(destination, sessions())
    assert not report.ok
    assert report.pending == ["speed-sharpen-0", "speed-sharpen-1"]
    fake.faults.clear()
    assert push(destination, sessions()).ok
    assert_one_per_session(fake, sessions())


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_on_upload(fake: GarminFake, destination: GarminDestination, status: int) -> None:
    fake.inject(Fault(UPLOAD, status=status, times=2))
    report = push(destination, sessions())
    assert report.ok
    assert_one_per_session(fake, sessions())


def test_5xx_on_listing(fake: GarminFake, destination: GarminDestination) -> None:
    fake.inject(Fault(r"^GET /workout-service/schedule/", status=500, times=2))
    assert push(destination, sessions()).ok
    assert_one_per_session(fake, sessions())


def test_timeout_after_upload_written(fake: GarminFake, destination: GarminDestination) -> None:
    fake.after(UPLOAD, lambda request: time.sleep(0.8))
    report = push(destination, sessions(1))
    assert report.ok
    assert len(fake.requests("POST", "/workout-service/workout")) == 1
    assert_one_per_session(fake, sessions(1))


def test_timeout_after_schedule_written(fake: GarminFake, destination: GarminDestination) -> None:
    fake.after(SCHEDULE, lambda request: time.sleep(0.8))
    report = push(destination, sessions(1))
    assert report.ok
    assert_one_per_session(fake, sessions(1))


def test_timeout_before_listing(fake: GarminFake, destination: GarminDestination) -> None:
    fake.inject(Fault(r"^GET /workout-service/workouts$", delay_s=0.8, times=1))
    assert push(destination, sessions(1)).ok
    assert_one_per_session(fake, sessions(1))


def test_malformed_listing(fake: GarminFake, destination: GarminDestination) -> None:
    fake.inject(Fault(r"^GET /workout-service/workouts$", status=200, raw=b"{not json", times=1))
    assert push(destination, sessions()).ok
    assert_one_per_session(fake, sessions())


def test_malformed_upload_response(fake: GarminFake, destination: GarminDestination) -> None:
    fake.inject(Fault(UPLOAD, status=200, raw=b"<html>oops", times=1))
    assert push(destination, sessions(1)).ok
    assert_one_per_session(fake, sessions(1))


def test_bad_request_fails_one_session(fake: GarminFake, destination: GarminDestination) -> None:
    fake.inject(Fault(UPLOAD, status=400, times=1))
    report = push(destination, sessions())
    assert [r.action for r in report.results] == ["failed", "created"]
    assert report.pending == ["speed-sharpen-0"]


def test_server_dies_mid_push(fake: GarminFake, destination: GarminDestination) -> None:
    def die(request: Request) -> None:
        fake.inject(Fault(".", drop=True, times=10**6))

    fake.after(SCHEDULE, die)
    report = push(destination, sessions(3))
    assert not report.ok
    assert "speed-sharpen-2" in report.pending
    fake.faults.clear()
    assert push(destination, sessions(3)).ok
    assert_one_per_session(fake, sessions(3))


def run_push(
    tmp_path: Path, fake: GarminFake, calendar_text: str = CALENDAR
) -> subprocess.Popen[bytes]:
    calendar = tmp_path / "calendar.yaml"
    calendar.write_text(calendar_text)
    env = {
        **os.environ,
        "PEAKBOT_DATA_DIR": str(tmp_path / "data"),
        "PEAKBOT_TOKEN_DIR": str(tmp_path / "tokens"),
        "GARMIN_API_URL": fake.url,
        "PEAKBOT_HTTP_TIMEOUT": "5",
    }
    script = Path(sys.executable).with_name("peakbot")
    entry = [str(script)] if script.is_file() else [sys.executable, "-m", "bot"]
    command = [*entry, "--config", str(calendar)]
    command += ["--env-file", str(tmp_path / "no.env"), "push", "--today", "2023-04-02"]
    return subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


@pytest.mark.parametrize(
    ("pattern", "nth"),
    [(UPLOAD, 1), (SCHEDULE, 2), (r"^DELETE /workout-service/", 1)],
    ids=["first-upload", "second-schedule", "first-delete"],
)
def test_kill_9_then_rerun(tmp_path: Path, fake: GarminFake, pattern: str, nth: int) -> None:
    write_fake_tokens(tmp_path / "tokens")
    if "DELETE" in pattern:
        # A workout of a session the calendar no longer has: the run deletes it.
        dropped = planned_session("tempo-9", date(2023, 4, 7), speed_sharpen(), key="tempo")
        settings = Settings(
            data_dir=tmp_path / "data", token_dir=tmp_path / "tokens", garmin_api_url=fake.url
        )
        GarminDestination(settings, Store(settings.database)).push([dropped], today=TODAY, days=7)
    child: list[subprocess.Popen[bytes]] = []
    fake.after(pattern, lambda request: os.kill(child[0].pid, signal.SIGKILL), nth=nth)
    child.append(run_push(tmp_path, fake))
    child[0].communicate(timeout=60)
    assert child[0].returncode == -signal.SIGKILL

    rerun = run_push(tmp_path, fake)
    _, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err.decode()
    workout_names = sorted(str(w["workoutName"]) for w in fake.workouts.values())
    assert workout_names == [
        "Easy run Mon 03 Apr",
        "Easy run Wed 05 Apr",
        "Speed Sharpen Thu 06 Apr",
        "Speed Sharpen Tue 04 Apr",
    ]
    for day in range(3, 7):
        assert len(fake.schedules_on(date(2023, 4, day))) == 1
    assert fake.schedules_on(date(2023, 4, 7)) == []


def test_kill_9_during_update(tmp_path: Path, fake: GarminFake) -> None:
    write_fake_tokens(tmp_path / "tokens")
    first = run_push(tmp_path, fake)
    first.communicate(timeout=60)
    assert first.returncode == 0
    ids = sorted(fake.workouts)

    child: list[subprocess.Popen[bytes]] = []
    fake.after(r"^PUT /workout-service/workout/", lambda r: os.kill(child[0].pid, signal.SIGKILL))
    child.append(run_push(tmp_path, fake, CALENDAR.replace("15 lots of", "17 lots of")))
    child[0].communicate(timeout=60)
    assert child[0].returncode == -signal.SIGKILL

    rerun = run_push(tmp_path, fake, CALENDAR.replace("15 lots of", "17 lots of"))
    _, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err.decode()
    assert sorted(fake.workouts) == ids
    repeats = [
        step["numberOfIterations"]
        for workout in fake.workouts.values()
        for step in workout["workoutSegments"][0]["workoutSteps"]
        if step["type"] == "RepeatGroupDTO"
    ]
    assert repeats == [17, 17]
    assert len(fake.schedules) == 4
