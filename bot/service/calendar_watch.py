"""The calendar the service runs on, reloaded when its file changes or on SIGHUP.

An invalid calendar never replaces a valid one: the service keeps running the last
good calendar, logs the problem and keeps it in `problem` so the next summary says so.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from bot.config.calendar import Calendar
from bot.errors import UserInputError

log = logging.getLogger(__name__)


class CalendarWatch:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.calendar: Calendar | None = None
        # Why the file on disk is not the calendar in use, or None when it is.
        self.problem: str | None = None
        self._signature: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def load(self) -> Calendar:
        """Load the calendar for the first time; raises UserInputError when it is invalid."""
        from bot.config.load import load_calendar

        with self._lock:
            self._signature = self._stat()
            self.calendar = load_calendar(self.path)
            self.problem = None
            return self.calendar

    def current(self) -> Calendar:
        if self.calendar is None:
            return self.load()
        return self.calendar

    def check(self, *, force: bool = False) -> bool:
        """Reload when the file changed (or when forced); return True when a new one is in use."""
        from bot.config.load import load_calendar

        with self._lock:
            signature = self._stat()
            if not force and signature == self._signature:
                return False
            self._signature = signature
            try:
                calendar = load_calendar(self.path)
            except UserInputError as error:
                self.problem = (
                    f"{error} The last valid calendar is still in use; fix the file and it "
                    "is reloaded within a minute."
                )
                log.error(
                    "calendar %s is invalid, keeping the last valid one: %s", self.path, error
                )
                return False
            self.calendar = calendar
            self.problem = None
            log.info("calendar %s reloaded: %d sessions", self.path, len(calendar.sessions))
            return True

    def _stat(self) -> tuple[int, int] | None:
        try:
            info = self.path.stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)
