"""Strava OAuth tokens in a JSON file of mode 0600, written atomically.

Strava rotates the refresh token on every refresh and the old one stops working,
so a refreshed token set must reach the disk before anything else happens. It is
written to a temporary file in the same folder and flushed with fsync. Then it is
renamed over the old file, and the folder is fsynced so the rename survives a crash.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.errors import AuthError

TOKEN_FILE = "strava_tokens.json"
REQUIRED_SCOPE = "activity:read_all"


@dataclass
class StravaTokens:
    access_token: str
    refresh_token: str
    expires_at: int  # Unix time in seconds
    scope: str = ""  # comma-separated scopes the runner granted
    athlete_id: int | None = None

    def has_scope(self, scope: str = REQUIRED_SCOPE) -> bool:
        return scope in {part.strip() for part in self.scope.split(",")}


def token_path(token_dir: Path) -> Path:
    return token_dir / TOKEN_FILE


def load_tokens(token_dir: Path) -> StravaTokens | None:
    """Return the saved tokens, None when there are none; raise AuthError on a damaged file."""
    path = token_path(token_dir)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise AuthError(
            f"Strava token file {path} could not be read ({error}); "
            "run `peakbot auth strava` to authorise again"
        ) from None
    try:
        return StravaTokens(
            access_token=str(data["access_token"]),
            refresh_token=str(data["refresh_token"]),
            expires_at=int(data["expires_at"]),
            scope=str(data.get("scope", "")),
            athlete_id=data.get("athlete_id"),
        )
    except (KeyError, TypeError, ValueError):
        raise AuthError(
            f"Strava token file {path} is missing access_token, refresh_token or expires_at; "
            "run `peakbot auth strava` to authorise again"
        ) from None


def save_tokens(token_dir: Path, tokens: StravaTokens) -> Path:
    """Write the tokens atomically with mode 0600, in a folder of mode 0700."""
    token_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(token_dir, 0o700)
    path = token_path(token_dir)
    payload = json.dumps(asdict(tokens), indent=2).encode()
    fd, temporary = tempfile.mkstemp(prefix=".strava_tokens.", dir=token_dir)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.replace(temporary, path)
    except OSError:
        os.unlink(temporary)
        raise
    directory = os.open(token_dir, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return path
