"""One-time Garmin Connect login that saves tokens for every later run.

Later runs start from the saved tokens only (`bot.garmin.client.connect`) and never
send the password: logging in on every run gets the address rate limited by
Garmin's single sign-on. The tokens are written by garminconnect's own `dump`,
atomically, as garmin_tokens.json (mode 0600) in a folder of mode 0700.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config.settings import Settings
from bot.errors import AuthError, ServiceError
from bot.garmin.client import configure_transport, token_file

log = logging.getLogger(__name__)


def log_in(
    settings: Settings,
    email: str,
    password: str,
    prompt_mfa: Callable[[], str],
    *,
    garmin_class: Callable[..., Any] | None = None,
) -> Path:
    """Log in with email and password (asking `prompt_mfa` for a code when Garmin
    requires one), save the tokens in `settings.tokens` and return the token file."""
    from garminconnect import (
        Garmin,
        GarminConnectAuthenticationError,
        GarminConnectConnectionError,
        GarminConnectTooManyRequestsError,
    )

    factory = garmin_class or Garmin
    garmin = factory(email=email, password=password, return_on_mfa=True)
    configure_transport(garmin, settings)
    log.info("Garmin Connect login started")
    try:
        status, state = garmin.login()
        if status == "needs_mfa":
            garmin.resume_login(state, prompt_mfa().strip())
    except GarminConnectAuthenticationError:
        raise AuthError(
            "Garmin Connect rejected the login; check the email, password and MFA code "
            "(GARMIN_EMAIL and GARMIN_PASSWORD in .env, or type them at the prompt)"
        ) from None
    except GarminConnectTooManyRequestsError:
        raise ServiceError(
            "Garmin Connect is limiting login attempts from this address; wait an hour "
            "and run `peakbot auth garmin` again"
        ) from None
    except GarminConnectConnectionError as error:
        raise ServiceError(f"Garmin Connect login failed: {error}") from None
    return save_tokens(garmin, settings.tokens)


def save_tokens(garmin: Any, token_dir: Path) -> Path:
    """Write the client's tokens to `token_dir` (0700) as garmin_tokens.json (0600)."""
    token_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # resume_login() keeps the tokens in memory only; nothing is on disk until dump().
    garmin.client.dump(str(token_dir))
    path = token_file(token_dir)
    with contextlib.suppress(OSError):
        token_dir.chmod(0o700)
    path.chmod(0o600)
    log.info("Garmin Connect tokens saved in %s", token_dir)
    return path
