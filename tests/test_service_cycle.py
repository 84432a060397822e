"""The cycle on the example calendar: reload then push, tuning notes, summary files, log lines."""

from __future__ import annotations

import logging
import os
import time
from datetime import date
from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.service.calendar_watch import KEPT
from bot.service.clock import ManualClock
from bot.service.service import Service
from bot.store import jobs
from bot.store.db import Store
from tests.helpers import SESSION_DAY, example_settings, local, make_cycle

NEXT_DAY = date(2023, 3, 29)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return example_settings(tmp_path)


def edit_calendar(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))
    # A later mtime than the load's, even on a file system with coarse times.
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))


def test_reload_pushes(settings: Settings, store: Store) -> None:
    cycle, _ = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 9, 0)))
    cycle.push()
    edit_calendar(settings.config_path, "- 15 lots of:", "- 16 lots of:")
    outcomes = cycle.reload_calendar()
    assert [o.job for o in outcomes] == ["calendar", "push"]
    assert "updated" in outcomes[1].detail


def test_invalid_edit_no_push(settings: Settings, store: Store) -> None:
    cycle, _ = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 9, 0)))
    edit_calendar(settings.config_path, "units: km", "units: furlongs")
    outcomes = cycle.reload_calendar()
    assert [o.job for o in outcomes] == ["calendar"]


def test_service_reload_pushes(settings: Settings, store: Store) -> None:
    cycle, _ = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 9, 0)))
    Service(cycle).calendar_job(force=True)
    assert "push" in jobs.last_job_runs(store)


def test_invalid_calendar_log_lines(
    settings: Settings, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    cycle, _ = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 9, 0)))
    edit_calendar(settings.config_path, "units: km", "units: furlongs")
    with caplog.at_level(logging.ERROR, logger="bot.service.calendar_watch"):
        cycle.check_calendar()
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.service.calendar_watch"]
    assert len(lines) == 2
    assert "invalid unit 'furlongs'" in lines[0]
    assert "keeping the last valid calendar" in lines[1]
    assert all("\n" not in line for line in lines)


def test_calendar_problem_ends_with_kept(settings: Settings, store: Store) -> None:
    cycle, _ = make_cycle(settings, store, ManualClock(local(SESSION_DAY, 9, 0)))
    edit_calendar(settings.config_path, "units: km", "units: furlongs")
    cycle.check_calendar()
    problem = cycle.calendar_problem()
    assert problem is not None
    assert problem.splitlines()[-1] == KEPT


def test_tuning_same_second_reported(settings: Settings, store: Store) -> None:
    # The morning summary and the tuning after it share one clock reading.
    clock = ManualClock(local(SESSION_DAY, 6, 30))
    cycle, _ = make_cycle(settings, store, clock)
    cycle.morning()
    cycle.sync()
    clock.set(local(NEXT_DAY, 6, 30))
    cycle.morning()
    summary = jobs.get_summary(store, "morning", NEXT_DAY)
    assert summary is not None
    assert "Speed Sharpen on Tue 04 Apr" in summary.text


def test_tuning_reported_once(settings: Settings, store: Store) -> None:
    clock = ManualClock(local(SESSION_DAY, 12, 0))
    cycle, _ = make_cycle(settings, store, clock)
    cycle.sync()
    clock.set(local(NEXT_DAY, 6, 30))
    cycle.morning()
    clock.set(local(date(2023, 3, 30), 6, 30))
    cycle.morning()
    summary = jobs.get_summary(store, "morning", date(2023, 3, 30))
    assert summary is not None
    assert "Speed Sharpen on Tue 04 Apr" not in summary.text


def test_summary_file_counts_as_sent(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = Store(settings.database)
    cycle, _ = make_cycle(settings, first, ManualClock(local(SESSION_DAY, 6, 30)))
    cycle.morning()
    first.close()
    settings.database.unlink()
    again = Store(settings.database)
    cycle, out = make_cycle(settings, again, ManualClock(local(SESSION_DAY, 7, 0)))
    with caplog.at_level(logging.WARNING, logger="bot.service.cycle"):
        cycle.morning()
    stored = jobs.get_summary(again, "morning", SESSION_DAY)
    again.close()
    assert out.getvalue() == ""
    assert stored is not None
    assert "recorded as sent, not sent again" in caplog.text


def test_summary_file_delivery_sent(settings: Settings) -> None:
    first = Store(settings.database)
    cycle, _ = make_cycle(settings, first, ManualClock(local(SESSION_DAY, 6, 30)))
    cycle.morning()
    first.close()
    settings.database.unlink()
    again = Store(settings.database)
    cycle, _ = make_cycle(settings, again, ManualClock(local(SESSION_DAY, 7, 0)))
    cycle.morning()
    counts = jobs.delivery_counts(again)
    again.close()
    assert counts == {"sent": 1}
