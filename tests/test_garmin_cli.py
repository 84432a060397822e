"""`peakbot push` and `peakbot auth garmin` from the command line."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from garminconnect import Garmin, GarminConnectAuthenticationError

from bot.cli.main import cli
from bot.config.settings import Settings
from bot.errors import AuthError
from bot.garmin.tokens import log_in
from tests.fakes.garmin_server import CALENDAR, GarminFake, fake_access_token, write_fake_tokens
from tests.fakes.http import Fault


@pytest.fixture
def fake() -> Iterator[GarminFake]:
    server = GarminFake().start()
    yield server
    server.stop()


@pytest.fixture
def calendar(tmp_path: Path) -> Path:
    path = tmp_path / "calendar.yaml"
    path.write_text(CALENDAR)
    return path


def invoke(tmp_path: Path, calendar: Path, *args: str, api_url: str | None = None) -> Result:
    env = {
        "PEAKBOT_DATA_DIR": str(tmp_path / "data"),
        "PEAKBOT_TOKEN_DIR": str(tmp_path / "tokens"),
        "GARMIN_API_URL": api_url or "",
    }
    command = ["--config", str(calendar), "--env-file", str(tmp_path / "no.env"), *args]
    return CliRunner().invoke(cli, command, env=env, catch_exceptions=False)


def test_push_help_lists_options(tmp_path: Path, calendar: Path) -> None:
    result = invoke(tmp_path, calendar, "push", "--help")
    for option in ("--dry-run", "--days", "--json"):
        assert option in result.output
    assert "--today" not in result.output


def test_offline_dry_run_json(tmp_path: Path, calendar: Path) -> None:
    result = invoke(tmp_path, calendar, "push", "--dry-run", "--json", "--today", "2023-04-02")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["destination"] == "fit"
    assert [r["action"] for r in payload["results"]] == ["created"] * 4
    assert not (tmp_path / "data" / "workouts").exists()


def test_offline_push_writes_files(tmp_path: Path, calendar: Path) -> None:
    result = invoke(tmp_path, calendar, "push", "--today", "2023-04-02", "--days", "3")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "data" / "workouts").glob("*.fit"))
    assert names == ["2023-04-03_easy.fit", "2023-04-04_speed-sharpen.fit"]
    assert "created" in result.output


def test_garmin_push_then_unchanged(tmp_path: Path, calendar: Path, fake: GarminFake) -> None:
    write_fake_tokens(tmp_path / "tokens")
    first = invoke(tmp_path, calendar, "push", "--today", "2023-04-02", api_url=fake.url)
    assert first.exit_code == 0, first.output
    assert first.output.count(" created") == 4
    writes = len(fake.workout_writes())
    second = invoke(tmp_path, calendar, "push", "--today", "2023-04-02", api_url=fake.url)
    assert second.output.count(" unchanged") == 4
    assert len(fake.workout_writes()) == writes


def test_garmin_dry_run_sends_no_write(tmp_path: Path, calendar: Path, fake: GarminFake) -> None:
    write_fake_tokens(tmp_path / "tokens")
    result = invoke(
        tmp_path, calendar, "push", "--dry-run", "--today", "2023-04-02", api_url=fake.url
    )
    assert result.output.count("would create") == 4
    assert fake.workout_writes() == []


def test_failed_session_exits_1(tmp_path: Path, calendar: Path, fake: GarminFake) -> None:
    write_fake_tokens(tmp_path / "tokens")
    fake.inject(Fault(r"^POST /workout-service/workout$", status=400, times=1))
    result = invoke(tmp_path, calendar, "push", "--today", "2023-04-02", api_url=fake.url)
    assert result.exit_code == 1
    assert "Not pushed yet: easy-1" in result.output


def test_rejected_tokens_exit_with_hint(tmp_path: Path, calendar: Path, fake: GarminFake) -> None:
    write_fake_tokens(tmp_path / "tokens", access_token=fake_access_token(client_id="OTHER"))
    result = invoke(tmp_path, calendar, "push", "--today", "2023-04-02", api_url=fake.url)
    assert result.exit_code == 1
    assert "run `peakbot auth garmin`" in result.output


class LoginStandIn(Garmin):
    """garminconnect's Garmin with the network login replaced; tokens and dump stay real."""

    needs_mfa = True
    accepted_code = "123456"

    def login(self, /, tokenstore: str | None = None) -> tuple[str | None, Any]:
        if self.needs_mfa:
            return "needs_mfa", {"state": "opaque"}
        self.client.di_token = fake_access_token()
        return None, None

    def resume_login(self, client_state: dict[str, Any], mfa_code: str) -> tuple[Any, Any]:
        if mfa_code != self.accepted_code:
            raise GarminConnectAuthenticationError("wrong MFA code")
        self.client.di_token = fake_access_token()
        self.client.di_refresh_token = "fake-refresh-token-for-tests"
        self.client.di_client_id = "PEAKBOT_TEST_CLIENT"
        return None, None


def test_login_with_mfa_saves_tokens(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", token_dir=tmp_path / "tokens")
    codes: list[str] = []

    def prompt() -> str:
        codes.append("asked")
        return "123456"

    path = log_in(settings, "runner@example.org", "pw", prompt, garmin_class=LoginStandIn)
    assert codes == ["asked"]
    assert json.loads(path.read_text())["di_token"] == fake_access_token()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_login_wrong_code_raises(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", token_dir=tmp_path / "tokens")
    with pytest.raises(AuthError, match="rejected the login"):
        log_in(settings, "runner@example.org", "pw", lambda: "000000", garmin_class=LoginStandIn)
    assert not (tmp_path / "tokens" / "garmin_tokens.json").exists()


def test_saved_tokens_start_push(tmp_path: Path, calendar: Path, fake: GarminFake) -> None:
    settings = Settings(data_dir=tmp_path / "data", token_dir=tmp_path / "tokens")
    log_in(settings, "runner@example.org", "pw", lambda: "123456", garmin_class=LoginStandIn)
    result = invoke(tmp_path, calendar, "push", "--today", "2023-04-02", api_url=fake.url)
    assert result.exit_code == 0, result.output
    assert len(fake.workouts) == 4
