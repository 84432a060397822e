"""The data-directory lock on the command line: push and sync wait for the service."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli.main import cli
from bot.service.lock import ProcessLock
from bot.store import jobs
from bot.store.db import Store
from tests.conftest import REPO_ROOT


def invoke(tmp_path: Path, *args: str) -> Result:
    env = {
        "PEAKBOT_DATA_DIR": str(tmp_path / "data"),
        "PEAKBOT_TOKEN_DIR": str(tmp_path / "tokens"),
        "GARMIN_API_URL": "",
    }
    config = REPO_ROOT / "config" / "calendar.yaml"
    command = ["--config", str(config), "--env-file", str(tmp_path / "no.env"), *args]
    return CliRunner().invoke(cli, command, env=env)


def test_push_locked_exit(tmp_path: Path) -> None:
    with ProcessLock(tmp_path / "data"):
        result = invoke(tmp_path, "push", "--today", "2023-03-28")
    assert result.exit_code == 1


def test_push_locked_message(tmp_path: Path) -> None:
    with ProcessLock(tmp_path / "data"):
        result = invoke(tmp_path, "push", "--today", "2023-03-28")
    assert "stop it first or wait" in result.output


def test_status_not_locked(tmp_path: Path) -> None:
    with ProcessLock(tmp_path / "data"):
        result = invoke(tmp_path, "status")
    assert result.exit_code == 0, result.output


def test_push_recorded(tmp_path: Path) -> None:
    invoke(tmp_path, "push", "--today", "2023-03-28")
    store = Store(tmp_path / "data" / "peakbot.sqlite3")
    runs = jobs.list_job_runs(store, "push")
    store.close()
    assert [run.result for run in runs] == ["ok"]
