"""Activity sources behind one interface, and the choice between Strava and a folder."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from bot.activities.model import Activity, Streams
from bot.activities.sync_types import SyncReport

if TYPE_CHECKING:
    from bot.config.settings import Settings
    from bot.store.db import Store

__all__ = ["ActivitySource", "SyncReport", "open_source"]


class ActivitySource(Protocol):
    name: str

    def sync(self, *, timezone: ZoneInfo, now: datetime) -> SyncReport:
        """Store runs that are new or changed since the last sync; `now` is timezone-aware."""
        ...

    def load_streams(self, activity: Activity) -> Streams | None:
        """Return the per-sample streams of a stored activity, None when it has none."""
        ...


def open_source(settings: Settings, store: Store) -> ActivitySource:
    """Return Strava when STRAVA_CLIENT_ID is set and tokens are saved, else the folder source.

    Raises AuthError when the saved Strava authorisation lacks the activity:read_all scope.
    """
    from bot.activities.folder import FolderSource
    from bot.activities.strava import open_strava

    strava = open_strava(settings, store)
    if strava is not None:
        return strava
    return FolderSource(settings.activities_in, store)
