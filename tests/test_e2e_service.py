"""Three weeks of the service on an accelerated clock against fake Garmin Connect and Strava.

Each simulated day calls the scheduler's job functions in their scheduled order:
push at 04:30, sync at 06:00, the morning summary at 06:30, the runner's session at
07:00 (added to the fake Strava, with laps), then syncs at 09:00 and 21:30. Summaries
go to a json:// receiver, which counts them.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.activities.model import Activity
from bot.coach.prescription import read_prescription
from bot.config.settings import Settings
from bot.garmin.workout_json import garmin_workout_json, parse_marker
from bot.notify.deliver import Notifier
from bot.plan import PlannedSession, build_plan, load_stored_prescriptions
from bot.service.calendar_watch import CalendarWatch
from bot.service.clock import ManualClock
from bot.service.cycle import Cycle
from bot.service.service import Service
from bot.simulator import SimulatedRunner
from bot.store import jobs
from bot.store.analyses import StoredAnalysis, list_analyses, load_tuned
from bot.store.db import Store
from tests.conftest import REPO_ROOT
from tests.fakes.garmin_server import GarminFake, write_fake_tokens
from tests.fakes.http import QuietHTTPServer
from tests.fakes.strava_server import FakeStrava, make_run, save_issued_tokens

pytestmark = pytest.mark.slow

LONDON = ZoneInfo("Europe/London")
FIRST_DAY = date(2023, 3, 20)  # Monday of peak week 2
DAYS = 21


@dataclass
class Receiver:
    """A json:// endpoint on 127.0.0.1 that keeps every message's title and body."""

    titles: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> QuietHTTPServer:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length))
                with receiver.lock:
                    receiver.titles.append(body["title"])
                    receiver.bodies.append(body["message"])
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        return httpd


@pytest.fixture
def garmin() -> Iterator[GarminFake]:
    server = GarminFake().start()
    yield server
    server.stop()


@pytest.fixture
def strava() -> Iterator[FakeStrava]:
    server = FakeStrava().start()
    yield server
    server.stop()


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    sink = Receiver()
    httpd = sink.start()
    yield sink, f"json://127.0.0.1:{httpd.server_address[1]}/peakbot"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def settings(
    tmp_path: Path, garmin: GarminFake, strava: FakeStrava, receiver: tuple[Receiver, str]
) -> Settings:
    shutil.copytree(REPO_ROOT / "config", tmp_path / "config")
    tokens = tmp_path / "tokens"
    write_fake_tokens(tokens)
    save_issued_tokens(strava, tokens)
    return Settings(
        config_path=tmp_path / "config" / "calendar.yaml",
        data_dir=tmp_path / "data",
        token_dir=tokens,
        garmin_api_url=garmin.url,
        strava_client_id="4242",
        strava_client_secret="client-secret",
        strava_api_url=strava.url,
        apprise_urls=(receiver[1],),
        http_timeout_s=5.0,
    )


def strava_detail(activity: Activity, activity_id: int) -> dict[str, Any]:
    """The simulated run as Strava's detailed activity JSON, one lap per watch lap."""
    detail = make_run(
        activity_id,
        activity.start_utc,
        distance_m=activity.distance_m,
        moving_time_s=round(activity.moving_time_s),
        name=activity.name or "Run",
    )
    detail["elapsed_time"] = round(activity.elapsed_time_s)
    detail["laps"] = [
        {
            "id": activity_id * 1000 + index,
            "resource_state": 2,
            "name": f"Lap {index + 1}",
            "activity": {"id": activity_id, "resource_state": 1},
            "athlete": {"id": 1, "resource_state": 1},
            "elapsed_time": round(lap.elapsed_time_s),
            "moving_time": round(lap.moving_time_s),
            "start_date": (activity.start_utc + timedelta(seconds=lap.start_offset_s))
            .astimezone(UTC)
            .strftime("%Y-%m-%dT%H:%M:%SZ"),
            "start_date_local": (activity.start_utc + timedelta(seconds=lap.start_offset_s))
            .astimezone(LONDON)
            .strftime("%Y-%m-%dT%H:%M:%SZ"),
            "distance": lap.distance_m,
            "average_speed": lap.avg_speed_mps or lap.distance_m / max(lap.moving_time_s, 1),
            "average_heartrate": lap.avg_hr,
            "max_heartrate": lap.max_hr,
            "lap_index": index + 1,
            "split": index + 1,
        }
        for index, lap in enumerate(activity.laps)
    ]
    return detail


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def test_three_week_block(
    settings: Settings,
    garmin: GarminFake,
    strava: FakeStrava,
    receiver: tuple[Receiver, str],
) -> None:
    sink, _ = receiver
    clock = ManualClock(at(FIRST_DAY, 4, 0))
    store = Store(settings.database)
    watch = CalendarWatch(settings.config_path)
    calendar = watch.load()
    cycle = Cycle(
        settings,
        store,
        watch,
        clock=clock,
        notifier=Notifier(settings.apprise_urls, retry_delay_s=0),
    )
    service = Service(cycle)
    runner = SimulatedRunner(capability_s_per_km=174.0, seed=7)
    ran: list[PlannedSession] = []
    wrong_on_garmin: list[date] = []
    # The last workout seen on Garmin Connect for each session id.
    pushed: dict[str, dict[str, Any]] = {}

    for offset in range(DAYS):
        day = FIRST_DAY + timedelta(days=offset)
        clock.set(at(day, 4, 30))
        service.push_job()
        pushed.update(_scheduled_workouts(garmin))
        plan = build_plan(calendar, load_stored_prescriptions(store))
        todays = [s for s in plan if s.date == day]
        if len(garmin.schedules_on(day)) != len(todays):
            # Missing, or there twice.
            wrong_on_garmin.append(day)

        clock.set(at(day, 6, 0))
        service.sync_job()
        clock.set(at(day, 6, 30))
        service.morning_job()
        clock.set(at(day, 6, 31))
        service.calendar_job()

        for session in todays:
            activity = runner.run(session.workout, day, timezone=LONDON)
            runner.advance()
            strava.add(strava_detail(activity, 10_000 + offset))
            ran.append(session)

        for hour, minute in ((9, 0), (21, 30)):
            clock.set(at(day, hour, minute))
            service.sync_job()
            # A sync that tunes a prescription pushes again at once.
            pushed.update(_scheduled_workouts(garmin))
        clock.set(at(day, 23, 0))
        service.sync_job()  # outside waking hours: skipped

    # One real scheduler run on the last day proves the wiring, and sends nothing again.
    clock.set(at(FIRST_DAY + timedelta(days=DAYS - 1), 23, 30))
    assert service.serve(install_signals=False, run_for_s=2.0) == 0
    pushed.update(_scheduled_workouts(garmin))

    counts = Counter(sink.titles)
    mornings = [t for t in counts if t.startswith("peakbot morning:")]
    post_runs = [t for t in counts if not t.startswith("peakbot morning:")]
    stored = _analyses(store)
    analysed = {a.session_id for a in stored}
    errors = [r for r in jobs.list_job_runs(store) if r.result == "error"]
    tuned = load_tuned(store)
    plan = build_plan(calendar, load_stored_prescriptions(store))
    store.close()

    assert wrong_on_garmin == []
    assert errors == []
    assert len(mornings) == DAYS
    assert len(post_runs) == len(ran)
    assert max(counts.values()) == 1
    assert analysed == {s.id for s in ran}

    last_day = FIRST_DAY + timedelta(days=DAYS - 1)
    horizon_end = last_day + timedelta(days=settings.push_horizon_days - 1)
    by_id = {s.id: s for s in plan}
    checked = reached = 0
    for record in stored:
        session = by_id[record.session_id]
        if read_prescription(session.calendar_workout) is None or not session.bounds.tune:
            continue
        following = [
            s for s in plan if s.workout_key == session.workout_key and s.date > session.date
        ]
        if not following:
            continue
        next_session = following[0]
        checked += 1
        assert record.decision is not None, record.session_id
        assert record.decision["session_id"] == next_session.id, record.session_id
        assert next_session.id in tuned, record.session_id
        assert tuned[next_session.id].text == record.decision["text"], record.session_id
        assert next_session.tuned is not None, next_session.id
        assert next_session.text == record.decision["text"], next_session.id
        if next_session.date > horizon_end:
            continue
        reached += 1
        assert next_session.id in pushed, next_session.id
        on_garmin = _main_set(pushed[next_session.id])
        assert on_garmin == _main_set(garmin_workout_json(next_session)), next_session.id
        numbers = read_prescription(next_session.workout)
        assert numbers is not None
        assert on_garmin[0] == numbers.reps, next_session.id
    assert checked >= 2
    assert reached >= 2
    secrets = ["client-secret", garmin.access_token, *strava.access_tokens]
    leaks = [s for s in secrets for text in sink.titles + sink.bodies if s in text]
    assert leaks == []


def _analyses(store: Store) -> list[StoredAnalysis]:
    return [a for a in list_analyses(store) if a.analysis is not None]


def _scheduled_workouts(garmin: GarminFake) -> dict[str, dict[str, Any]]:
    """Return each scheduled peakbot workout on the fake Garmin Connect by session id."""
    found: dict[str, dict[str, Any]] = {}
    with garmin.lock:
        for schedule in garmin.schedules.values():
            workout = garmin.workouts.get(schedule["workoutId"])
            marker = parse_marker(workout.get("description")) if workout else None
            if workout is not None and marker is not None:
                found[marker.session_id] = json.loads(json.dumps(workout))
    return found


def _main_set(payload: dict[str, Any]) -> tuple[int, float | None, float | None]:
    """Return the iterations and the rep's speed targets (m/s) of the largest repeat group."""
    groups = [
        step
        for segment in payload["workoutSegments"]
        for step in segment["workoutSteps"]
        if step.get("type") == "RepeatGroupDTO"
    ]
    assert groups, payload.get("workoutName")
    main = max(groups, key=lambda group: group["numberOfIterations"])
    rep = next(step for step in main["workoutSteps"] if step.get("targetValueOne") is not None)
    return main["numberOfIterations"], rep["targetValueOne"], rep["targetValueTwo"]
