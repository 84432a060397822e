"""Push results per session, shared by the Garmin and FIT-folder destinations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal, Protocol

from bot.plan import PlannedSession

Action = Literal["created", "updated", "rescheduled", "removed", "unchanged", "failed", "skipped"]


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
        return not any(result.action == "failed" for result in self.results)

    @property
    def pending(self) -> list[str]:
        """Ids of the sessions not pushed yet; the next push tries them again."""
        return [result.session_id for result in self.results if result.action == "failed"]


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
