"""Kill `peakbot run --once` and `peakbot run` at random points (seeded), start again.

The process runs against fake Garmin Connect and Strava servers and a json://
receiver in this test process. After the kills, one run finishes; then nothing is
on the Garmin calendar twice, no message arrived twice, and nothing is missing:
every session was analysed and every summary was stored and either sent or, when
the kill fell between its send and its record, marked unknown and not sent again.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config.load import load_calendar
from bot.plan import build_plan
from bot.simulator import SimulatedRunner
from bot.store import jobs
from bot.store.db import Store
from tests.conftest import REPO_ROOT
from tests.fakes.garmin_server import GarminFake, write_fake_tokens
from tests.fakes.strava_server import FakeStrava, save_issued_tokens
from tests.test_e2e_service import Receiver, strava_detail

pytestmark = pytest.mark.slow

LONDON = ZoneInfo("Europe/London")
DAYS = [date(2023, 3, 27), date(2023, 3, 28), date(2023, 3, 29)]
KILLS_PER_DAY = 3
SEED = 20230423


@pytest.fixture
def fakes() -> Iterator[tuple[GarminFake, FakeStrava, Receiver, str]]:
    garmin = GarminFake().start()
    strava = FakeStrava().start()
    receiver = Receiver()
    httpd = receiver.start()
    yield garmin, strava, receiver, f"json://127.0.0.1:{httpd.server_address[1]}/peakbot"
    httpd.shutdown()
    httpd.server_close()
    strava.stop()
    garmin.stop()


def environment(tmp_path: Path, garmin: GarminFake, strava: FakeStrava, url: str) -> dict[str, str]:
    tokens = tmp_path / "tokens"
    write_fake_tokens(tokens)
    save_issued_tokens(strava, tokens)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PEAKBOT_", "STRAVA_", "GARMIN_"))
    }
    env.update(
        {
            "PEAKBOT_DATA_DIR": str(tmp_path / "data"),
            "PEAKBOT_TOKEN_DIR": str(tokens),
            "GARMIN_API_URL": garmin.url,
            "STRAVA_CLIENT_ID": "4242",
            "STRAVA_CLIENT_SECRET": "client-secret",
            "STRAVA_API_URL": strava.url,
            "PEAKBOT_APPRISE_URLS": url,
            "PEAKBOT_HTTP_TIMEOUT": "5",
        }
    )
    return env


def run_once(tmp_path: Path, env: dict[str, str], day: date) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "--config",
            str(tmp_path / "config" / "calendar.yaml"),
            "run",
            "--once",
            "--today",
            day.isoformat(),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_killed_runs_repeat_nothing(
    tmp_path: Path, fakes: tuple[GarminFake, FakeStrava, Receiver, str]
) -> None:
    garmin, strava, receiver, url = fakes
    shutil.copytree(REPO_ROOT / "config", tmp_path / "config")
    env = environment(tmp_path, garmin, strava, url)
    calendar = load_calendar(tmp_path / "config" / "calendar.yaml")
    plan = build_plan(calendar)
    runner = SimulatedRunner(capability_s_per_km=174.0, seed=3)
    chance = random.Random(SEED)
    kills = 0

    for number, day in enumerate(DAYS):
        for session in [s for s in plan if s.date == day]:
            activity = runner.run(session.workout, day, timezone=LONDON)
            strava.add(strava_detail(activity, 50_000 + number))

        for _ in range(KILLS_PER_DAY):
            process = run_once(tmp_path, env, day)
            time.sleep(chance.uniform(0.3, 4.0))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait(timeout=30)
        final = run_once(tmp_path, env, day)
        assert final.wait(timeout=120) == 0

    store = Store(tmp_path / "data" / "peakbot.sqlite3")
    summaries = jobs.list_summaries(store)
    deliveries = [d for s in summaries for d in jobs.deliveries_for(store, s.id)]
    from bot.store.analyses import get_analysis

    analysed = [s.id for s in plan if s.date in DAYS and get_analysis(store, s.id) is not None]
    store.close()

    # The push horizon is 7 days from the last day run.
    horizon = [DAYS[0] + timedelta(days=n) for n in range(len(DAYS) - 1 + 7)]
    on_garmin = {day: len(garmin.schedules_on(day)) for day in horizon}
    planned = {day: len([s for s in plan if s.date == day]) for day in horizon}
    received = Counter(receiver.titles)
    states = Counter(d.state for d in deliveries)
    sent_titles = {s.title for s in summaries for d in jobs_sent(deliveries, s.id)}

    assert kills > 0
    assert on_garmin == planned
    assert max(received.values()) == 1
    assert analysed == [s.id for s in plan if s.date in DAYS]
    assert {s.kind for s in summaries} == {"morning", "post-run"}
    assert len(summaries) == 2 * len(DAYS)
    assert set(states) <= {jobs.SENT, jobs.UNKNOWN}
    assert states[jobs.UNKNOWN] <= kills
    assert sent_titles <= set(received)


def jobs_sent(deliveries: list[jobs.Delivery], summary_id: int) -> list[jobs.Delivery]:
    return [d for d in deliveries if d.summary_id == summary_id and d.state == jobs.SENT]


CALENDAR_AROUND_TODAY = """\
athlete:
  name: Alex
  timezone: Europe/London
  units: km
  race_result: {distance: 10km, time: "36:00"}
race:
  name: Test Marathon
  date: RACE_DATE
  goal: "2:50:00"
workouts:
  speed-sharpen:
    title: Speed Sharpen
    text: |
      - 5min @ 6'00''/km
      - 2.0km @ 4'00''/km
      - 15 lots of:
      - 400m @ 2'56''/km
      - 1min rest
      - 5min @ 6'00''/km
    tuning: {min_reps: 12, max_reps: 20}
  easy:
    title: Easy run
    text: "10km @ E"
    tuning: {tune: false}
sessions:
  - {date: race-20d, workout: speed-sharpen}
  - {date: race-18d, workout: easy}
  - {date: race-16d, workout: easy}
  - {date: race-13d, workout: speed-sharpen}
"""


def start_service(tmp_path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(tmp_path / "calendar.yaml"), "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def sync_runs(database: Path) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(database) as conn:
            row = conn.execute(
                "SELECT count(*) FROM job_runs WHERE job = 'sync' AND result = 'ok'"
            ).fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0])


def test_killed_service_repeats_nothing(
    tmp_path: Path, fakes: tuple[GarminFake, FakeStrava, Receiver, str]
) -> None:
    garmin, strava, receiver, url = fakes
    today = datetime.now(LONDON).date()
    race = today + timedelta(days=20)
    (tmp_path / "calendar.yaml").write_text(
        CALENDAR_AROUND_TODAY.replace("RACE_DATE", race.isoformat())
    )
    env = environment(tmp_path, garmin, strava, url)
    plan = build_plan(load_calendar(tmp_path / "calendar.yaml"))
    session = plan[0]
    # Today's session, run in the small hours so it is on today's local date whenever
    # the test runs.
    activity = SimulatedRunner(capability_s_per_km=174.0, seed=5).run(
        session.workout, today, timezone=LONDON, start=clock_time(0, 5)
    )
    strava.add(strava_detail(activity, 70_001))
    chance = random.Random(SEED + 1)
    database = tmp_path / "data" / "peakbot.sqlite3"

    for _ in range(4):
        process = start_service(tmp_path, env)
        time.sleep(chance.uniform(0.5, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    syncs_before = sync_runs(database)
    process = start_service(tmp_path, env)
    try:
        deadline = time.monotonic() + 90
        while sync_runs(database) == syncs_before and time.monotonic() < deadline:
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()

    store = Store(database)
    from bot.store.analyses import get_analysis

    analysis = get_analysis(store, session.id)
    post_runs = jobs.list_summaries(store, kind="post-run")
    store.close()
    horizon = [today + timedelta(days=n) for n in range(7)]
    on_garmin = {day: len(garmin.schedules_on(day)) for day in horizon}
    planned = {day: len([s for s in plan if s.date == day]) for day in horizon}

    assert code == 0
    assert on_garmin == planned
    assert max(Counter(receiver.titles).values()) == 1
    assert analysis is not None
    assert [s.session_id for s in post_runs] == [session.id]
    assert len(garmin.workouts) == sum(planned.values())
