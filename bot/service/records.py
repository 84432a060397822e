"""The analyses and tuned prescriptions the cycle reads and writes, in one place.

They live in bot.store.analyses; this module adapts the cycle's needs to it.
"""

from __future__ import annotations

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
