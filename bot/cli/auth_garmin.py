"""`peakbot auth garmin`: placeholder until the garmin adapter lands."""

from __future__ import annotations

import click

from bot.errors import PeakbotError


@click.command()
def garmin() -> None:
    """Not available yet."""
    raise PeakbotError("auth garmin is not available yet")
