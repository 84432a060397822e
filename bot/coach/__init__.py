"""Tuning rules, taper and their explanation.

The names are loaded on first use because bot.plan imports bot.coach.bounds, and
bot.coach.tune imports bot.plan.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "SessionAnalysisRecord": "bot.coach.tune",
    "TuningDecision": "bot.coach.tune",
    "decide_next": "bot.coach.tune",
    "tuned_prescription": "bot.coach.tune",
    "TuningBounds": "bot.coach.bounds",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'bot.coach' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
