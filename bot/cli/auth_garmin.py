"""`peakbot auth garmin`: log in to Garmin Connect once and save the tokens."""

from __future__ import annotations

import click

from bot.cli.context import AppContext
from bot.errors import UserInputError


@click.command()
@click.option("--email", help="Garmin Connect email. Default: GARMIN_EMAIL, else a prompt.")
@click.pass_obj
def garmin(app: AppContext, email: str | None) -> None:
    """Log in to Garmin Connect (MFA code asked for when needed) and save the tokens.

    The email and password come from GARMIN_EMAIL and GARMIN_PASSWORD in .env, or
    from prompts. Later runs start from the saved tokens and never send the password.
    """
    import sys

    from bot.garmin.tokens import log_in

    settings = app.settings
    address = email or settings.garmin_email
    password = settings.garmin_password
    if (not address or not password) and not sys.stdin.isatty():
        missing = " and ".join(
            name
            for name, value in (("GARMIN_EMAIL", address), ("GARMIN_PASSWORD", password))
            if not value
        )
        verb = "are" if " and " in missing else "is"
        raise UserInputError(
            f"{missing} {verb} not set and there is no terminal to ask for it: set it in .env "
            "(or the environment), or run `peakbot auth garmin` in a terminal"
        )
    address = address or click.prompt("Garmin Connect email")
    password = password or click.prompt("Garmin Connect password", hide_input=True)
    path = log_in(
        settings,
        address,
        password,
        prompt_mfa=lambda: str(click.prompt("MFA code sent by Garmin")),
    )
    click.echo(f"Garmin Connect tokens saved in {path}; `peakbot push` now uses Garmin Connect.")
