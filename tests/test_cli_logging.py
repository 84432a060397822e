"""Log levels and warnings that `peakbot` sets for the client libraries."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator

import pytest

from bot.cli.main import configure_logging

LIBRARIES = ("stravalib", "garminconnect", "apscheduler")


@pytest.fixture(autouse=True)
def restore_levels() -> Iterator[None]:
    levels = {name: logging.getLogger(name).level for name in LIBRARIES}
    with warnings.catch_warnings():
        yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_libraries_quiet_by_default() -> None:
    configure_logging(1)
    assert logging.getLogger("stravalib.protocol.ApiV3").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("garminconnect.api._common").getEffectiveLevel() == logging.CRITICAL


def test_libraries_debug_with_vv() -> None:
    configure_logging(2)
    assert logging.getLogger("stravalib").level == logging.DEBUG
    assert logging.getLogger("garminconnect").level == logging.DEBUG


def test_apprise_imghdr_warning_hidden() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        configure_logging(0)
        warnings.warn_explicit(
            "'imghdr' is deprecated and slated for removal in Python 3.13",
            DeprecationWarning,
            "pgp.py",
            48,
            module="apprise.utils.pgp",
        )
        warnings.warn("another deprecation", DeprecationWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["another deprecation"]
