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

# The last line of `problem`, after one line per problem in the file.
KEPT = "The last valid calendar stays in use; fix the file and it is reloaded within a minute."


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
                problems = _problem_lines(error)
                self.problem = "\n".join([*problems, KEPT])
                for line in problems:
                    log.error("calendar is invalid: %s", line)
                log.error(
                    "calendar %s: keeping the last valid calendar until the file is fixed",
                    self.path,
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


def _problem_lines(error: UserInputError) -> list[str]:
    """Split a calendar error into one line per problem; any other error is one line."""
    lines = getattr(error, "lines", None)
    found = lines() if callable(lines) else str(error).splitlines()
    return [line.strip() for line in found if line.strip()] or [str(error)]
