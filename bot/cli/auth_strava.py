"""`peakbot auth strava`: placeholder until the strava adapter lands."""

from __future__ import annotations

import click

from bot.errors import PeakbotError


@click.command()
def strava() -> None:
    """Not available yet."""
    raise PeakbotError("auth strava is not available yet")
