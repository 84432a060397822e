"""Offline activity source: a folder of FIT, TCX and GPX files.

A watch's GARMIN/Activity folder or an export both work. Each file is read once:
its size and modification time are stored, and an unchanged file is not read again.
A file that disappears leaves its run in the store, because watches delete old
files to free space. Two files of one run (a copy, or the same run exported twice)
store it once: the later file in path order is skipped.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.activities.files import activity_format, load_activity_file
from bot.activities.model import Activity, Streams
from bot.activities.sync_types import SyncReport
from bot.store import activities as repo
from bot.store.db import Store

log = logging.getLogger(__name__)

SOURCE = "file"


class FolderSource:
    name = "files"

    def __init__(self, folder: Path, store: Store) -> None:
        self.folder = folder
        self.store = store

    def sync(self, *, timezone: ZoneInfo, now: datetime) -> SyncReport:
        report = SyncReport()
        if not self.folder.is_dir():
            report.warnings.append(
                f"activity folder {self.folder} does not exist; create it or set "
                "PEAKBOT_ACTIVITY_DIR to the folder of FIT, TCX and GPX files"
            )
            log.info("%s", report.warnings[-1])
            return report
        log.info("folder sync started: %s", self.folder)
        items = repo.get_source_items(self.store, SOURCE)
        # Which file each stored activity came from, to name the file a copy duplicates.
        owners = {
            item.activity_key: item.item_id
            for item in items.values()
            if item.activity_key is not None
        }
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file()):
            if activity_format(path) is None:
                continue
            self._read(path, items.get(self._item_id(path)), timezone, report, owners)
        log.info(
            "folder sync finished: %d new, %d updated, %d skipped",
            len(report.new),
            len(report.updated),
            len(report.skipped),
        )
        return report

    def load_streams(self, activity: Activity) -> Streams | None:
        """Return the streams read from the file; a file source never needs a request."""
        if activity.streams is not None:
            return activity.streams
        return repo.get_streams(self.store, activity.key)

    def _item_id(self, path: Path) -> str:
        return str(path.relative_to(self.folder))

    def _read(
        self,
        path: Path,
        item: repo.SourceItem | None,
        timezone: ZoneInfo,
        report: SyncReport,
        owners: dict[str, str],
    ) -> None:
        status = path.stat()
        fingerprint = f"{status.st_size}:{status.st_mtime_ns}"
        if item is not None and item.fingerprint == fingerprint:
            return

        item_id = self._item_id(path)
        result = load_activity_file(path, timezone)
        report.warnings.extend(result.warnings)
        activity = result.activity

        if activity is None:
            reason = result.error or f"{path.name}: nothing readable"
            report.skipped.append(reason)
            repo.save_source_item(
                self.store, repo.SourceItem(SOURCE, item_id, fingerprint, None, None, reason)
            )
            return

        if activity.sport != "running":
            reason = f"{path.name}: {activity.sport} is not a run"
            report.skipped.append(reason)
            repo.save_source_item(
                self.store,
                repo.SourceItem(SOURCE, item_id, fingerprint, None, activity.start_utc, reason),
            )
            return

        owner = owners.get(activity.key)
        if owner is not None and owner != item_id and (self.folder / owner).is_file():
            reason = f"{item_id} is the same run as {owner}, skipped"
            report.skipped.append(reason)
            repo.save_source_item(
                self.store,
                repo.SourceItem(SOURCE, item_id, fingerprint, None, activity.start_utc, reason),
            )
            return

        key = repo.save_activity(self.store, activity)
        repo.save_source_item(
            self.store, repo.SourceItem(SOURCE, item_id, fingerprint, key, activity.start_utc)
        )
        if key != activity.key:
            report.skipped.append(f"{item_id} is the same run as {key}, skipped")
            return
        owners[key] = item_id
        report.labels[key] = item_id
        if item is not None and item.activity_key is not None:
            report.updated.append(key)
        else:
            report.new.append(key)
