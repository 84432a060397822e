"""`peakbot auth`: one-time logins to Garmin Connect and Strava."""

from __future__ import annotations

import click


@click.group()
def auth() -> None:
    """Log in to Garmin Connect or Strava once and save the tokens."""


def _register() -> None:
    from bot.cli.auth_garmin import garmin
    from bot.cli.auth_strava import strava

    auth.add_command(garmin)
    auth.add_command(strava)


_register()
