"""The plan, built by every job, says once that a tuned prescription was dropped."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.config.load import load_calendar
from bot.plan import TunedPrescription, build_plan
from tests.conftest import REPO_ROOT


def test_dropped_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    calendar = load_calendar(REPO_ROOT / "config" / "calendar.yaml")
    tuned = {
        "speed-sharpen-3": TunedPrescription(
            session_id="speed-sharpen-3",
            text="5min @ 6:00/km warmup; 2km @ 4:00/km",
            calendar_text="a calendar text since edited",
            reason="test",
            session_date=date(2023, 3, 28),
            workout_key="speed-sharpen",
        )
    }
    with caplog.at_level(logging.INFO, logger="bot.plan"):
        for _ in range(3):
            build_plan(calendar, tuned)
    dropped = [r for r in caplog.records if "tuned prescription dropped" in r.getMessage()]
    assert len(dropped) == 1
