"""`peakbot push`: put the sessions of the next days on Garmin Connect or in FIT files."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from typing import Any

import click

from bot.cli.context import AppContext

DRY_RUN_WORDS = {
    "created": "would create",
    "updated": "would update",
    "rescheduled": "would reschedule",
    "removed": "would remove",
    "scheduled": "would schedule",
}


@click.command()
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show what would change; send nothing to Garmin Connect and write no workout file.",
)
@click.option(
    "--days",
    type=click.IntRange(min=1, max=366),
    help="Days to push, today included.",
    show_default="PEAKBOT_PUSH_DAYS, else 7",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option(
    "--today",
    metavar="DATE",
    hidden=True,
    help="Local date to push from, instead of today in the athlete's time zone: "
    "YYYY-MM-DD, race-19d or today.",
)
@click.pass_obj
def push(
    app: AppContext, dry_run: bool, days: int | None, as_json: bool, today: str | None
) -> None:
    """Push each session of the next days to Garmin Connect, once, on its local date.

    Without Garmin tokens (see `peakbot auth garmin`) each session becomes a FIT
    workout file in the workout folder instead. Exits with status 1 when a session
    could not be pushed; the next push finishes it.
    """
    from bot.garmin.destination import local_today, open_destination
    from bot.service.cli_run import locked_run
    from bot.service.cycle import PUSH

    calendar = app.calendar
    sessions = app.plan
    if today is not None:
        start = app.resolve_date(today, "--today")
    else:
        start = local_today(calendar.athlete.timezone)
    horizon = days or max(app.settings.push_horizon_days, 1)
    with locked_run(app.settings.data_dir, app.store, PUSH) as run:
        destination = open_destination(app.settings, app.store)
        report = destination.push(sessions, today=start, days=horizon, dry_run=dry_run)
        run.detail = _run_detail(destination.name, report.results, dry_run)
        if not report.ok:
            run.error = f"not pushed yet: {', '.join(report.pending)}."
        if as_json:
            payload = {
                "destination": destination.name,
                "today": start.isoformat(),
                "days": horizon,
                "dry_run": dry_run,
                "ok": report.ok,
                "pending": report.pending,
                "results": [
                    {
                        "session_id": r.session_id,
                        "date": r.date.isoformat(),
                        "title": r.title,
                        "action": r.action,
                        "detail": r.detail,
                    }
                    for r in report.results
                ],
            }
            click.echo(json.dumps(payload, indent=2))
        else:
            click.echo(_heading(destination.name, start, horizon, dry_run, app))
            for r in report.results:
                action = DRY_RUN_WORDS.get(r.action, r.action) if dry_run else r.action
                line = f"{r.date.isoformat()}  {r.session_id:<24} {r.title:<28} {action}"
                click.echo(f"{line}  ({r.detail})" if r.detail else line)
            if not report.results:
                click.echo("No sessions in these days.")
            if report.pending:
                click.echo(
                    f"Not pushed yet: {', '.join(report.pending)}; the next push tries again.",
                    err=True,
                )
        if not report.ok:
            sys.exit(1)


def _run_detail(name: str, results: list[Any], dry_run: bool) -> str:
    """Count the results by action, the way the service's push job records them."""
    actions: dict[str, int] = {}
    for result in results:
        actions[result.action] = actions.get(result.action, 0) + 1
    counts = ", ".join(f"{count} {action}" for action, count in sorted(actions.items()))
    return f"{name}: {counts or 'nothing in the horizon'}" + ("; dry run" if dry_run else "")


def _heading(name: str, start: date, days: int, dry_run: bool, app: AppContext) -> str:
    end = start + timedelta(days=days - 1)
    where = "Garmin Connect" if name == "garmin" else f"FIT files in {app.settings.workouts_out}"
    prefix = "Dry run: " if dry_run else ""
    return f"{prefix}{where}, {start.isoformat()} to {end.isoformat()}"
