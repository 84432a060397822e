"""Fixtures shared by every test module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.store.db import Store

REPO_ROOT = Path(__file__).resolve().parents[1]


def real_data_dir() -> Path:
    """Folder of real device files and Strava payloads, kept outside the repository."""
    override = os.environ.get("PEAKBOT_REAL_DATA")
    if override:
        return Path(override)
    return REPO_ROOT.parent / "shared" / "data" / "real"


@pytest.fixture
def real_data() -> Path:
    """Path to the real sample files; skips the test when they are not present."""
    folder = real_data_dir()
    if not folder.is_dir():
        pytest.skip(
            f"real sample files not found at {folder}; set PEAKBOT_REAL_DATA to their folder"
        )
    return folder


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """Open the database of the module's `settings` fixture; close it after the test."""
    db = Store(settings.database)
    yield db
    db.close()
