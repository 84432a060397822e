"""Placeholder commands, replaced as each part lands."""

from __future__ import annotations

import click

from bot.errors import PeakbotError


@click.command()
def push() -> None:
    """Not available yet."""
    raise PeakbotError("push is not available yet")
