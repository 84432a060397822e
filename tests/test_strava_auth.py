"""`peakbot auth strava`: authorisation URL, both ways of receiving the code, the exchange."""

from __future__ import annotations

import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from click.testing import CliRunner

from bot.activities import strava_auth
from bot.activities.tokens import load_tokens
from bot.cli.main import cli
from bot.config.settings import Settings
from bot.errors import AuthError, UserInputError
from tests.fakes.strava_server import FakeStrava


@pytest.fixture
def fake() -> Iterator[FakeStrava]:
    server = FakeStrava().start()
    yield server
    server.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def settings(tmp_path: Path, fake: FakeStrava) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        strava_client_id="4242",
        strava_client_secret="client-secret",
        strava_api_url=fake.url,
        strava_redirect_port=free_port(),
        http_timeout_s=2.0,
    )


def test_authorization_url(settings: Settings, fake: FakeStrava) -> None:
    url = strava_auth.authorization_url(settings, "state-1")
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}" == fake.url
    assert parts.path == "/oauth/authorize"
    assert query["client_id"] == "4242"
    assert query["scope"] == "read,activity:read_all"
    assert query["state"] == "state-1"
    assert query["redirect_uri"] == f"http://127.0.0.1:{settings.strava_redirect_port}/authorized"


def test_parse_redirect() -> None:
    url = "http://127.0.0.1:8721/authorized?state=s&code=abc&scope=read,activity:read_all"
    grant = strava_auth.parse_redirect(url, "s")
    assert grant.code == "abc"
    assert grant.scope == "read,activity:read_all"


def test_parse_redirect_wrong_state() -> None:
    url = "http://127.0.0.1:8721/authorized?state=other&code=abc&scope=activity:read_all"
    with pytest.raises(AuthError, match="state"):
        strava_auth.parse_redirect(url, "s")


def test_parse_redirect_missing_scope() -> None:
    url = "http://127.0.0.1:8721/authorized?state=s&code=abc&scope=read,activity:read"
    with pytest.raises(AuthError, match="lacks activity:read_all"):
        strava_auth.parse_redirect(url, "s")


def test_parse_redirect_denied() -> None:
    url = "http://127.0.0.1:8721/authorized?state=s&error=access_denied"
    with pytest.raises(AuthError, match="denied"):
        strava_auth.parse_redirect(url, "s")


def test_parse_redirect_no_code() -> None:
    with pytest.raises(UserInputError, match="code="):
        strava_auth.parse_redirect("http://127.0.0.1:8721/authorized?state=s", "s")


def test_callback_server(settings: Settings) -> None:
    port = settings.strava_redirect_port
    result: dict[str, object] = {}

    def wait() -> None:
        result["grant"] = strava_auth.receive_by_callback(port, "s", timeout_s=10)

    waiter = threading.Thread(target=wait)
    waiter.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            favicon = requests.get(f"{base}/favicon.ico", timeout=1)
            break
        except requests.ConnectionError:
            threading.Event().wait(0.02)
    answer = requests.get(
        f"{base}/authorized",
        params={"state": "s", "code": "abc", "scope": "read,activity:read_all"},
        timeout=2,
    )
    waiter.join(timeout=5)
    assert favicon.status_code == 404
    assert answer.status_code == 200
    assert result["grant"] == strava_auth.Grant("abc", "read,activity:read_all")


def test_callback_times_out(settings: Settings) -> None:
    with pytest.raises(AuthError, match="--paste"):
        strava_auth.receive_by_callback(settings.strava_redirect_port, "s", timeout_s=0.5)


def test_exchange_saves_tokens(settings: Settings, fake: FakeStrava) -> None:
    fake.codes["code-1"] = "read,activity:read_all"
    path = strava_auth.exchange(settings, strava_auth.Grant("code-1", "read,activity:read_all"))
    tokens = load_tokens(settings.tokens)
    assert tokens is not None
    assert tokens.access_token in fake.access_tokens
    assert tokens.refresh_token in fake.refresh_tokens
    assert tokens.athlete_id == 1
    assert tokens.has_scope()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_exchange_bad_code(settings: Settings) -> None:
    with pytest.raises(AuthError, match="code exchange"):
        strava_auth.exchange(settings, strava_auth.Grant("unknown", "read,activity:read_all"))


def environment(settings: Settings) -> dict[str, str]:
    return {
        "PEAKBOT_DATA_DIR": str(settings.data_dir),
        "STRAVA_CLIENT_ID": str(settings.strava_client_id),
        "STRAVA_CLIENT_SECRET": str(settings.strava_client_secret),
        "STRAVA_API_URL": str(settings.strava_api_url),
        "STRAVA_REDIRECT_PORT": str(settings.strava_redirect_port),
    }


def test_cli_paste(
    settings: Settings, fake: FakeStrava, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(strava_auth, "new_state", lambda: "fixed-state")
    monkeypatch.chdir(tmp_path)
    fake.codes["code-2"] = "read,activity:read_all"
    pasted = (
        "http://127.0.0.1:8721/authorized?state=fixed-state&code=code-2"
        "&scope=read,activity:read_all\n"
    )
    result = CliRunner().invoke(
        cli,
        ["--env-file", "absent.env", "auth", "strava", "--paste"],
        env=environment(settings),
        input=pasted,
    )
    assert result.exit_code == 0, result.output
    assert "state=fixed-state" in result.output
    assert "tokens saved" in result.output
    assert load_tokens(settings.tokens) is not None


def test_cli_without_client_id(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["--env-file", str(tmp_path / "absent.env"), "auth", "strava", "--paste"],
        env={"STRAVA_CLIENT_ID": "", "STRAVA_CLIENT_SECRET": "", "PEAKBOT_DATA_DIR": str(tmp_path)},
    )
    assert result.exit_code == 2
    assert "https://www.strava.com/settings/api" in result.output


def browse_in_background(opened: list[requests.Response]) -> object:
    """Stand in for webbrowser.open: follow the URL and its redirect in another thread."""

    def open_url(url: str) -> bool:
        def follow() -> None:
            opened.append(requests.get(url, timeout=5))

        threading.Thread(target=follow, daemon=True).start()
        return True

    return open_url


def test_cli_callback_flow(
    settings: Settings, fake: FakeStrava, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webbrowser

    opened: list[requests.Response] = []
    monkeypatch.setattr(webbrowser, "open", browse_in_background(opened))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli,
        ["--env-file", "absent.env", "auth", "strava", "--timeout", "10"],
        env=environment(settings),
    )
    assert result.exit_code == 0, result.output
    assert "tokens saved" in result.output
    assert load_tokens(settings.tokens) is not None
    assert [r.status_code for r in opened] == [200]
    assert [r.path for r in fake.requests()] == ["/oauth/authorize", "/oauth/token"]


def test_cli_busy_port(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    port = settings.strava_redirect_port
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = CliRunner().invoke(
            cli, ["--env-file", "absent.env", "auth", "strava"], env=environment(settings)
        )
    assert result.exit_code == 2
    assert f"127.0.0.1:{port}" in result.output
    assert "STRAVA_REDIRECT_PORT" in result.output
    assert "--paste" in result.output
    assert "Open this URL" not in result.output


def test_fake_authorize_redirects(settings: Settings, fake: FakeStrava) -> None:
    url = strava_auth.authorization_url(settings, "s-1")
    answer = requests.get(url, allow_redirects=False, timeout=2)
    location = urlsplit(answer.headers["Location"])
    query = parse_qs(location.query)
    assert answer.status_code == 302
    assert location.port == settings.strava_redirect_port
    assert query["state"] == ["s-1"]
    assert query["code"][0] in fake.codes
