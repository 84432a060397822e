"""`peakbot run`: the cycle's jobs on an APScheduler BackgroundScheduler.

Schedule, in the athlete's time zone: push daily at PEAKBOT_PUSH_TIME, sync every
PEAKBOT_SYNC_MINUTES within PEAKBOT_WAKING_HOURS, the morning summary at
PEAKBOT_MORNING_TIME, and a calendar file check every minute, with a push right
after each reload so that a same-day edit reaches the watch. At start-up the
service catches up: push, a missed morning summary (marked late), sync.

Each job has max_instances=1 and coalesce=True, and all of them share the cycle's
lock, so no job runs twice at once. Between jobs the main thread sleeps in
`Event.wait()` and the scheduler thread in a timed wait for the next job, so an
idle service uses no CPU. SIGTERM and SIGINT stop it; SIGHUP reloads the calendar.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from datetime import datetime, time, timedelta
from types import FrameType
from typing import TYPE_CHECKING, Any

from bot.service.cycle import CALENDAR, MORNING_JOB, PUSH, SYNC, Cycle, parse_waking_hours
from bot.store import jobs

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.base import BaseTrigger

log = logging.getLogger(__name__)

# After a stop signal, how long a running job may take to finish before the process
# exits anyway. Every store write is one transaction, so the next start recovers.
STOP_GRACE_S = 5.0
# A job whose time passed while the process was busy or suspended still runs if it is
# at most this late.
MISFIRE_GRACE_S = 3600
CATCH_UP = "catch-up"


def in_waking_hours(moment: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end  # a range across midnight, e.g. 22:00-06:00


def next_waking_run(
    trigger: BaseTrigger, first: datetime, start: time, end: time
) -> datetime | None:
    """Return the first fire time from `first` on that falls in waking hours.

    The sync job fires all night but returns at once outside waking hours, so the
    fire time after 22:00 is not the next sync that runs. Returns None when no fire
    time in the next two days is inside waking hours.
    """
    moment: datetime | None = first
    limit = first + timedelta(days=2)
    while moment is not None and moment < limit:
        if in_waking_hours(moment.time(), start, end):
            return moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(microseconds=1))
    return None


class Service:
    def __init__(self, cycle: Cycle) -> None:
        self.cycle = cycle
        self.waking = parse_waking_hours(cycle.settings.waking_hours)
        self._wake = threading.Event()
        self._stop = False
        self._reload = False
        self._scheduler: BackgroundScheduler | None = None
        self._timezone_key: str | None = None
        self._saved_next_runs: dict[str, str] = {}

    # --- Job entry points (run in the scheduler's worker threads) ---------------------------

    def push_job(self) -> None:
        if not self._stop:
            self.cycle.push()

    def sync_job(self) -> None:
        if self._stop:
            return
        if not in_waking_hours(self.cycle.local_now().time(), *self.waking):
            return
        self.cycle.sync_and_push()

    def morning_job(self) -> None:
        if not self._stop:
            self.cycle.morning()

    def calendar_job(self, force: bool = False) -> None:
        if self._stop:
            return
        self.cycle.reload_calendar(force=force)
        if self._scheduler is not None and self.cycle.timezone.key != self._timezone_key:
            log.info("athlete time zone is now %s; rescheduling jobs", self.cycle.timezone.key)
            self._schedule(self._scheduler)

    def catch_up_job(self) -> None:
        if self._stop:
            return
        log.info("catching up on jobs missed while peakbot was not running")
        self.push_job()
        if self.cycle.morning_is_due():
            self.morning_job()
        if not self._stop:
            self.cycle.sync_and_push()

    # --- Scheduler --------------------------------------------------------------------------

    def build_scheduler(self) -> BackgroundScheduler:
        from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
        from apscheduler.schedulers.background import BackgroundScheduler

        scheduler = BackgroundScheduler(
            timezone=self.cycle.timezone,
            job_defaults={
                "max_instances": 1,
                "coalesce": True,
                "misfire_grace_time": MISFIRE_GRACE_S,
            },
            executors={"default": {"type": "threadpool", "max_workers": 2}},
        )
        scheduler.add_listener(
            lambda event: self.save_next_runs(),
            EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED,
        )
        self._scheduler = scheduler
        self._schedule(scheduler)
        return scheduler

    def _schedule(self, scheduler: BackgroundScheduler) -> None:
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        from bot.service.cycle import parse_clock_time

        settings = self.cycle.settings
        timezone = self.cycle.timezone
        self._timezone_key = timezone.key
        push_at = parse_clock_time(settings.push_time, "PEAKBOT_PUSH_TIME")
        morning_at = self.cycle.morning_time
        minutes = max(settings.sync_interval_minutes, 1)
        scheduler.add_job(
            self.push_job,
            CronTrigger(hour=push_at.hour, minute=push_at.minute, timezone=timezone),
            id=PUSH,
            name=PUSH,
            replace_existing=True,
        )
        scheduler.add_job(
            self.sync_job,
            IntervalTrigger(minutes=minutes, timezone=timezone),
            id=SYNC,
            name=SYNC,
            replace_existing=True,
        )
        scheduler.add_job(
            self.morning_job,
            CronTrigger(hour=morning_at.hour, minute=morning_at.minute, timezone=timezone),
            id=MORNING_JOB,
            name=MORNING_JOB,
            replace_existing=True,
        )
        scheduler.add_job(
            self.calendar_job,
            IntervalTrigger(minutes=1, timezone=timezone),
            id=CALENDAR,
            name=CALENDAR,
            replace_existing=True,
        )

    def save_next_runs(self) -> None:
        """Store each job's next run time, which `peakbot status` shows."""
        if self._scheduler is None:
            return
        next_runs: dict[str, str] = {}
        for job in self._scheduler.get_jobs():
            next_time: datetime | None = getattr(job, "next_run_time", None)
            # The calendar check runs every minute; storing its next run would mean a
            # write every minute for nothing.
            if next_time is not None and job.id == SYNC:
                next_time = next_waking_run(job.trigger, next_time, *self.waking)
            if next_time is not None and job.id not in (CATCH_UP, CALENDAR):
                next_runs[job.id] = next_time.isoformat(timespec="seconds")
        if next_runs == self._saved_next_runs:
            return
        self._saved_next_runs = next_runs
        try:
            jobs.set_state(self.cycle.store, "next_runs", next_runs, self.cycle.clock.now())
        except Exception:
            log.exception("could not store the next run times")

    # --- Main loop --------------------------------------------------------------------------

    def request_stop(self, *_: Any) -> None:
        self._stop = True
        self._wake.set()

    def request_reload(self, *_: Any) -> None:
        self._reload = True
        self._wake.set()

    def serve(self, *, install_signals: bool = True, run_for_s: float | None = None) -> int:
        """Run until SIGTERM or SIGINT (or `run_for_s` seconds); return the exit code."""
        if install_signals:
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)
            signal.signal(signal.SIGHUP, self._on_signal)

        self.cycle.recover()
        scheduler = self.build_scheduler()
        scheduler.start()
        scheduler.add_job(
            self.catch_up_job,
            id=CATCH_UP,
            name=CATCH_UP,
            next_run_time=datetime.now(self.cycle.timezone),
        )
        self.save_next_runs()
        log.info("peakbot service started (pid %d), time zone %s", os.getpid(), self._timezone_key)
        if run_for_s is not None:
            timer = threading.Timer(run_for_s, self.request_stop)
            timer.daemon = True
            timer.start()

        while not self._stop:
            self._wake.wait()
            self._wake.clear()
            if self._reload and not self._stop:
                self._reload = False
                log.info("reloading the calendar on request")
                scheduler.add_job(self.calendar_job, kwargs={"force": True}, name="calendar-reload")
        return self._shut_down(scheduler)

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        if number == signal.SIGHUP:
            self.request_reload()
        else:
            log.info("received %s, stopping", signal.Signals(number).name)
            self.request_stop()

    def _shut_down(self, scheduler: BackgroundScheduler) -> int:
        scheduler.shutdown(wait=False)
        lock = self.cycle.lock
        if lock.acquire(timeout=STOP_GRACE_S):
            lock.release()
            log.info("peakbot service stopped")
            return 0
        log.warning(
            "a job was still running %.0f s after the stop signal; exiting anyway, "
            "the next start recovers it",
            STOP_GRACE_S,
        )
        logging.shutdown()
        # The worker thread would keep the interpreter alive until its job ends.
        os._exit(0)
