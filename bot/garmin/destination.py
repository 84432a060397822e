"""Choose where planned sessions go: Garmin Connect when logged in, else a FIT folder."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.config.settings import Settings
from bot.garmin.client import has_tokens
from bot.garmin.report import PushReport, PushResult, WorkoutDestination
from bot.store.db import Store

__all__ = ["PushReport", "PushResult", "WorkoutDestination", "local_today", "open_destination"]


def open_destination(settings: Settings, store: Store) -> WorkoutDestination:
    """Return the Garmin Connect destination when saved tokens exist, else the FIT folder.

    No request is sent here; the Garmin client starts from the tokens on the first push.
    """
    if has_tokens(settings):
        from bot.garmin.push import GarminDestination

        return GarminDestination(settings, store)
    from bot.garmin.fit_export import FitFolderDestination

    return FitFolderDestination(settings, store)


def local_today(timezone: ZoneInfo, now: datetime | None = None) -> date:
    """Return the athlete's local date at `now` (an aware datetime; default: the clock)."""
    moment = now if now is not None else datetime.now(UTC)
    return moment.astimezone(timezone).date()
