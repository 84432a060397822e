"""A simulated runner, its FIT files and a closed loop of sessions, analysis and tuning."""

from bot.simulator.block import BlockResult, SimulatedSession, make_sessions, simulate_block
from bot.simulator.fit import encode_activity_fit, write_activity_fit
from bot.simulator.runner import SimulatedRunner

__all__ = [
    "BlockResult",
    "SimulatedRunner",
    "SimulatedSession",
    "encode_activity_fit",
    "make_sessions",
    "simulate_block",
    "write_activity_fit",
]
