"""`peakbot status` against what the store and the calendar say now."""

from __future__ import annotations

from datetime import date

import pytest

from bot.config.settings import Settings
from bot.notify.deliver import Notifier
from bot.service.calendar_watch import CalendarWatch
from bot.service.clock import ManualClock
from bot.service.cycle import Cycle
from bot.service.status import collect_status, format_status
from bot.store.db import Store
from tests.fakes.garmin_server import GarminFake
from tests.fakes.strava_server import FakeStrava
from tests.test_e2e_service import (  # noqa: F401  (fixtures)
    LONDON,
    at,
    garmin,
    receiver,
    settings,
    strava,
)

pytestmark = pytest.mark.slow

DAY = date(2023, 3, 27)


def open_cycle(config: Settings, store: Store, clock: ManualClock) -> Cycle:
    watch = CalendarWatch(config.config_path)
    watch.load()
    return Cycle(config, store, watch, clock=clock, notifier=Notifier([], retry_delay_s=0))


def test_pushed_only_planned(
    settings: Settings,  # noqa: F811
    garmin: GarminFake,  # noqa: F811
) -> None:
    store = Store(settings.database)
    open_cycle(settings, store, ManualClock(at(DAY, 4, 30))).push()
    text = settings.config_path.read_text()
    settings.config_path.write_text(
        text.replace("  - {date: race-26d, workout: speed-sharpen}\n", "")
    )
    status = collect_status(settings, store, today=DAY, timezone=LONDON)
    store.close()
    assert "speed-sharpen-3" not in format_status(status)


def test_rejected_strava_token(
    settings: Settings,  # noqa: F811
    strava: FakeStrava,  # noqa: F811
) -> None:
    store = Store(settings.database)
    strava.access_tokens.clear()
    strava.refresh_tokens.clear()
    outcome = open_cycle(settings, store, ManualClock(at(DAY, 9, 0))).sync()
    status = collect_status(settings, store, today=DAY, timezone=LONDON)
    store.close()
    assert outcome.result == "error"
    assert "strava: rejected: run `peakbot auth strava`" in format_status(status)


def test_cli_sync_error_shown(
    settings: Settings,  # noqa: F811
    strava: FakeStrava,  # noqa: F811
) -> None:
    from click.testing import CliRunner

    from bot.cli.main import cli

    strava.access_tokens.clear()
    strava.refresh_tokens.clear()
    env = {
        "PEAKBOT_DATA_DIR": str(settings.data_dir),
        "PEAKBOT_TOKEN_DIR": str(settings.token_dir),
        "STRAVA_CLIENT_ID": "4242",
        "STRAVA_CLIENT_SECRET": "client-secret",
        "STRAVA_API_URL": strava.url,
    }
    no_env = settings.data_dir.parent / "no.env"
    command = ["--config", str(settings.config_path), "--env-file", str(no_env), "sync"]
    result = CliRunner().invoke(cli, command, env=env)
    store = Store(settings.database)
    status = collect_status(settings, store, today=DAY, timezone=LONDON)
    store.close()
    assert result.exit_code == 1
    assert "Last error: sync at" in format_status(status)
    assert "strava: rejected" in format_status(status)
