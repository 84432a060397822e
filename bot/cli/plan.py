"""Placeholder commands, replaced as each part lands."""

from __future__ import annotations

import click

from bot.errors import PeakbotError


@click.command()
def validate() -> None:
    """Not available yet."""
    raise PeakbotError("validate is not available yet")


@click.command()
def plan() -> None:
    """Not available yet."""
    raise PeakbotError("plan is not available yet")


@click.command()
def show() -> None:
    """Not available yet."""
    raise PeakbotError("show is not available yet")
