"""`peakbot sync`: store runs completed since the last sync, from Strava or the folder."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from bot.cli.context import AppContext
from bot.errors import PeakbotError, UserInputError

if TYPE_CHECKING:
    from bot.workouts.pace import Unit

log = logging.getLogger(__name__)

# Exit status when the rate limit deferred part of the sync, so cron users notice.
DEFERRED_EXIT_CODE = 3


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--timezone",
    "timezone_name",
    metavar="ZONE",
    help="IANA time zone for local dates, e.g. Europe/London.",
    show_default="the calendar's athlete.timezone",
)
@click.pass_obj
def sync(app: AppContext, as_json: bool, timezone_name: str | None) -> None:
    """Fetch new, changed and deleted runs and store them.

    Exits with status 3 when part of the sync was deferred (Strava's rate limit, or
    server errors and timeouts that outlasted the retries): what was fetched is
    stored, and the rest waits for the next sync (the message says when).
    """
    from bot.activities.sync import open_source
    from bot.service import records
    from bot.service.cli_run import locked_run
    from bot.service.cycle import SYNC

    timezone = _zone(timezone_name) if timezone_name else athlete_timezone(app.config_path)
    units = _athlete_units(app)
    with locked_run(app.settings.data_dir, app.store, SYNC) as run:
        source = open_source(app.settings, app.store)
        report = source.sync(timezone=timezone, now=datetime.now(UTC))
        run.detail = (
            f"{source.name}: {len(report.new)} new, {len(report.updated)} updated, "
            f"{len(report.removed)} removed, {report.requests} requests"
        )
        # The next analysis redoes the sessions these runs measured.
        records.forget_activities(app.store, [*report.removed, *report.updated])
    if as_json:
        click.echo(json.dumps({"source": source.name, **report.to_dict()}, indent=2))
        if report.deferred:
            sys.exit(DEFERRED_EXIT_CODE)
        return
    click.echo(f"source: {source.name} ({report.requests} requests)")
    for label, keys in (("new", report.new), ("updated", report.updated)):
        for key in keys:
            click.echo(f"{label}: {describe_run(app, key, report.labels.get(key), units)}")
    for label, lines in (
        ("removed", report.removed),
        ("skipped", report.skipped),
        ("warning", report.warnings),
    ):
        for line in lines:
            click.echo(f"{label}: {line}")
    if report.deferred:
        click.echo(f"deferred: {report.deferred}")
        sys.exit(DEFERRED_EXIT_CODE)
    if not (report.new or report.updated or report.removed):
        click.echo("no new runs")


def describe_run(app: AppContext, key: str, label: str | None, units: Unit) -> str:
    """Name a stored run the way a runner recognises it: "<file or name>, <date>, <distance>"."""
    from bot.store.activities import get_activity

    activity = get_activity(app.store, key)
    if activity is None:
        return label or key
    name = label or activity.name or key
    return f"{name}, {activity.local_date}, {run_distance(activity.distance_m, units)}"


def run_distance(metres: float, units: Unit) -> str:
    """Format a run's distance to 0.1 km or 0.1 mi: "10.5 km", "6.5 mi"."""
    from bot.workouts.pace import METRES_PER_MILE

    if units == "mi":
        return f"{metres / METRES_PER_MILE:.1f} mi"
    return f"{metres / 1000.0:.1f} km"


def _athlete_units(app: AppContext) -> Unit:
    """Return the calendar's distance units; km when the calendar cannot be read."""
    if not app.config_path.is_file():
        return "km"
    try:
        return app.calendar.athlete.units
    except PeakbotError:
        return "km"


def athlete_timezone(config_path: Path) -> ZoneInfo:
    """Return the calendar's athlete time zone; UTC, with a warning, when it cannot be read."""
    from bot.config.load import load_calendar

    if config_path.is_file():
        try:
            return load_calendar(config_path).athlete.timezone
        except PeakbotError as error:
            # An invalid calendar must not stop runs from being stored.
            log.warning(
                "calendar %s is invalid (%s); reading only its time zone", config_path, error
            )
    name = _timezone_from_yaml(config_path)
    if name:
        return _zone(name)
    log.warning("no athlete time zone found in %s; local dates use UTC", config_path)
    return ZoneInfo("UTC")


def _timezone_from_yaml(config_path: Path) -> str | None:
    import yaml

    try:
        data = yaml.safe_load(config_path.read_text())
    except (OSError, yaml.YAMLError):
        return None
    athlete = data.get("athlete") if isinstance(data, dict) else None
    zone = athlete.get("timezone") if isinstance(athlete, dict) else None
    return zone if isinstance(zone, str) else None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserInputError(
            f"unknown time zone {name!r}; use an IANA name such as Europe/Oslo"
        ) from None
