"""`peakbot run`, `peakbot summary` and `peakbot status`: the service and what it sent."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from bot.cli.context import AppContext
from bot.errors import PeakbotError, UserInputError

if TYPE_CHECKING:
    from bot.service.cycle import Cycle

log = logging.getLogger(__name__)


def _open_cycle(app: AppContext, *, today: date | None) -> Cycle:
    from bot.cli.main import set_log_timezone
    from bot.notify.deliver import Notifier
    from bot.service.calendar_watch import CalendarWatch
    from bot.service.clock import Clock, DayClock, SystemClock
    from bot.service.cycle import Cycle

    calendar = CalendarWatch(app.config_path)
    timezone = calendar.load().athlete.timezone
    set_log_timezone(timezone)
    clock: Clock = SystemClock() if today is None else DayClock(today, timezone)
    return Cycle(
        app.settings,
        app.store,
        calendar,
        clock=clock,
        wall_clock=SystemClock(),
        notifier=Notifier(app.settings.apprise_urls),
        today=today,
    )


@click.command()
@click.option("--once", is_flag=True, help="Run one cycle (push, summary, sync) and exit.")
@click.option(
    "--today",
    metavar="DATE",
    help="Local date to run the cycle for, with --once: YYYY-MM-DD, race-19d or today.",
    show_default="today",
)
@click.pass_obj
def run(app: AppContext, once: bool, today: str | None) -> None:
    """Run the service: push, sync, analyse, tune and send summaries on a schedule.

    With --once, run one cycle and exit: for cron and for a first try. With no
    accounts configured, workouts go to FIT files, runs come from the activity
    folder and summaries to standard output and the summaries folder.

    The schedule, in the athlete's time zone, comes from settings in the
    environment or .env (see .env.example): PEAKBOT_PUSH_TIME (daily push, 04:30),
    PEAKBOT_SYNC_MINUTES (sync interval, 30), PEAKBOT_WAKING_HOURS (when syncs
    run, 06:00-22:00) and PEAKBOT_MORNING_TIME (morning summary, 06:30). A calendar
    edit or SIGHUP reloads the calendar and pushes at once.
    """
    from bot.service.lock import ProcessLock

    if today is not None and not once:
        raise UserInputError("--today works only with --once; the service runs on the clock")
    day = app.resolve_date(today, "--today") if today is not None else None

    with ProcessLock(app.settings.data_dir):
        if once:
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
    metavar="DATE",
    help="Local date of the summaries: YYYY-MM-DD, race-19d or today.",
    show_default="today",
)
@click.option(
    "--kind",
    type=click.Choice(["morning", "post-run"]),
    help="Only this kind of summary.",
    default=None,
    show_default="both",
)
@click.option(
    "--send",
    is_flag=True,
    help="Send the summaries again to every PEAKBOT_APPRISE_URLS target (or print them).",
)
@click.pass_obj
def summary(app: AppContext, on_date: str | None, kind: str | None, send: bool) -> None:
    """Show the summaries stored for a date; with --send, deliver them again.

    A morning summary that was never composed for that date is composed now
    (and stored and sent only with --send); that needs a valid calendar, while
    stored summaries show from the store alone. A post-run summary of a run too old
    to send when it was analysed is stored unsent; --send sends it.
    """
    from bot.notify.deliver import Notifier, flush_outbox
    from bot.notify.summary import render_morning
    from bot.service.clock import SystemClock
    from bot.store import jobs

    # Stored summaries come from the store alone, so they show even while the
    # calendar file is invalid; only today's date and composing a morning need it.
    day = app.resolve_date(on_date, "--date") if on_date is not None else None
    cycle = _open_cycle(app, today=None) if day is None else None
    if day is None:
        assert cycle is not None
        day = cycle.today()
    stored = jobs.list_summaries(app.store, local_date=day, kind=kind)
    if kind in (None, "morning") and not any(s.kind == "morning" for s in stored):
        if cycle is None or cycle.today() != day:
            cycle = _open_cycle(app, today=day)
        if send:
            created = cycle.store_morning(day)
            if created is not None:
                stored.append(created)
        else:
            rendered = render_morning(cycle.morning_facts(day))
            click.echo(rendered.text + "\n\n(composed now; not stored or sent)\n")
    if not stored and kind == "post-run":
        raise PeakbotError(f"no post-run summary for {day}: no run was analysed on that date")

    if not send:
        for item in stored:
            late = " (sent late)" if item.late else ""
            if not jobs.deliveries_for(app.store, item.id):
                late += " (stored, not sent; --send sends it)"
            click.echo(f"--- {item.kind} {item.local_date}{late} ---\n{item.text}\n")
        return

    notifier = cycle.notifier if cycle is not None else Notifier(app.settings.apprise_urls)
    clock = cycle.clock if cycle is not None else SystemClock()
    now = cycle.wall_clock.now() if cycle is not None else clock.now()
    for item in stored:
        for target in notifier.targets():
            if not jobs.add_delivery(app.store, item.id, target, now):
                jobs.requeue_delivery(app.store, item.id, target, now)
    report = flush_outbox(app.store, notifier, clock.now, summary_ids={s.id for s in stored})
    click.echo(f"sent {report.sent}, failed {report.failed}", err=True)
    if report.failed:
        sys.exit(1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_obj
def status(app: AppContext, as_json: bool) -> None:
    """Show each job's last and next run, the last error, token expiry and pushed sessions."""
    from zoneinfo import ZoneInfo

    from bot.service.status import collect_status, format_status

    timezone = ZoneInfo("UTC")
    try:
        timezone = app.calendar.athlete.timezone
    except UserInputError as error:
        # The status is still useful in UTC, and the warning gives the reason.
        log.warning("times in UTC: %s", error)
    today = datetime.now(timezone).date()
    result = collect_status(app.settings, app.store, today=today, timezone=timezone)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(format_status(result))
