"""The service: job runs, late morning summary, calendar reload, scheduler wiring, signals."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from bot.config.settings import Settings
from bot.notify.deliver import Notifier
from bot.service.calendar_watch import CalendarWatch
from bot.service.clock import ManualClock
from bot.service.cycle import Cycle
from bot.service.lock import AlreadyRunning, ProcessLock
from bot.service.service import Service, in_waking_hours, next_waking_run
from bot.store import jobs
from bot.store.db import Store
from tests.helpers import SESSION_DAY, example_settings, local, make_cycle


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return example_settings(tmp_path)


def test_morning_on_time_not_late(settings: Settings, store: Store) -> None:
    cycle, out = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 6, 30)))
    cycle.morning()
    assert "Today: Speed Sharpen" in out.getvalue()
    assert "Sent late" not in out.getvalue()


def test_missed_morning_sent_late_once(settings: Settings, store: Store) -> None:
    clock = ManualClock(local(SESSION_DAY, 9, 14))
    cycle, out = make_cycle(settings, store, clock)
    assert cycle.morning_is_due()
    cycle.morning()
    clock.set(local(SESSION_DAY, 9, 30))
    cycle.morning()
    assert out.getvalue().count("Sent late at 09:14") == 1
    assert not cycle.morning_is_due()


def test_morning_not_due_before_time(settings: Settings, store: Store) -> None:
    cycle, _ = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 5, 0)))
    assert not cycle.morning_is_due()


def test_sync_analyses_and_tunes(settings: Settings, store: Store) -> None:
    cycle, out = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 12, 0)))
    outcome = cycle.sync()
    assert outcome.result == "ok", outcome.error
    assert "1 analysed (speed-sharpen-3)" in outcome.detail
    assert "95% compliance, green" in out.getvalue()
    notes = jobs.tuning_notes_since(store, None)
    assert [n.next_session_id for n in notes] == ["speed-sharpen-4"]


def test_tuning_shown_next_morning(settings: Settings, store: Store) -> None:
    clock = ManualClock(local(SESSION_DAY, 12, 0))
    cycle, out = make_cycle(settings, store, clock)
    cycle.sync()
    clock.set(local(date(2023, 3, 29), 6, 30))
    cycle.morning()
    assert "Tuned since the last message:\n  - Speed Sharpen on Tue 04 Apr:" in out.getvalue()


def test_failing_job_recorded_others_run(settings: Settings, store: Store) -> None:
    blocker = settings.data_dir.parent / "not-a-folder"
    blocker.write_text("a file where the workout folder should be")
    settings = replace(settings, workout_dir=blocker)
    cycle, _ = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 6, 30)))
    push = cycle.push()
    morning = cycle.morning()
    assert push.result == "error"
    assert morning.result == "ok"
    last = jobs.last_job_runs(store)
    assert last["push"].error is not None
    assert last["morning-summary"].result == "ok"


def test_invalid_calendar_keeps_last(settings: Settings, store: Store) -> None:
    cycle, out = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 6, 30)))
    settings.config_path.write_text("athlete: [not, a, mapping]\n")
    cycle.check_calendar(force=True)
    cycle.morning()
    assert "Today: Speed Sharpen" in out.getvalue()
    assert "Calendar problem:" in out.getvalue()
    assert jobs.last_job_runs(store)["calendar"].result == "error"


def test_calendar_change_reloaded(settings: Settings, store: Store) -> None:
    cycle, _ = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 6, 30)))
    text = settings.config_path.read_text().replace("name: London Marathon", "name: Big Race")
    settings.config_path.write_text(text)
    os.utime(settings.config_path, ns=(time.time_ns(), time.time_ns() + 10**9))
    cycle.check_calendar()
    assert cycle.calendar.current().race.name == "Big Race"


def test_unchanged_calendar_not_recorded(settings: Settings, store: Store) -> None:
    cycle, _ = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 6, 30)))
    assert cycle.check_calendar() is None


def test_waking_hours_across_midnight() -> None:
    assert in_waking_hours(clock_time(23, 0), clock_time(22, 0), clock_time(6, 0))
    assert not in_waking_hours(clock_time(12, 0), clock_time(22, 0), clock_time(6, 0))


def interval_trigger(start: datetime) -> IntervalTrigger:
    return IntervalTrigger(minutes=30, start_date=start, timezone=start.tzinfo)


def test_next_sync_skips_night() -> None:
    trigger = interval_trigger(local(SESSION_DAY, 21, 41))
    first = local(SESSION_DAY, 22, 11)
    found = next_waking_run(trigger, first, clock_time(6, 0), clock_time(22, 0))
    assert found == local(SESSION_DAY + timedelta(days=1), 6, 11)


def test_next_sync_in_waking_hours() -> None:
    start = local(SESSION_DAY, 9, 0)
    found = next_waking_run(interval_trigger(start), start, clock_time(6, 0), clock_time(22, 0))
    assert found == start


def test_process_lock_exclusive(tmp_path: Path) -> None:
    with ProcessLock(tmp_path), pytest.raises(AlreadyRunning):
        ProcessLock(tmp_path).acquire()


def test_scheduler_wiring(settings: Settings, store: Store) -> None:
    clock = ManualClock(local(SESSION_DAY, 9, 0))
    cycle, out = make_cycle(settings, store, clock)
    service = Service(cycle)
    code = service.serve(install_signals=False, run_for_s=3.0)
    assert code == 0
    last = jobs.last_job_runs(store)
    assert last["push"].result == "ok"
    assert last["sync"].result == "ok"
    assert "Sent late at 09:00" in out.getvalue()
    assert set(jobs.get_state(store, "next_runs")) == {
        "push",
        "sync",
        "morning-summary",
    }


def wait_for(condition: object, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def finished_jobs(database: Path) -> set[str]:
    if not database.exists():
        return set()
    try:
        with sqlite3.connect(database) as conn:
            rows = conn.execute("SELECT job FROM job_runs WHERE result != 'running'").fetchall()
    except sqlite3.OperationalError:
        return set()
    return {row[0] for row in rows}


def start_service(settings: Settings) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEAKBOT_", "STRAVA_"))}
    env["PEAKBOT_DATA_DIR"] = str(settings.data_dir)
    env["PEAKBOT_ACTIVITY_DIR"] = str(settings.activity_dir)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(settings.config_path), "run"],
        cwd=settings.data_dir.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigterm_stops_service(settings: Settings) -> None:
    process = start_service(settings)
    try:
        wait_for(lambda: "sync" in finished_jobs(settings.database))
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
        stopped_s = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
    _, stderr = process.communicate()
    assert code == 0, stderr
    assert stopped_s < 5.0
    assert "peakbot service stopped" in stderr


def test_sighup_reloads_calendar(settings: Settings) -> None:
    process = start_service(settings)
    try:
        wait_for(lambda: "sync" in finished_jobs(settings.database))
        process.send_signal(signal.SIGHUP)
        wait_for(lambda: "calendar" in finished_jobs(settings.database))
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    _, stderr = process.communicate()
    assert code == 0, stderr
    assert "reloading the calendar on request" in stderr


def test_status_lists_pushed_week(settings: Settings, store: Store) -> None:
    from bot.service.status import collect_status, format_status

    cycle, _ = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 4, 30)))
    cycle.push()
    status = collect_status(settings, store, today=SESSION_DAY)
    assert status["pushed"][0]["session_id"] == "speed-sharpen-3"
    assert "2023-03-28 speed-sharpen-3 -> fit 2023-03-28_speed-sharpen.fit" in format_status(status)


def test_old_run_summary_stored_unsent(settings: Settings, store: Store) -> None:
    cycle, out = make_cycle(settings, store, ManualClock(local(date(2023, 4, 2), 12, 0)))
    outcome = cycle.sync()
    stored = jobs.get_summary(store, "post-run", SESSION_DAY, "speed-sharpen-3")
    assert outcome.result == "ok", outcome.error
    assert "post-run summary for speed-sharpen-3 stored, not sent: the run is 5 days old" in (
        outcome.detail
    )
    assert stored is not None
    assert jobs.deliveries_for(store, stored.id) == []
    assert "95% compliance" not in out.getvalue()


def test_recent_run_summary_sent(settings: Settings, store: Store) -> None:
    cycle, out = make_cycle(settings, store, ManualClock(local(date(2023, 3, 30), 12, 0)))
    outcome = cycle.sync()
    assert "not sent" not in outcome.detail
    assert "95% compliance, green" in out.getvalue()


def test_job_error_without_class(settings: Settings, store: Store) -> None:
    blocker = settings.data_dir.parent / "not-a-folder"
    blocker.write_text("a file where the workout folder should be")
    settings = replace(settings, workout_dir=blocker)
    cycle, _ = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 6, 30)))
    error = cycle.push().error
    assert error is not None
    assert not error.startswith(("ServiceError", "UserInputError", "PeakbotError"))
    assert error.endswith(".")


def test_wall_clock_records_runs(settings: Settings, store: Store) -> None:
    pinned = ManualClock(local(SESSION_DAY, 6, 30))
    wall = ManualClock(datetime(2026, 12, 4, 20, 0, tzinfo=UTC))
    watch = CalendarWatch(settings.config_path)
    watch.load()
    cycle = Cycle(
        settings,
        store,
        watch,
        clock=pinned,
        wall_clock=wall,
        notifier=Notifier([], out=io.StringIO()),
        today=SESSION_DAY,
    )
    cycle.morning()
    run = jobs.last_job_runs(store)["morning-summary"]
    assert run.started_utc == wall.now()
    assert run.detail is not None
    assert f"date {SESSION_DAY} from --today" in run.detail
