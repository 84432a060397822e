"""Find the run that executed a planned session."""

from __future__ import annotations

from dataclasses import dataclass

from bot.activities.model import Activity
from bot.analysis.analyze import analyze, needs_streams
from bot.analysis.model import SessionAnalysis
from bot.plan import PlannedSession

# Below this score a run on the session's date is taken as some other run.
MIN_MATCH_SCORE = 0.4


@dataclass
class MatchResult:
    activity: Activity | None
    score: float
    reason: str
    analysis: SessionAnalysis | None = None
    # When no run matched but the best one's laps cannot show its structure and its
    # streams are not loaded: load the candidate's streams and match again.
    needs_streams: bool = False
    candidate: Activity | None = None


def is_run(activity: Activity) -> bool:
    return "run" in activity.sport.lower()


def match_score(session: PlannedSession, activity: Activity) -> tuple[float, SessionAnalysis]:
    """Score 0..1 how well the run fits the session's structure and distance."""
    analysis = analyze(session.workout, activity)
    planned = session.workout.distance_m()
    ratio = activity.distance_m / planned if planned > 0 else 1.0
    distance_fit = max(0.0, 1.0 - abs(1.0 - ratio))
    if analysis.method == "totals":
        return 0.5 * distance_fit, analysis
    return 0.8 * analysis.confidence + 0.2 * distance_fit, analysis


def match_session(session: PlannedSession, candidates: list[Activity]) -> MatchResult:
    """Return the run on the session's local date whose structure fits it best."""
    runs = [a for a in candidates if a.local_date == session.date and is_run(a)]
    if not runs:
        return MatchResult(None, 0.0, "not done")
    scored = [(*match_score(session, run), run) for run in runs]
    score, analysis, best = max(scored, key=lambda item: item[0])
    if score < MIN_MATCH_SCORE:
        reason = (
            f"not done: {len(runs)} run(s) on {session.date}, best fit {score:.2f} "
            f"({best.key}) is below {MIN_MATCH_SCORE}"
        )
        if needs_streams(analysis):
            return MatchResult(
                None,
                round(score, 2),
                f"{reason}; its laps do not show the reps, so load its streams and match again",
                needs_streams=True,
                candidate=best,
            )
        return MatchResult(None, round(score, 2), reason)
    return MatchResult(best, round(score, 2), f"matched {best.key} (fit {score:.2f})", analysis)
