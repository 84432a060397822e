"""`peakbot auth garmin`: log in to Garmin Connect once and save the tokens."""

from __future__ import annotations

import click

from bot.cli.context import AppContext


@click.command()
@click.option("--email", help="Garmin Connect email. Default: GARMIN_EMAIL, else a prompt.")
@click.pass_obj
def garmin(app: AppContext, email: str | None) -> None:
    """Log in to Garmin Connect (MFA code asked for when needed) and save the tokens.

    The email and password come from GARMIN_EMAIL and GARMIN_PASSWORD in .env, or
    from prompts. Later runs start from the saved tokens and never send the password.
    """
    from bot.garmin.tokens import log_in

    settings = app.settings
    address = email or settings.garmin_email or click.prompt("Garmin Connect email")
    password = settings.garmin_password or click.prompt("Garmin Connect password", hide_input=True)
    path = log_in(
        settings,
        address,
        password,
        prompt_mfa=lambda: str(click.prompt("MFA code sent by Garmin")),
    )
    click.echo(f"Garmin Connect tokens saved in {path}; `peakbot push` now uses Garmin Connect.")
