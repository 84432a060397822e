"""Placeholder commands, replaced as each part lands."""

from __future__ import annotations

import click

from bot.errors import PeakbotError


@click.command()
def run() -> None:
    """Not available yet."""
    raise PeakbotError("run is not available yet")


@click.command()
def summary() -> None:
    """Not available yet."""
    raise PeakbotError("summary is not available yet")


@click.command()
def status() -> None:
    """Not available yet."""
    raise PeakbotError("status is not available yet")
