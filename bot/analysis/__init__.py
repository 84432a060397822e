"""Session matching, step alignment, rep metrics and compliance."""

from bot.analysis.analyze import analyze, needs_streams
from bot.analysis.match import MatchResult, match_session
from bot.analysis.model import (
    AlignedStep,
    RecoveryMetrics,
    RepMetrics,
    SessionAnalysis,
    SessionMetrics,
)

__all__ = [
    "AlignedStep",
    "MatchResult",
    "RecoveryMetrics",
    "RepMetrics",
    "SessionAnalysis",
    "SessionMetrics",
    "analyze",
    "match_session",
    "needs_streams",
]
