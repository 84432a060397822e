"""Load one FIT, TCX or GPX activity file, plain or gzip-compressed, by its suffix."""

from __future__ import annotations

import gzip
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.activities.model import Activity

log = logging.getLogger(__name__)

Parser = Callable[[bytes, str, ZoneInfo], tuple[Activity, list[str]]]

SUFFIXES = (".fit", ".tcx", ".gpx")


@dataclass
class LoadResult:
    """The activity read from one file, warnings about damaged parts, or why nothing loaded.

    `activity` is None exactly when `error` is set; each warning and the error
    start with the file name.
    """

    activity: Activity | None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def activity_format(path: Path) -> str | None:
    """Return "fit", "tcx" or "gpx" for a supported file name (".gz" allowed), else None."""
    name = path.name.lower().removesuffix(".gz")
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return suffix[1:]
    return None


def load_activity_file(path: Path, timezone: ZoneInfo) -> LoadResult:
    """Read one activity file; damage becomes a warning or an error, never an exception."""
    kind = activity_format(path)
    if kind is None:
        return LoadResult(None, [], f"{path.name}: not a .fit, .tcx or .gpx file (or .gz of one)")
    try:
        data = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            data = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        return LoadResult(None, [], f"{path.name}: could not be read: {error}")

    parser = _parser(kind)
    try:
        activity, warnings = parser(data, path.name, timezone)
    except ValueError as error:
        return LoadResult(None, [], f"{path.name}: {error}")
    except Exception as error:
        # A decoder bug on one odd file must not stop the other files.
        log.exception("decoding %s failed", path)
        return LoadResult(None, [], f"{path.name}: could not be decoded ({type(error).__name__})")
    for warning in warnings:
        # The caller's report carries the warning; the log line is for tracing.
        log.info("%s", warning)
    return LoadResult(activity, warnings, None)


def _parser(kind: str) -> Parser:
    if kind == "fit":
        from bot.activities.fit import activity_from_fit

        return activity_from_fit
    from bot.activities.xml_files import activity_from_gpx, activity_from_tcx

    return activity_from_tcx if kind == "tcx" else activity_from_gpx
