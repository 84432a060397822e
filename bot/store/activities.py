"""Stored activities, their streams, and what each activity source has already read.

An activity row keeps the whole Activity (laps and embedded workout included) as
JSON; streams can run to tens of thousands of samples, so they are stored
zlib-compressed in a table of their own and loaded only on request.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.activities.model import Activity, Lap, Streams
from bot.store.db import Store
from bot.workouts.model import (
    Block,
    EndCondition,
    EndKind,
    PaceRange,
    Repeat,
    Step,
    StepKind,
    Workout,
)

MIGRATIONS = [
    (
        "activities_1",
        """
        CREATE TABLE activities (
            key TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            source_id TEXT NOT NULL,
            start_utc TEXT NOT NULL,
            local_date TEXT NOT NULL,
            distance_m REAL NOT NULL,
            data TEXT NOT NULL,
            saved_at TEXT NOT NULL DEFAULT (datetime('now'))
        );
        CREATE INDEX activities_local_date ON activities (local_date);
        CREATE INDEX activities_start ON activities (start_utc);
        CREATE TABLE activity_streams (
            key TEXT PRIMARY KEY REFERENCES activities (key) ON DELETE CASCADE,
            data BLOB NOT NULL
        );
        CREATE TABLE source_items (
            source TEXT NOT NULL,
            item_id TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            activity_key TEXT,
            start_utc TEXT,
            note TEXT,
            PRIMARY KEY (source, item_id)
        );
        """,
    ),
]

# The same run arriving from two sources: starts this close and distances this close.
DUPLICATE_START_S = 60.0
DUPLICATE_DISTANCE_RATIO = 0.02


@dataclass
class SourceItem:
    """One item an activity source has read: a Strava activity id or a file path.

    `fingerprint` changes when the item changes (a hash of the Strava summary, or
    a file's size and modification time), so unchanged items are not fetched again.
    `activity_key` is the stored activity it became, or None when it was skipped
    (`note` says why).
    """

    source: str
    item_id: str
    fingerprint: str
    activity_key: str | None = None
    start_utc: datetime | None = None
    note: str | None = None


def save_activity(store: Store, activity: Activity) -> str:
    """Insert or replace an activity and return the key it is stored under.

    A run already stored from another source with a start within DUPLICATE_START_S
    and a distance within DUPLICATE_DISTANCE_RATIO is the same run from another
    source: the stored one is kept and its key returned.
    """
    duplicate = _find_duplicate(store, activity)
    if duplicate is not None:
        return duplicate
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO activities"
            " (key, source, source_id, start_utc, local_date, distance_m, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                activity.key,
                activity.source,
                activity.source_id,
                _utc_text(activity.start_utc),
                activity.local_date.isoformat(),
                activity.distance_m,
                json.dumps(activity_to_dict(activity)),
            ),
        )
        if activity.streams is not None:
            conn.execute(
                "INSERT OR REPLACE INTO activity_streams (key, data) VALUES (?, ?)",
                (activity.key, _pack_streams(activity.streams)),
            )
    return activity.key


def save_streams(store: Store, key: str, streams: Streams) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO activity_streams (key, data) VALUES (?, ?)",
            (key, _pack_streams(streams)),
        )


def get_activity(store: Store, key: str, *, with_streams: bool = True) -> Activity | None:
    row = store.conn.execute("SELECT data FROM activities WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    activity = activity_from_dict(json.loads(row["data"]))
    if with_streams:
        activity.streams = get_streams(store, key)
    return activity


def get_streams(store: Store, key: str) -> Streams | None:
    row = store.conn.execute("SELECT data FROM activity_streams WHERE key = ?", (key,)).fetchone()
    return _unpack_streams(row["data"]) if row is not None else None


def activities_on(store: Store, local_date: date) -> list[Activity]:
    """Activities on one local date, with streams when stored, earliest first."""
    rows = store.conn.execute(
        "SELECT key FROM activities WHERE local_date = ? ORDER BY start_utc",
        (local_date.isoformat(),),
    ).fetchall()
    return [a for a in (get_activity(store, row["key"]) for row in rows) if a is not None]


def list_activities(store: Store, since: date | None = None) -> list[Activity]:
    """Activities from local date `since` on (all when None), without streams, earliest first."""
    rows = store.conn.execute(
        "SELECT data FROM activities WHERE local_date >= ? ORDER BY start_utc",
        ((since or date.min).isoformat(),),
    ).fetchall()
    return [activity_from_dict(json.loads(row["data"])) for row in rows]


def delete_activity(store: Store, key: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM activity_streams WHERE key = ?", (key,))
        conn.execute("DELETE FROM activities WHERE key = ?", (key,))


def get_source_items(store: Store, source: str) -> dict[str, SourceItem]:
    rows = store.conn.execute(
        "SELECT item_id, fingerprint, activity_key, start_utc, note FROM source_items"
        " WHERE source = ?",
        (source,),
    ).fetchall()
    return {
        row["item_id"]: SourceItem(
            source,
            row["item_id"],
            row["fingerprint"],
            row["activity_key"],
            datetime.fromisoformat(row["start_utc"]) if row["start_utc"] else None,
            row["note"],
        )
        for row in rows
    }


def save_source_item(store: Store, item: SourceItem) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO source_items"
            " (source, item_id, fingerprint, activity_key, start_utc, note)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                item.source,
                item.item_id,
                item.fingerprint,
                item.activity_key,
                _utc_text(item.start_utc) if item.start_utc else None,
                item.note,
            ),
        )


def delete_source_item(store: Store, source: str, item_id: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM source_items WHERE source = ? AND item_id = ?", (source, item_id))


def latest_item_start(store: Store, source: str) -> datetime | None:
    """Start of the newest item `source` has read: the cursor of its next sync."""
    row = store.conn.execute(
        "SELECT max(start_utc) FROM source_items WHERE source = ?", (source,)
    ).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def _find_duplicate(store: Store, activity: Activity) -> str | None:
    start = activity.start_utc.astimezone(UTC)
    rows = store.conn.execute(
        "SELECT key, start_utc, distance_m FROM activities WHERE source != ?"
        " AND start_utc BETWEEN ? AND ?",
        (
            activity.source,
            _utc_text(start.fromtimestamp(start.timestamp() - DUPLICATE_START_S, UTC)),
            _utc_text(start.fromtimestamp(start.timestamp() + DUPLICATE_START_S, UTC)),
        ),
    ).fetchall()
    for row in rows:
        larger = max(row["distance_m"], activity.distance_m)
        if larger == 0 or abs(row["distance_m"] - activity.distance_m) <= (
            DUPLICATE_DISTANCE_RATIO * larger
        ):
            return str(row["key"])
    return None


def _utc_text(moment: datetime) -> str:
    # One fixed format so that text comparison in SQL orders by time.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


# --- JSON forms ---------------------------------------------------------------


def activity_to_dict(activity: Activity) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": activity.source,
        "source_id": activity.source_id,
        "start_utc": _utc_text(activity.start_utc),
        "local_date": activity.local_date.isoformat(),
        "sport": activity.sport,
        "sub_sport": activity.sub_sport,
        "manual": activity.manual,
        "device": activity.device,
        "name": activity.name,
        "distance_m": activity.distance_m,
        "moving_time_s": activity.moving_time_s,
        "elapsed_time_s": activity.elapsed_time_s,
        "avg_hr": activity.avg_hr,
        "max_hr": activity.max_hr,
        "laps": [asdict(lap) for lap in activity.laps],
        "embedded_workout": None,
    }
    if isinstance(activity.embedded_workout, Workout):
        data["embedded_workout"] = workout_to_dict(activity.embedded_workout)
    return data


def activity_from_dict(data: dict[str, Any]) -> Activity:
    workout = data.get("embedded_workout")
    return Activity(
        source=data["source"],
        source_id=data["source_id"],
        start_utc=datetime.fromisoformat(data["start_utc"]),
        local_date=date.fromisoformat(data["local_date"]),
        sport=data["sport"],
        sub_sport=data.get("sub_sport"),
        manual=bool(data.get("manual")),
        device=data.get("device"),
        name=data.get("name"),
        distance_m=data["distance_m"],
        moving_time_s=data["moving_time_s"],
        elapsed_time_s=data["elapsed_time_s"],
        avg_hr=data.get("avg_hr"),
        max_hr=data.get("max_hr"),
        laps=[Lap(**lap) for lap in data.get("laps", [])],
        embedded_workout=workout_from_dict(workout) if workout else None,
    )


def workout_to_dict(workout: Workout) -> dict[str, Any]:
    return {"name": workout.name, "steps": [_block_to_dict(b) for b in workout.steps]}


def workout_from_dict(data: dict[str, Any]) -> Workout:
    return Workout(name=data["name"], steps=tuple(_block_from_dict(b) for b in data["steps"]))


def _block_to_dict(block: Block) -> dict[str, Any]:
    if isinstance(block, Repeat):
        return {"repeat": block.count, "steps": [_block_to_dict(b) for b in block.steps]}
    target = block.target
    return {
        "kind": block.kind.value,
        "end": block.end.kind.value,
        "value": block.end.value,
        "target": [target.fast_s_per_km, target.slow_s_per_km, target.label] if target else None,
    }


def _block_from_dict(data: dict[str, Any]) -> Block:
    if "repeat" in data:
        return Repeat(count=data["repeat"], steps=tuple(_block_from_dict(b) for b in data["steps"]))
    target = data.get("target")
    return Step(
        kind=StepKind(data["kind"]),
        end=EndCondition(EndKind(data["end"]), data.get("value")),
        target=PaceRange(target[0], target[1], target[2]) if target else None,
    )


def _pack_streams(streams: Streams) -> bytes:
    return zlib.compress(json.dumps(asdict(streams), separators=(",", ":")).encode(), 6)


def _unpack_streams(blob: bytes) -> Streams:
    data = json.loads(zlib.decompress(blob))
    if data.get("latlng") is not None:
        data["latlng"] = [tuple(p) if p is not None else None for p in data["latlng"]]
    return Streams(**data)
