"""Pushed workouts: what each destination holds for each session.

One row per (destination, session id). The Garmin destination writes a `pending`
row before each write request and a `done` row after it, so a run that was killed
in between leaves a trace. The next run reconciles from Garmin Connect's own
listings, which stay the source of truth. Local dates are YYYY-MM-DD, times UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.store.db import Store

MIGRATIONS = [
    (
        "pushed-001-pushed-workouts",
        """
        CREATE TABLE pushed_workouts (
            destination TEXT NOT NULL,
            session_id TEXT NOT NULL,
            local_date TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            workout_id INTEGER,
            schedule_id INTEGER,
            file_name TEXT,
            state TEXT NOT NULL DEFAULT 'done',
            updated_utc TEXT NOT NULL,
            PRIMARY KEY (destination, session_id)
        );
        """,
    ),
]


@dataclass(frozen=True)
class PushedWorkout:
    destination: str  # "garmin" or "fit"
    session_id: str
    local_date: date
    content_hash: str
    workout_id: int | None = None
    schedule_id: int | None = None
    file_name: str | None = None
    # "pending" while a write request for this session is in flight, else "done".
    state: str = "done"


def list_pushed(store: Store, destination: str) -> dict[str, PushedWorkout]:
    """Return the rows of one destination keyed by session id."""
    rows = store.conn.execute(
        "SELECT destination, session_id, local_date, content_hash, workout_id, schedule_id,"
        " file_name, state FROM pushed_workouts WHERE destination = ? ORDER BY local_date",
        (destination,),
    ).fetchall()
    return {
        row["session_id"]: PushedWorkout(
            destination=row["destination"],
            session_id=row["session_id"],
            local_date=date.fromisoformat(row["local_date"]),
            content_hash=row["content_hash"],
            workout_id=row["workout_id"],
            schedule_id=row["schedule_id"],
            file_name=row["file_name"],
            state=row["state"],
        )
        for row in rows
    }


def save_pushed(store: Store, record: PushedWorkout) -> None:
    """Insert or replace the row of `record`'s destination and session."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO pushed_workouts (destination, session_id, local_date,"
            " content_hash, workout_id, schedule_id, file_name, state, updated_utc)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.destination,
                record.session_id,
                record.local_date.isoformat(),
                record.content_hash,
                record.workout_id,
                record.schedule_id,
                record.file_name,
                record.state,
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )


def delete_pushed(store: Store, destination: str, session_id: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM pushed_workouts WHERE destination = ? AND session_id = ?",
            (destination, session_id),
        )
