"""The analyses and tuned prescriptions the cycle reads and writes, in one place.

They live in bot.store.analyses; this module adapts the cycle's needs to it.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.store.db import Store

if TYPE_CHECKING:
    from bot.activities.model import Activity
    from bot.analysis.model import SessionAnalysis
    from bot.coach.tune import TuningDecision
    from bot.plan import PlannedSession


def get_analysis(store: Store, session_id: str) -> SessionAnalysis | None:
    """Return the session's analysis; None when it has none or was recorded as missed."""
    from bot.store import analyses

    stored = analyses.get_analysis(store, session_id)
    return stored.analysis if stored is not None else None


def has_analysis(store: Store, session_id: str) -> bool:
    return get_analysis(store, session_id) is not None


def save_analysis(
    store: Store,
    session: PlannedSession,
    activity: Activity,
    analysis: SessionAnalysis,
    decision: TuningDecision | None,
) -> None:
    from bot.store import analyses

    analyses.save_analysis(
        store,
        session.id,
        activity.key,
        analysis,
        decision,
        family=session.workout_key,
        session_date=session.date,
    )


def save_tuned(store: Store, next_session: PlannedSession, decision: TuningDecision) -> None:
    """Store the decided prescription for the next session of the family."""
    from bot.plan import TunedPrescription
    from bot.store import analyses

    analyses.save_tuned(
        store,
        TunedPrescription(
            session_id=next_session.id,
            text=decision.text,
            calendar_text=next_session.calendar_text,
            reason=decision.reason,
            session_date=next_session.date,
            workout_key=next_session.workout_key,
        ),
    )


def forget_activities(store: Store, activity_keys: list[str]) -> list[str]:
    """Drop what was decided from runs that were deleted or changed; return the session ids.

    The analyses that used them go, with the prescriptions and the unreported tuning
    notes decided from them, so the next analysis decides again from the runs that
    remain. The post-run summary keeps the run it was written from, so a summary of
    another run says it is an update and one of the same run is not sent again.
    """
    from bot.store import analyses, jobs

    dropped = analyses.delete_analyses_of(store, activity_keys)
    jobs.delete_unreported_tuning(store, [stored.session_id for stored in dropped])
    for stored in dropped:
        summary = jobs.get_summary(store, "post-run", stored.date, stored.session_id)
        if summary is not None and stored.activity_key:
            jobs.set_summary_activity(store, summary.id, stored.activity_key)
    return [stored.session_id for stored in dropped]


def forget_missing_activities(store: Store) -> list[str]:
    """Drop the analyses of runs no longer stored (deleted by any sync); return session ids."""
    from bot.store import analyses

    return forget_activities(store, analyses.keys_without_activity(store))


def realign_analyses(store: Store, plan: list[PlannedSession]) -> dict[str, str | None]:
    """Move analyses whose session id now names a session on another date.

    Numbered ids ("<workout>-<n>") shift when a session of the same workout is
    inserted before others. An analysis keeps its session date and workout: it moves
    to the session now on that date with that workout, or is dropped when there is
    none. Returns the moves, old id to new id (None when dropped).
    """
    from bot.store import analyses

    by_id = {session.id: session for session in plan}
    stored = analyses.list_analyses(store)

    def fits(row: analyses.StoredAnalysis) -> bool:
        session = by_id.get(row.session_id)
        return (
            session is not None
            and session.date == row.date
            and (not row.family or session.workout_key == row.family)
        )

    # Rows from before session dates were stored cannot be checked; they stay.
    stale = [row for row in stored if row.date != date.min and not fits(row)]
    stale_ids = {row.session_id for row in stale}
    taken = {row.session_id for row in stored if row.session_id not in stale_ids}
    moves: dict[str, str | None] = {}
    for row in stale:
        target = next(
            (
                session
                for session in plan
                if session.date == row.date
                and (not row.family or session.workout_key == row.family)
                and session.id not in taken
            ),
            None,
        )
        moves[row.session_id] = target.id if target is not None else None
        if target is not None:
            taken.add(target.id)
    analyses.move_analyses(store, moves)
    return moves


def used_activity_keys(store: Store) -> set[str]:
    """Return the keys of the runs that already measure a session."""
    from bot.store import analyses

    return {row.activity_key for row in analyses.list_analyses(store) if row.activity_key}


# The service whose tokens each job uses.
AUTH_SERVICE = {"push": "garmin", "sync": "strava"}


def note_auth(store: Store, job: str, error: BaseException | None, now: datetime) -> None:
    """Remember that a job's service rejected its tokens, or forget it after a success.

    `peakbot status` reads it: a token file can look valid while the service refuses it.
    """
    from bot.errors import AuthError
    from bot.store import jobs

    service = AUTH_SERVICE.get(job)
    if service is None:
        return
    key = f"auth_rejected_{service}"
    if isinstance(error, AuthError):
        # Real time, to compare with the token file's modification time.
        jobs.set_state(store, key, {"at": time.time(), "error": str(error)}, now)
    elif error is None:
        jobs.delete_state(store, key)
