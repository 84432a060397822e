"""Stored session analyses and the coach's tuned prescriptions.

An analysis row is keyed by the session it measured; a prescription row is keyed by
the session it will change. It keeps that session's local date, workout key and
calendar text at the time of the decision, so that build_plan applies it to that
session only and drops it once the runner edits the calendar.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.analysis.model import SessionAnalysis
from bot.plan import TunedPrescription
from bot.store.db import Store

if TYPE_CHECKING:
    from bot.coach.tune import TuningDecision
    from bot.workouts.model import Workout

MIGRATIONS = [
    (
        "analyses_1",
        """
        CREATE TABLE analyses (
            session_id TEXT PRIMARY KEY,
            family TEXT,
            session_date TEXT,
            activity_key TEXT,
            method TEXT,
            confidence REAL,
            compliance INTEGER,
            colour TEXT,
            data TEXT,
            decision TEXT,
            saved_at TEXT NOT NULL DEFAULT (datetime('now'))
        );
        CREATE INDEX analyses_family ON analyses (family, session_date);
        CREATE TABLE prescriptions (
            session_id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            calendar_text TEXT NOT NULL,
            reason TEXT NOT NULL,
            decided_at TEXT NOT NULL DEFAULT (datetime('now'))
        );
        """,
    ),
    (
        "analyses_2",
        # Rows from before this migration do not say which session date and workout
        # they were decided for, so they could apply to another calendar's session of
        # the same id (the example's, say). They are dropped; the coach tunes the
        # family again after its next analysed session.
        """
        ALTER TABLE prescriptions ADD COLUMN session_date TEXT;
        ALTER TABLE prescriptions ADD COLUMN workout_key TEXT;
        DELETE FROM prescriptions;
        """,
    ),
]


@dataclass(frozen=True)
class StoredAnalysis:
    """An analysed (or missed) session and the decision taken from it.

    It has the attributes of bot.coach.tune.SessionAnalysisRecord, so a list of them
    can be passed to decide_next as the history.
    """

    session_id: str
    date: date
    family: str
    activity_key: str | None
    analysis: SessionAnalysis | None  # None when the session was not done
    decision: dict[str, Any] | None  # action, text, reason, session_id of the next session
    workout: Workout | None = None


def save_analysis(
    store: Store,
    session_id: str,
    activity_key: str | None,
    analysis: SessionAnalysis | None,
    decision: TuningDecision | None,
    *,
    family: str = "",
    session_date: date | None = None,
) -> None:
    """Insert or replace the analysis of one session; `analysis` None records a miss."""
    decision_json = None
    if decision is not None:
        decision_json = json.dumps(
            {
                "action": decision.action,
                "text": decision.text,
                "reason": decision.reason,
                "session_id": decision.session_id,
            }
        )
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO analyses (session_id, family, session_date, activity_key,"
            " method, confidence, compliance, colour, data, decision)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                family,
                session_date.isoformat() if session_date else None,
                activity_key,
                analysis.method if analysis else None,
                analysis.confidence if analysis else None,
                analysis.metrics.compliance if analysis else None,
                analysis.metrics.colour if analysis else None,
                json.dumps(analysis.to_dict()) if analysis else None,
                decision_json,
            ),
        )


def get_analysis(store: Store, session_id: str) -> StoredAnalysis | None:
    row = store.conn.execute(
        "SELECT * FROM analyses WHERE session_id = ?", (session_id,)
    ).fetchone()
    return _stored(row) if row is not None else None


def list_analyses(store: Store, family: str | None = None) -> list[StoredAnalysis]:
    """Return stored analyses by session date, oldest first, of one family or all."""
    if family is None:
        rows = store.conn.execute(
            "SELECT * FROM analyses ORDER BY session_date, session_id"
        ).fetchall()
    else:
        rows = store.conn.execute(
            "SELECT * FROM analyses WHERE family = ? ORDER BY session_date, session_id",
            (family,),
        ).fetchall()
    return [_stored(row) for row in rows]


def save_tuned(store: Store, prescription: TunedPrescription) -> None:
    """Insert or replace the tuned prescription of the session it applies to."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO prescriptions"
            " (session_id, text, calendar_text, reason, session_date, workout_key)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                prescription.session_id,
                prescription.text,
                prescription.calendar_text,
                prescription.reason,
                prescription.session_date.isoformat() if prescription.session_date else None,
                prescription.workout_key,
            ),
        )


def load_tuned(store: Store) -> dict[str, TunedPrescription]:
    rows = store.conn.execute(
        "SELECT session_id, text, calendar_text, reason, session_date, workout_key"
        " FROM prescriptions"
    ).fetchall()
    return {
        row["session_id"]: TunedPrescription(
            session_id=row["session_id"],
            text=row["text"],
            calendar_text=row["calendar_text"],
            reason=row["reason"],
            session_date=date.fromisoformat(row["session_date"]) if row["session_date"] else None,
            workout_key=row["workout_key"],
        )
        for row in rows
    }


def delete_tuned(store: Store, session_id: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM prescriptions WHERE session_id = ?", (session_id,))


def _stored(row: Any) -> StoredAnalysis:
    data = row["data"]
    decision = row["decision"]
    return StoredAnalysis(
        session_id=row["session_id"],
        date=date.fromisoformat(row["session_date"]) if row["session_date"] else date.min,
        family=row["family"] or "",
        activity_key=row["activity_key"],
        analysis=SessionAnalysis.from_dict(json.loads(data)) if data else None,
        decision=json.loads(decision) if decision else None,
    )


def delete_analyses_of(store: Store, activity_keys: list[str]) -> list[StoredAnalysis]:
    """Delete the analyses that measured any of these activities; return what was deleted.

    The prescription each one decided goes too while its session has no analysis of
    its own, so the coach decides again from the runs that remain.
    """
    if not activity_keys:
        return []
    marks = ", ".join("?" for _ in activity_keys)
    rows = store.conn.execute(
        f"SELECT * FROM analyses WHERE activity_key IN ({marks})", activity_keys
    ).fetchall()
    dropped = [_stored(row) for row in rows]
    with store.transaction() as conn:
        for stored in dropped:
            conn.execute("DELETE FROM analyses WHERE session_id = ?", (stored.session_id,))
            next_id = (stored.decision or {}).get("session_id")
            if next_id:
                conn.execute(
                    "DELETE FROM prescriptions WHERE session_id = ?"
                    " AND NOT EXISTS (SELECT 1 FROM analyses WHERE session_id = ?)",
                    (next_id, next_id),
                )
    return dropped


def move_analyses(store: Store, moves: dict[str, str | None]) -> None:
    """Give analyses another session id (to the id) or delete them (to None), at once.

    All rows are read before any is written, so two analyses can trade ids.
    """
    if not moves:
        return
    with store.transaction() as conn:
        rows = {
            old_id: conn.execute(
                "SELECT * FROM analyses WHERE session_id = ?", (old_id,)
            ).fetchone()
            for old_id in moves
        }
        for old_id in moves:
            conn.execute("DELETE FROM analyses WHERE session_id = ?", (old_id,))
        for old_id, new_id in moves.items():
            row = rows[old_id]
            if new_id is None or row is None:
                continue
            values = dict(row)
            values["session_id"] = new_id
            columns = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            conn.execute(
                f"INSERT OR REPLACE INTO analyses ({columns}) VALUES ({marks})",
                list(values.values()),
            )


def keys_without_activity(store: Store) -> list[str]:
    """Return the activity keys that analyses name but the store no longer holds."""
    rows = store.conn.execute(
        "SELECT DISTINCT activity_key FROM analyses WHERE activity_key IS NOT NULL"
        " AND activity_key NOT IN (SELECT key FROM activities)"
    ).fetchall()
    return [row[0] for row in rows]
