"""`peakbot auth strava`: authorise peakbot to read the runner's Strava activities."""

from __future__ import annotations

import click

from bot.cli.context import AppContext
from bot.errors import UserInputError


@click.command()
@click.option(
    "--paste",
    "--no-browser",
    "paste",
    is_flag=True,
    help="Paste the redirect URL instead of receiving it on 127.0.0.1 (for SSH sessions).",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=1),
    default=300.0,
    show_default=True,
    help="Seconds to wait for the browser's redirect.",
)
@click.pass_obj
def strava(app: AppContext, paste: bool, timeout_s: float) -> None:
    """Authorise peakbot on Strava (scope activity:read_all) and save the tokens."""
    from bot.activities import strava_auth

    settings = app.settings
    if not settings.strava_client_id or not settings.strava_client_secret:
        raise UserInputError(strava_auth.missing_credentials_message())
    state = strava_auth.new_state()
    url = strava_auth.authorization_url(settings, state)
    # Bind the callback port before printing the URL, so a busy port is reported
    # before the runner approves on Strava.
    server = None if paste else strava_auth.CallbackServer(settings.strava_redirect_port, state)
    click.echo("Open this URL in a browser, log in to Strava and press Authorize:\n")
    click.echo(f"  {url}\n")
    if server is None:
        click.echo(
            "The browser then tries to load a 127.0.0.1 page, which may fail to load. "
            "Copy the whole address from its address bar."
        )
        answer = click.prompt("Redirect URL", prompt_suffix=": ")
        grant = strava_auth.parse_redirect(answer, state)
    else:
        import webbrowser

        try:
            webbrowser.open(url)
            click.echo(
                f"Waiting up to {timeout_s:.0f} s for the redirect on 127.0.0.1:"
                f"{settings.strava_redirect_port} ..."
            )
            grant = server.wait(timeout_s)
        finally:
            server.close()
    path = strava_auth.exchange(settings, grant)
    click.echo(f"Strava authorised (scope {grant.scope}); tokens saved in {path}")
