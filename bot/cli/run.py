"""`peakbot run`, `peakbot summary` and `peakbot status`: the service and what it sent."""

from __future__ import annotations

import json
import logging
import shutil
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.context import AppContext
from bot.errors import PeakbotError, UserInputError

if TYPE_CHECKING:
    from bot.service.cycle import Cycle

log = logging.getLogger(__name__)

# Example activity shipped with the repository, copied into an empty activity folder
# on the first offline `run --once` so the first try has a run to analyse.
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples" / "activities"


def _open_cycle(app: AppContext, *, today: date | None) -> Cycle:
    from bot.notify.deliver import Notifier
    from bot.service.calendar_watch import CalendarWatch
    from bot.service.clock import Clock, DayClock, SystemClock
    from bot.service.cycle import Cycle

    calendar = CalendarWatch(app.config_path)
    timezone = calendar.load().athlete.timezone
    clock: Clock = SystemClock() if today is None else DayClock(today, timezone)
    return Cycle(
        app.settings,
        app.store,
        calendar,
        clock=clock,
        notifier=Notifier(app.settings.apprise_urls),
        today=today,
    )


def seed_example_activities(app: AppContext) -> list[Path]:
    """Copy the shipped example activities into the default activity folder on first use.

    Only when PEAKBOT_ACTIVITY_DIR is unset and <data dir>/activities does not exist yet,
    so a folder the runner emptied on purpose stays empty.
    """
    settings = app.settings
    folder = settings.activities_in
    if settings.activity_dir is not None or folder.exists() or not EXAMPLES_DIR.is_dir():
        return []
    folder.mkdir(parents=True)
    copied = []
    for example in sorted(EXAMPLES_DIR.glob("*.fit")):
        shutil.copy2(example, folder / example.name)
        copied.append(folder / example.name)
    return copied


@click.command()
@click.option("--once", is_flag=True, help="Run one cycle (push, summary, sync) and exit.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Local date to run the cycle for (YYYY-MM-DD), with --once. Default: today.",
)
@click.pass_obj
def run(app: AppContext, once: bool, today: datetime | None) -> None:
    """Run the service: push, sync, analyse, tune and send summaries on a schedule.

    With --once, run one cycle and exit: for cron and for a first try. With no
    accounts configured, workouts go to FIT files, runs come from the activity
    folder and summaries to standard output and the summaries folder.
    """
    from bot.service.lock import ProcessLock

    day = today.date() if today is not None else None
    if day is not None and not once:
        raise UserInputError("--today works only with --once; the service runs on the clock")

    with ProcessLock(app.settings.data_dir):
        if once:
            for path in seed_example_activities(app):
                click.echo(f"Copied the example activity {path.name} into {path.parent}.", err=True)
            cycle = _open_cycle(app, today=day)
            outcomes = cycle.run_once()
            failed = [o for o in outcomes if o.result == "error"]
            for outcome in outcomes:
                line = f"{outcome.job}: {outcome.result}"
                line += (
                    f" ({outcome.error or outcome.detail})"
                    if outcome.error or outcome.detail
                    else ""
                )
                click.echo(line, err=True)
            if failed:
                sys.exit(1)
            return

        from bot.service.service import Service

        root = logging.getLogger()
        if root.level > logging.INFO:
            # A service logs each job's start and end; -v still gives debug output.
            root.setLevel(logging.INFO)
        cycle = _open_cycle(app, today=None)
        sys.exit(Service(cycle).serve())


@click.command()
@click.option(
    "--date",
    "on_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Local date of the summaries (YYYY-MM-DD). Default: today.",
)
@click.option(
    "--kind",
    type=click.Choice(["morning", "post-run"]),
    help="Only this kind of summary. Default: both.",
)
@click.option(
    "--send",
    is_flag=True,
    help="Send the summaries again to every PEAKBOT_APPRISE_URLS target (or print them).",
)
@click.pass_obj
def summary(app: AppContext, on_date: datetime | None, kind: str | None, send: bool) -> None:
    """Show the summaries stored for a date; with --send, deliver them again.

    A morning summary that was never composed for that date is composed now
    (and stored and sent only with --send).
    """
    from bot.notify.deliver import flush_outbox
    from bot.notify.summary import render_morning
    from bot.store import jobs

    cycle = _open_cycle(app, today=on_date.date() if on_date is not None else None)
    day = cycle.today()
    stored = jobs.list_summaries(app.store, local_date=day, kind=kind)
    if kind in (None, "morning") and not any(s.kind == "morning" for s in stored):
        rendered = render_morning(cycle.morning_facts(day))
        if send:
            created = cycle.store_summary(rendered)
            if created is not None:
                stored.append(created)
        else:
            click.echo(rendered.text + "\n\n(composed now; not stored or sent)\n")
    if not stored and kind == "post-run":
        raise PeakbotError(f"no post-run summary for {day}: no run was analysed on that date")

    if not send:
        for item in stored:
            late = " (sent late)" if item.late else ""
            click.echo(f"--- {item.kind} {item.local_date}{late} ---\n{item.text}\n")
        return

    now = cycle.clock.now()
    for item in stored:
        for target in cycle.notifier.targets():
            if not jobs.add_delivery(app.store, item.id, target, now):
                jobs.requeue_delivery(app.store, item.id, target, now)
    report = flush_outbox(
        app.store, cycle.notifier, cycle.clock.now, summary_ids={s.id for s in stored}
    )
    click.echo(f"sent {report.sent}, failed {report.failed}", err=True)
    if report.failed:
        sys.exit(1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_obj
def status(app: AppContext, as_json: bool) -> None:
    """Show each job's last and next run, the last error, token expiry and pushed sessions."""
    from bot.service.status import collect_status, format_status

    today = date.today()
    try:
        from bot.config.load import load_calendar
        from bot.service.clock import SystemClock

        timezone = load_calendar(app.config_path).athlete.timezone
        today = SystemClock().now().astimezone(timezone).date()
    except UserInputError:
        pass  # the status is still useful with the machine's date
    result = collect_status(app.settings, app.store, today=today)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(format_status(result))
