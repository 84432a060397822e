"""One-time Strava authorisation: the OAuth code flow for the runner's own API application.

The runner opens the authorisation URL, approves on Strava, and Strava redirects the
browser to http://127.0.0.1:<port>/authorized?state=..&code=..&scope=... The code
arrives at a one-shot server on that port. On a headless server reached over SSH,
the runner pastes the URL the browser ended on instead: that page fails to load,
but its address contains the code.
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from bot.activities.strava_http import StravaSession
from bot.activities.tokens import REQUIRED_SCOPE, StravaTokens, save_tokens
from bot.errors import AuthError, UserInputError

if TYPE_CHECKING:
    from pathlib import Path

    from bot.config.settings import Settings

log = logging.getLogger(__name__)

SCOPES = ["read", REQUIRED_SCOPE]
CALLBACK_PATH = "/authorized"
# How long the one-shot server waits for the browser, in seconds.
CALLBACK_TIMEOUT_S = 300.0
# How often the one-shot server checks whether it is done or timed out, in seconds.
POLL_S = 0.5

_SCOPE_FIX = (
    "run `peakbot auth strava` again and leave 'View data about your private activities' "
    "ticked on Strava's page"
)


@dataclass(frozen=True)
class Grant:
    code: str
    scope: str


def new_state() -> str:
    return secrets.token_urlsafe(16)


def redirect_uri(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.strava_redirect_port}{CALLBACK_PATH}"


def authorization_url(settings: Settings, state: str) -> str:
    """Build Strava's authorisation URL for scope activity:read_all (stravalib's builder)."""
    from bot.activities.strava import _client_id, make_client

    session = StravaSession(settings.http_timeout_s, settings.strava_api_url)
    client = make_client(session)
    url = client.authorization_url(
        client_id=_client_id(settings),
        redirect_uri=redirect_uri(settings),
        scope=SCOPES,  # type: ignore[arg-type]
        state=state,
        approval_prompt="auto",
    )
    return session.rewrite(url)


def parse_redirect(url: str, expected_state: str) -> Grant:
    """Read the code and granted scope from the redirect URL (or its query string)."""
    text = url.strip()
    query = urlsplit(text).query if "?" in text or "://" in text else text
    values = {key: items[0] for key, items in parse_qs(query).items()}
    if values.get("error"):
        raise AuthError(
            f"Strava returned error={values['error']!r}: the authorisation was denied; "
            "run `peakbot auth strava` again and press Authorize"
        )
    if "code" not in values:
        raise UserInputError(
            "the pasted URL has no code= parameter; paste the whole address the browser "
            f"shows after you press Authorize (it starts with {CALLBACK_PATH.strip('/')} on "
            "127.0.0.1)"
        )
    if values.get("state") != expected_state:
        raise AuthError(
            "the state value in the redirect does not match this login attempt; "
            "run `peakbot auth strava` again and use the newest URL"
        )
    scope = values.get("scope", "")
    if REQUIRED_SCOPE not in scope.split(","):
        raise AuthError(
            f"Strava granted scope {scope!r}, which lacks {REQUIRED_SCOPE}; {_SCOPE_FIX}"
        )
    return Grant(code=values["code"], scope=scope)


class CallbackServer:
    """A one-shot HTTP server on 127.0.0.1:`port` that receives Strava's redirect.

    The port is bound on construction, so a busy port is reported before the
    runner is sent to the authorisation page. Requests to other paths get a 404
    and waiting goes on.
    """

    def __init__(self, port: int, expected_state: str) -> None:
        self.port = port
        self._outcome: dict[str, Any] = {}
        self._done = threading.Event()
        handler = _handler(expected_state, self._outcome, self._done)
        try:
            self._server = HTTPServer(("127.0.0.1", port), handler)
        except OSError as error:
            raise UserInputError(
                f"cannot listen on 127.0.0.1:{port} for Strava's redirect "
                f"({error.strerror or error}); stop the program using port {port}, set "
                "STRAVA_REDIRECT_PORT in .env to a free port, or run "
                "`peakbot auth strava --paste`"
            ) from None
        self._server.timeout = POLL_S

    def wait(self, timeout_s: float = CALLBACK_TIMEOUT_S) -> Grant:
        """Serve requests until the redirect arrives, then close the port.

        A redirect with a wrong state, a denial or a missing scope raises AuthError,
        and no redirect within `timeout_s` seconds raises AuthError too.
        """
        try:
            waited = 0.0
            while not self._done.is_set() and waited < timeout_s:
                self._server.handle_request()
                waited += POLL_S
        finally:
            self.close()
        if "error" in self._outcome:
            raise self._outcome["error"]
        if "grant" not in self._outcome:
            raise AuthError(
                f"no redirect from Strava reached 127.0.0.1:{self.port} within "
                f"{timeout_s:.0f} s; run `peakbot auth strava --paste` to paste the redirect "
                "URL instead"
            )
        grant: Grant = self._outcome["grant"]
        return grant

    def close(self) -> None:
        self._server.server_close()


def _handler(
    expected_state: str, outcome: dict[str, Any], done: threading.Event
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != CALLBACK_PATH:
                self._reply(404, "Not found.")
                return
            try:
                outcome["grant"] = parse_redirect(parts.query, expected_state)
            except (AuthError, UserInputError) as error:
                outcome["error"] = error
                self._reply(400, f"peakbot could not use this answer: {error}")
            else:
                self._reply(200, "peakbot received the Strava code. You can close this tab.")
            done.set()

        def _reply(self, status: int, text: str) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def receive_by_callback(
    port: int, expected_state: str, timeout_s: float = CALLBACK_TIMEOUT_S
) -> Grant:
    """Serve one redirect on 127.0.0.1:`port` and return its grant (see CallbackServer)."""
    return CallbackServer(port, expected_state).wait(timeout_s)


def exchange(settings: Settings, grant: Grant) -> Path:
    """Trade the code for tokens and save them; returns the token file path."""
    from stravalib import exc

    from bot.activities.strava import _client_id, make_client

    if not settings.strava_client_secret:
        raise UserInputError(missing_credentials_message())
    session = StravaSession(settings.http_timeout_s, settings.strava_api_url)
    client = make_client(session)
    try:
        answer = client.exchange_code_for_token(
            client_id=_client_id(settings),
            client_secret=settings.strava_client_secret,
            code=grant.code,
            return_athlete=True,
        )
    except exc.Fault as error:
        raise AuthError(
            f"Strava rejected the code exchange ({error}); check STRAVA_CLIENT_ID and "
            "STRAVA_CLIENT_SECRET in .env, then run `peakbot auth strava` again (a code "
            "works once)"
        ) from None
    info, athlete = answer if isinstance(answer, tuple) else (answer, None)
    athlete_id = getattr(athlete, "id", None)
    tokens = StravaTokens(
        access_token=info["access_token"],
        refresh_token=info["refresh_token"],
        expires_at=int(info["expires_at"]),
        scope=grant.scope,
        athlete_id=athlete_id,
    )
    path = save_tokens(settings.tokens, tokens)
    log.info("strava tokens saved for athlete %s", athlete_id)
    return path


def missing_credentials_message() -> str:
    return (
        "STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET must be set in .env: create an API "
        "application at https://www.strava.com/settings/api and copy its Client ID and "
        "Client Secret"
    )
