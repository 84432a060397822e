"""A `peakbot sync` process killed right after a token refresh keeps the rotated token."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.activities.tokens import load_tokens
from tests.fakes.http import Request
from tests.fakes.strava_server import FakeStrava, save_issued_tokens

PEAKBOT = Path(sys.executable).with_name("peakbot")


@pytest.fixture
def fake() -> Iterator[FakeStrava]:
    server = FakeStrava().start()
    yield server
    server.stop()


def test_kill_after_refresh_keeps_token(fake: FakeStrava, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    issued = save_issued_tokens(fake, data_dir / "tokens", expires_in_s=30)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("STRAVA_", "PEAKBOT_"))
    }
    environment.update(
        {
            "PEAKBOT_DATA_DIR": str(data_dir),
            "STRAVA_CLIENT_ID": "4242",
            "STRAVA_CLIENT_SECRET": "client-secret",
            "STRAVA_API_URL": fake.url,
            "PEAKBOT_HTTP_TIMEOUT": "5",
        }
    )
    process = subprocess.Popen(
        [str(PEAKBOT), "--env-file", str(tmp_path / "absent.env"), "sync"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    killed: list[int] = []

    def kill_on_first_read(request: Request) -> None:
        # The refresh response has been sent; the next request is the activity list.
        if not killed:
            os.kill(process.pid, signal.SIGKILL)
            killed.append(process.pid)

    fake.on_api_request = kill_on_first_read
    try:
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    saved = load_tokens(data_dir / "tokens")
    assert killed == [process.pid]
    assert process.returncode == -signal.SIGKILL
    assert [r.path for r in fake.requests()] == ["/oauth/token", "/api/v3/athlete/activities"]
    assert saved is not None
    assert saved.refresh_token != issued["refresh_token"]
    assert saved.refresh_token in fake.refresh_tokens
    assert saved.access_token in fake.access_tokens
