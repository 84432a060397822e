"""The pure core and `peakbot --help` load no client or plotting library."""

from __future__ import annotations

import subprocess
import sys

CLIENT_LIBRARIES = (
    "garminconnect",
    "stravalib",
    "requests",
    "apprise",
    "matplotlib",
    "garmin_fit_sdk",
    "fitdecode",
)
HELP_HEAVY = (*CLIENT_LIBRARIES, "apscheduler")

CORE_IMPORTS = """
import importlib, pkgutil, sys
import bot.analysis, bot.coach, bot.workouts
for package in (bot.workouts, bot.analysis, bot.coach):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def loaded_top_modules(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return set(done.stdout.split())


def test_core_loads_no_client() -> None:
    loaded = loaded_top_modules(CORE_IMPORTS)
    assert loaded.isdisjoint(CLIENT_LIBRARIES), sorted(loaded & set(CLIENT_LIBRARIES))


def test_help_loads_nothing_heavy() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert imported.isdisjoint(HELP_HEAVY), sorted(imported & set(HELP_HEAVY))
