"""Push results per session, shared by the Garmin and FIT-folder destinations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal, Protocol

from bot.plan import PlannedSession

# "scheduled": an existing workout was put on the calendar again, with no upload.
# "pending": not pushed yet because the push stopped; the next push tries again.
Action = Literal[
    "created",
    "updated",
    "scheduled",
    "rescheduled",
    "removed",
    "unchanged",
    "failed",
    "pending",
    "skipped",
]


@dataclass
class PushResult:
    session_id: str
    date: date
    title: str
    action: Action
    detail: str = ""


@dataclass
class PushReport:
    results: list[PushResult] = field(default_factory=list)
    destination: str = ""

    @property
    def ok(self) -> bool:
        return not self.pending

    @property
    def pending(self) -> list[str]:
        """Ids of the sessions that failed or were not reached; the next push tries again."""
        return [r.session_id for r in self.results if r.action in ("failed", "pending")]


class WorkoutDestination(Protocol):
    name: str

    def push(
        self, sessions: list[PlannedSession], *, today: date, days: int, dry_run: bool = False
    ) -> PushReport: ...


def horizon(
    sessions: list[PlannedSession], today: date, days: int
) -> tuple[date, list[PlannedSession]]:
    """Return the horizon's last local date and its sessions, by date then id.

    The horizon is `days` local dates from `today` on, today included (at least one).
    """
    end = today + timedelta(days=max(days, 1) - 1)
    inside = sorted((s for s in sessions if today <= s.date <= end), key=lambda s: (s.date, s.id))
    return end, inside
