"""Clocks the service reads the time from; tests and benchmarks inject a manual one."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when set or advanced, for tests and the accelerated benchmark."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta


class DayClock:
    """The current local time of day on a fixed local date, for `run --once --today`.

    Sources and jobs then see that day, so a sync looks back from it, not from today.
    """

    def __init__(self, day: date, timezone: ZoneInfo) -> None:
        self.day = day
        self.timezone = timezone

    def now(self) -> datetime:
        wall = datetime.now(self.timezone)
        return datetime.combine(self.day, wall.time(), tzinfo=self.timezone).astimezone(UTC)
