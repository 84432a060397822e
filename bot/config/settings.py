"""Settings from the environment and the .env file.

Every setting has its default here and nowhere else; .env.example documents each.
Secrets (passwords, client secrets, Apprise URLs) are read here but never logged:
`Settings.__repr__` masks them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from dotenv import dotenv_values

DEFAULT_CONFIG_PATH = Path("config/calendar.yaml")

SECRET_FIELDS = frozenset(
    {"garmin_password", "strava_client_secret", "apprise_urls", "garmin_email"}
)


class SettingsError(ValueError):
    """A setting in the environment or .env has an invalid value."""


@dataclass(frozen=True)
class Settings:
    # Where the calendar is read from; --config wins over this.
    config_path: Path = DEFAULT_CONFIG_PATH
    # Folder for the SQLite store, tokens, offline FIT workouts and summaries.
    data_dir: Path = Path("data")
    # Token folder; defaults to <data_dir>/tokens.
    token_dir: Path | None = None

    # Garmin Connect. With no saved tokens and no email, push writes FIT files instead.
    garmin_email: str | None = None
    garmin_password: str | None = field(default=None, repr=False)
    garmin_api_url: str | None = None
    push_horizon_days: int = 7

    # Strava. With no client id, sync reads the activity folder instead.
    strava_client_id: str | None = None
    strava_client_secret: str | None = field(default=None, repr=False)
    strava_api_url: str | None = None
    strava_redirect_port: int = 8721
    # Offline activity source: a folder of FIT, TCX and GPX files.
    activity_dir: Path | None = None
    # Offline workout destination; defaults to <data_dir>/workouts.
    workout_dir: Path | None = None

    # Summaries: Apprise URLs separated by spaces or commas. None writes to stdout and a file.
    apprise_urls: tuple[str, ...] = field(default=(), repr=False)
    morning_summary_time: str = "06:30"
    push_time: str = "04:30"
    sync_interval_minutes: int = 30
    waking_hours: str = "06:00-22:00"

    # Timeout for every HTTP request, in seconds.
    http_timeout_s: float = 30.0

    @property
    def tokens(self) -> Path:
        return self.token_dir if self.token_dir is not None else self.data_dir / "tokens"

    @property
    def workouts_out(self) -> Path:
        return self.workout_dir if self.workout_dir is not None else self.data_dir / "workouts"

    @property
    def activities_in(self) -> Path:
        return self.activity_dir if self.activity_dir is not None else self.data_dir / "activities"

    @property
    def database(self) -> Path:
        return self.data_dir / "peakbot.sqlite3"

    @property
    def summaries_dir(self) -> Path:
        return self.data_dir / "summaries"

    def __repr__(self) -> str:
        parts = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in SECRET_FIELDS and value:
                value = "***"
            parts.append(f"{item.name}={value!r}")
        return f"Settings({', '.join(parts)})"


# Environment variable for each setting.
ENV_NAMES = {
    "config_path": "PEAKBOT_CONFIG",
    "data_dir": "PEAKBOT_DATA_DIR",
    "token_dir": "PEAKBOT_TOKEN_DIR",
    "garmin_email": "GARMIN_EMAIL",
    "garmin_password": "GARMIN_PASSWORD",
    "garmin_api_url": "GARMIN_API_URL",
    "push_horizon_days": "PEAKBOT_PUSH_DAYS",
    "strava_client_id": "STRAVA_CLIENT_ID",
    "strava_client_secret": "STRAVA_CLIENT_SECRET",
    "strava_api_url": "STRAVA_API_URL",
    "strava_redirect_port": "STRAVA_REDIRECT_PORT",
    "activity_dir": "PEAKBOT_ACTIVITY_DIR",
    "workout_dir": "PEAKBOT_WORKOUT_DIR",
    "apprise_urls": "PEAKBOT_APPRISE_URLS",
    "morning_summary_time": "PEAKBOT_MORNING_TIME",
    "push_time": "PEAKBOT_PUSH_TIME",
    "sync_interval_minutes": "PEAKBOT_SYNC_MINUTES",
    "waking_hours": "PEAKBOT_WAKING_HOURS",
    "http_timeout_s": "PEAKBOT_HTTP_TIMEOUT",
}


def load_settings(
    env_file: Path | None = Path(".env"), environ: dict[str, str] | None = None
) -> Settings:
    """Read settings from `env_file` (if it exists), overridden by the process environment."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    kwargs: dict[str, object] = {}
    for item in fields(Settings):
        name = ENV_NAMES[item.name]
        raw = values.get(name)
        if raw is None or raw.strip() == "":
            continue
        raw = raw.strip()
        kwargs[item.name] = _convert(item.name, name, raw)
    return Settings(**kwargs)  # type: ignore[arg-type]


def _convert(field_name: str, env_name: str, raw: str) -> object:
    if field_name in {"config_path", "data_dir", "token_dir", "activity_dir", "workout_dir"}:
        return Path(raw).expanduser()
    if field_name in {"push_horizon_days", "strava_redirect_port", "sync_interval_minutes"}:
        try:
            number = int(raw)
        except ValueError:
            raise SettingsError(
                f"{env_name}={raw!r} is not a whole number, for example 7"
            ) from None
        if number < 0:
            raise SettingsError(f"{env_name}={raw!r} must not be negative")
        return number
    if field_name == "http_timeout_s":
        try:
            seconds = float(raw)
        except ValueError:
            raise SettingsError(
                f"{env_name}={raw!r} is not a number of seconds, for example 30"
            ) from None
        if seconds <= 0:
            raise SettingsError(f"{env_name}={raw!r} must be positive")
        return seconds
    if field_name == "apprise_urls":
        return tuple(url for url in raw.replace(",", " ").split() if url)
    return raw
