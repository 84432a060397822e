"""Sync warnings reach the log at warning level, once per distinct warning."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from bot.config.settings import Settings
from bot.notify.deliver import Notifier
from bot.service.calendar_watch import CalendarWatch
from bot.service.clock import ManualClock
from bot.service.cycle import Cycle
from bot.store.db import Store
from tests.conftest import REPO_ROOT


def run_once(tmp_path: Path) -> int:
    env = {
        "PEAKBOT_DATA_DIR": str(tmp_path / "data"),
        "PEAKBOT_ACTIVITY_DIR": str(tmp_path / "missing"),
        "PEAKBOT_APPRISE_URLS": "",
    }
    args = [
        "--env-file",
        str(tmp_path / "absent.env"),
        "--config",
        str(REPO_ROOT / "config" / "calendar.yaml"),
        "run",
        "--once",
        "--today",
        "2023-03-28",
    ]
    return CliRunner().invoke(cli, args, env=env).exit_code


def test_missing_folder_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.service.cycle"):
        assert run_once(tmp_path) == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    missing = [m for m in warnings if "does not exist" in m]
    assert len(missing) == 1
    assert str(tmp_path / "missing") in missing[0]


def test_repeated_warning_logged_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(
        config_path=REPO_ROOT / "config" / "calendar.yaml",
        data_dir=tmp_path / "data",
        activity_dir=tmp_path / "missing",
    )
    store = Store(settings.database)
    clock = ManualClock(datetime(2023, 3, 28, 20, 0, tzinfo=ZoneInfo("Europe/London")))
    cycle = Cycle(
        settings,
        store,
        CalendarWatch(settings.config_path),
        clock=clock,
        notifier=Notifier((), out=None),
    )
    with caplog.at_level(logging.WARNING, logger="bot.service.cycle"):
        cycle.sync()
        cycle.sync()
    store.close()
    missing = [r for r in caplog.records if "does not exist" in r.getMessage()]
    assert len(missing) == 1
