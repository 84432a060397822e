"""The daily cycle as job functions: push, sync (then analyse and tune), morning summary.

The scheduler, `peakbot run --once` and the tests call the same functions. Each job
runs under one lock, is recorded in the store (start, end, result, error) and never
raises: a failing job logs its error with the ids involved and runs again on its
next tick, and the other jobs go on.
"""

from __future__ import annotations

import logging
import shlex
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.config.settings import DEFAULT_CONFIG_PATH, Settings
from bot.errors import PeakbotError, ServiceError
from bot.notify.deliver import Notifier, flush_outbox, summary_file_stem, write_summary_files
from bot.notify.summary import (
    MORNING,
    MorningFacts,
    PostRunFacts,
    SessionView,
    Summary,
    TuningLine,
    render_morning,
    render_post_run,
)
from bot.service import records
from bot.service.calendar_watch import CalendarWatch
from bot.service.clock import Clock
from bot.store import jobs
from bot.store.db import Store

if TYPE_CHECKING:
    from bot.activities.model import Activity
    from bot.activities.sync import ActivitySource
    from bot.analysis.model import SessionAnalysis
    from bot.coach.tune import TuningDecision
    from bot.config.calendar import Calendar
    from bot.garmin.report import WorkoutDestination
    from bot.plan import PlannedSession

log = logging.getLogger(__name__)

PUSH = "push"
SYNC = "sync"
MORNING_JOB = "morning-summary"
CALENDAR = "calendar"

# A run older than this many days still gets analysed, tuned and a stored post-run
# summary, but the summary is not sent: the first sync of a long Strava history must
# not send dozens of messages. `peakbot summary --date D --send` sends one on request.
POST_RUN_MAX_AGE_DAYS = 2
# A job's detail starting with this records the run as skipped.
SKIPPED = "skipped: "
# The morning summary counts as late when it goes out this long after its time.
LATE_AFTER = timedelta(minutes=15)


def parse_clock_time(text: str, name: str) -> time:
    """Read "HH:MM"; raises UserInputError naming the setting."""
    from bot.errors import UserInputError

    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise UserInputError(f"{name}={text!r} is not a time of day such as 06:30") from None


def parse_waking_hours(text: str) -> tuple[time, time]:
    """Read "HH:MM-HH:MM" (PEAKBOT_WAKING_HOURS) into its start and end."""
    from bot.errors import UserInputError

    start, sep, end = text.partition("-")
    if not sep:
        raise UserInputError(
            f"PEAKBOT_WAKING_HOURS={text!r} is not a range of times such as 06:00-22:00"
        )
    return (
        parse_clock_time(start.strip(), "PEAKBOT_WAKING_HOURS"),
        parse_clock_time(end.strip(), "PEAKBOT_WAKING_HOURS"),
    )


@dataclass(frozen=True)
class JobOutcome:
    job: str
    result: str  # "ok", "skipped" or "error"
    detail: str = ""
    error: str | None = None


class Cycle:
    """The jobs of one peakbot process over one store, calendar, clock and notifier.

    `today` fixes the local date (for `run --once --today`); otherwise it comes
    from the clock in the athlete's time zone.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        calendar: CalendarWatch,
        *,
        clock: Clock,
        notifier: Notifier,
        today: date | None = None,
        wall_clock: Clock | None = None,
        open_destination: Callable[[Settings, Store], WorkoutDestination] | None = None,
        open_source: Callable[[Settings, Store], ActivitySource] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.calendar = calendar
        self.clock = clock
        # Job runs are recorded at the real time even when `clock` pins another date.
        self.wall_clock = wall_clock or clock
        self.notifier = notifier
        self._today = today
        # Lines about the last sync's analyses that the job's detail adds, such as a
        # post-run summary stored but not sent.
        self.analysis_notes: list[str] = []
        self._open_destination = open_destination
        self._open_source = open_source
        # Held by every job, so no two jobs run at once.
        self.lock = threading.Lock()
        # Warnings of the last sync, so a repeated one is logged once.
        self._sync_warnings_seen: set[str] = set()
        # Set when tuning changed a prescription; `sync_and_push` then pushes at once.
        self.plan_changed = False
        self.morning_time = parse_clock_time(settings.morning_summary_time, "PEAKBOT_MORNING_TIME")

    # --- Time -------------------------------------------------------------------------------

    @property
    def timezone(self) -> ZoneInfo:
        return self.calendar.current().athlete.timezone

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(self.timezone)

    def today(self) -> date:
        return self._today if self._today is not None else self.local_now().date()

    # --- Job wrapper ------------------------------------------------------------------------

    def run_job(self, name: str, work: Callable[[], str]) -> JobOutcome:
        """Run one job under the cycle lock, record it and flush the outbox.

        Errors are logged and recorded, not raised, so one failing job never stops the others.
        """
        with self.lock:
            run_id = jobs.start_job_run(self.store, name, self.wall_clock.now())
            log.info("job %s started (run %d)", name, run_id)
            try:
                detail = work()
            except PeakbotError as error:
                outcome = JobOutcome(name, "error", error=error_text(error))
                log.error("job %s failed (run %d): %s", name, run_id, error)
                records.note_auth(self.store, name, error, self.wall_clock.now())
            except Exception as error:
                # An unexpected error keeps its class name: its message alone may be
                # as short as a key or a number.
                outcome = JobOutcome(
                    name, "error", error=error_text(error, f"{type(error).__name__}: ")
                )
                log.exception("job %s failed (run %d) with an unexpected error", name, run_id)
            else:
                records.note_auth(self.store, name, None, self.wall_clock.now())
                result = "ok"
                if detail.startswith(SKIPPED):
                    result, detail = "skipped", detail.removeprefix(SKIPPED)
                outcome = JobOutcome(name, result, detail)
                log.info("job %s finished (run %d): %s", name, run_id, detail)
            recorded = outcome.detail
            if self._today is not None:
                # The run's time is the real one; the stored detail keeps the pinned date.
                recorded = f"{recorded}; date {self._today} from --today".lstrip("; ")
            jobs.finish_job_run(
                self.store,
                run_id,
                self.wall_clock.now(),
                result=outcome.result,
                detail=recorded or None,
                error=outcome.error,
            )
            self._flush()
            return outcome

    def _flush(self) -> None:
        try:
            flush_outbox(self.store, self.notifier, self.clock.now)
        except Exception:
            # The outbox records each delivery itself; an error here (a locked
            # database) leaves the rest due for the next job.
            log.exception("sending due summaries failed; they stay due for the next job")

    # --- Jobs -------------------------------------------------------------------------------

    def push(self) -> JobOutcome:
        return self.run_job(PUSH, self._push)

    def sync(self) -> JobOutcome:
        return self.run_job(SYNC, self._sync)

    def sync_and_push(self) -> list[JobOutcome]:
        """Sync, and push again when tuning changed a prescription, so the watch has it."""
        self.plan_changed = False
        outcomes = [self.sync()]
        if self.plan_changed:
            self.plan_changed = False
            outcomes.append(self.push())
        return outcomes

    def morning(self, *, allow_late: bool = True) -> JobOutcome:
        return self.run_job(MORNING_JOB, lambda: self._morning(allow_late=allow_late))

    def check_calendar(self, *, force: bool = False) -> JobOutcome | None:
        """Reload a changed calendar; recorded as a job run only when something changed."""
        return self._check_calendar(force=force)[1]

    def reload_calendar(self, *, force: bool = False) -> list[JobOutcome]:
        """Check the calendar file and push at once when a new calendar is in use.

        An edit made during the day reaches the watch without waiting for the daily
        push; a push with nothing changed costs a comparison per session.
        """
        changed, outcome = self._check_calendar(force=force)
        outcomes = [outcome] if outcome is not None else []
        if changed:
            outcomes.append(self.push())
        return outcomes

    def _check_calendar(self, *, force: bool) -> tuple[bool, JobOutcome | None]:
        before = self.calendar.problem
        changed = self.calendar.check(force=force)
        if not changed and self.calendar.problem == before and not force:
            return False, None
        self._save_calendar_problem()
        detail = "calendar reloaded" if changed else "calendar kept"
        return changed, self.run_job(CALENDAR, lambda: self._calendar_result(detail))

    def _calendar_result(self, detail: str) -> str:
        if self.calendar.problem:
            raise ServiceError(self.calendar.problem)
        return detail

    def _save_calendar_problem(self) -> None:
        jobs.set_state(self.store, "calendar_problem", self.calendar.problem, self.clock.now())

    def calendar_problem(self) -> str | None:
        return self.calendar.problem

    def plan(self) -> list[PlannedSession]:
        from bot.plan import build_plan, load_stored_prescriptions

        return build_plan(self.calendar.current(), load_stored_prescriptions(self.store))

    def _push(self) -> str:
        if self._open_destination is None:
            from bot.garmin.destination import open_destination

            self._open_destination = open_destination
        destination = self._open_destination(self.settings, self.store)
        report = destination.push(
            self.plan(), today=self.today(), days=self.settings.push_horizon_days
        )
        actions: dict[str, int] = {}
        for result in report.results:
            actions[result.action] = actions.get(result.action, 0) + 1
        detail = ", ".join(f"{count} {action}" for action, count in sorted(actions.items()))
        detail = f"{destination.name}: {detail or 'nothing in the horizon'}"
        if not report.ok:
            raise ServiceError(f"{detail}; not pushed yet: {', '.join(report.pending)}")
        return detail

    def _sync(self) -> str:
        if self._open_source is None:
            from bot.activities.sync import open_source

            self._open_source = open_source
        source = self._open_source(self.settings, self.store)
        report = source.sync(timezone=self.timezone, now=self.clock.now())
        # A missing folder or a damaged file is reported on every sync. Each distinct
        # warning is logged once at warning level, so it shows without -v and does not
        # fill the journal.
        for warning in report.warnings:
            if warning not in self._sync_warnings_seen:
                log.warning("sync from %s: %s", source.name, warning)
        self._sync_warnings_seen = set(report.warnings)
        self.analysis_notes = []
        redo = records.forget_activities(self.store, [*report.removed, *report.updated])
        if redo:
            log.info("runs changed or deleted; analysing again: %s", ", ".join(sorted(set(redo))))
        analysed = self.analyse_due(source)
        detail = (
            f"{source.name}: {len(report.new)} new, {len(report.updated)} updated, "
            f"{len(report.removed)} removed, {report.requests} requests; "
            f"{len(analysed)} analysed"
        )
        if analysed:
            detail += f" ({', '.join(analysed)})"
        for note in self.analysis_notes:
            detail += f"; {note}"
        if report.deferred:
            detail += f"; deferred: {report.deferred}"
        return detail

    # --- Analyse and tune -------------------------------------------------------------------

    def analyse_due(self, source: ActivitySource | None) -> list[str]:
        """Analyse every past or current session with a run and no analysis; return their ids.

        Sessions are analysed in date order, and the coach tunes only from the latest
        session of each family analysed here, so a catch-up sync decides once.
        """
        from bot.store.activities import activities_on

        plan = self.plan()
        today = self.today()
        self._settle_analyses(plan)
        used = records.used_activity_keys(self.store)
        found: list[tuple[PlannedSession, Activity, SessionAnalysis]] = []
        for session in plan:
            if session.date > today or records.has_analysis(self.store, session.id):
                continue
            # A run measures one session only, whichever id that session has now.
            candidates = [a for a in activities_on(self.store, session.date) if a.key not in used]
            if not candidates:
                continue
            result = self._analyse(session, candidates, source)
            if result is None:
                continue
            activity, analysis = result
            used.add(activity.key)
            found.append((session, activity, analysis))

        latest = {session.workout_key: session.id for session, _, _ in found}
        done: list[str] = []
        for session, activity, analysis in found:
            decision: TuningDecision | None = None
            line: TuningLine | None = None
            if latest[session.workout_key] == session.id:
                decision, line = self._tune(session, analysis, plan)
            age_days = (today - session.date).days
            send = age_days <= POST_RUN_MAX_AGE_DAYS
            if self._post_run(session, activity, analysis, line, send=send) and not send:
                self.analysis_notes.append(
                    f"post-run summary for {session.id} stored, not sent: "
                    f"the run is {age_days} days old"
                )
            # Saved last: a crash before this line redoes the session on the next sync,
            # and the decision and the summary are idempotent.
            records.save_analysis(self.store, session, activity, analysis, decision)
            log.info(
                "session %s analysed from %s: compliance %s%% (%s)",
                session.id,
                activity.key,
                analysis.metrics.compliance,
                analysis.metrics.colour,
            )
            done.append(session.id)
        return done

    def _settle_analyses(self, plan: list[PlannedSession]) -> None:
        """Fit the stored analyses to the runs and the calendar as they are now."""
        dropped = records.forget_missing_activities(self.store)
        if dropped:
            log.info("runs no longer stored; analysing again: %s", ", ".join(sorted(dropped)))
        for old_id, new_id in records.realign_analyses(self.store, plan).items():
            if new_id is None:
                log.info("analysis of %s dropped: no session on its date has its workout", old_id)
            else:
                log.info("analysis of %s moved to %s: the session ids shifted", old_id, new_id)

    def _analyse(
        self,
        session: PlannedSession,
        candidates: list[Activity],
        source: ActivitySource | None,
    ) -> tuple[Activity, SessionAnalysis] | None:
        from bot.analysis.match import analyze_with_streams, match_with_streams

        def load_streams(activity: Activity, required: bool) -> bool:
            return self._load_streams(session, activity, source)

        match = match_with_streams(session, candidates, load_streams)
        if match.activity is None:
            log.debug("session %s: %s", session.id, match.reason)
            return None
        activity = match.activity
        analysis = analyze_with_streams(session.workout, activity, load_streams, match.analysis)
        return activity, analysis

    def _load_streams(
        self, session: PlannedSession, activity: Activity, source: ActivitySource | None
    ) -> bool:
        """Attach the activity's streams from the source; return whether it now has them.

        A rate-limited source is not an error here: the session stays unanalysed and
        the next sync tries again.
        """
        if activity.streams is not None:
            return False
        if source is None:
            return False
        try:
            streams = source.load_streams(activity)
        except ServiceError as error:
            log.warning(
                "session %s: streams of %s not loaded, retrying on the next sync: %s",
                session.id,
                activity.key,
                error,
            )
            return False
        if streams is None:
            return False
        activity.streams = streams
        return True

    def _tune(
        self,
        session: PlannedSession,
        analysis: SessionAnalysis,
        plan: list[PlannedSession],
    ) -> tuple[TuningDecision | None, TuningLine | None]:
        """Decide the next prescription of the session's family and store it."""
        from bot.coach.tune import decide_next

        today = self.today()
        family = [s for s in plan if s.workout_key == session.workout_key]
        # A later session of the family that already has a run decided after this one.
        if any(
            session.date < s.date <= today and records.has_analysis(self.store, s.id)
            for s in family
        ):
            return None, None
        # Only a session still to come is tuned: one done or due today keeps what was run.
        following = [
            s
            for s in family
            if s.date > session.date
            and s.date > today
            and not records.has_analysis(self.store, s.id)
        ]
        if not following:
            return None, None
        next_session = following[0]
        history: list[tuple[PlannedSession, SessionAnalysis | None]] = []
        for past in family:
            if past.date > session.date:
                break
            if past.id == session.id:
                history.append((past, analysis))
            else:
                history.append((past, records.get_analysis(self.store, past.id)))
        decision = decide_next(
            session.workout_key,
            history,
            next_session,
            session.bounds,
            days_to_race=next_session.days_to_race,
            units=self.calendar.current().athlete.units,
        )
        changed = decision.text.strip() != next_session.text.strip()
        if session.bounds.tune:
            records.save_tuned(self.store, next_session, decision)
            if changed:
                self.plan_changed = True
        jobs.record_tuning(
            self.store,
            session_id=session.id,
            next_session_id=next_session.id,
            now=self.clock.now(),
            action=decision.action,
            text=decision.text if changed else None,
            reason=decision.reason,
        )
        log.info(
            "session %s tuned %s for %s: %s",
            session.id,
            decision.action,
            next_session.id,
            decision.reason,
        )
        line = TuningLine(
            next_session.id,
            f"{next_session.title} on {next_session.date:%a %d %b}",
            _one_line(decision.text) if changed else None,
            decision.reason,
        )
        return decision, line

    # --- Summaries --------------------------------------------------------------------------

    def _post_run(
        self,
        session: PlannedSession,
        activity: Activity,
        analysis: SessionAnalysis,
        decision: TuningLine | None,
        *,
        send: bool,
    ) -> bool:
        """Store the post-run summary, queued for sending when `send`; False if it exists.

        A run gets one post-run summary, whatever id its session has. A session whose
        run changed gets its summary again once, titled as an update.
        """
        if jobs.summary_of_activity(self.store, "post-run", activity.key) is not None:
            return False
        existing = jobs.get_summary(self.store, "post-run", session.date, session.id)
        if existing is not None and existing.activity_key in (None, activity.key):
            return False
        facts = PostRunFacts(
            session=_view(session),
            units=self.calendar.current().athlete.units,
            analysis=analysis,
            activity_name=activity.name,
            activity_distance_m=activity.distance_m,
            activity_time_s=activity.moving_time_s or activity.elapsed_time_s,
            decision=decision,
            calendar_problem=self.calendar_problem(),
            easy_pace_s_per_km=session.easy_pace_s_per_km,
        )
        summary = render_post_run(facts)
        if existing is None:
            return self.store_summary(summary, send=send, activity_key=activity.key) is not None
        title = summary.title.removeprefix("updated: ")
        replaced = jobs.replace_summary(
            self.store,
            existing.id,
            now=self.clock.now(),
            title=f"updated: {title}",
            text=summary.text,
            html=summary.html,
            chart_png=summary.chart_png,
            activity_key=activity.key,
            targets=self.notifier.targets() if send else [],
        )
        log.info(
            "post-run summary %s for %s rewritten: its run is now %s",
            existing.id,
            session.id,
            activity.key,
        )
        if replaced is not None:
            self._write_files(replaced)
        return replaced is not None

    def _morning(self, *, allow_late: bool) -> str:
        today = self.today()
        if jobs.get_summary(self.store, MORNING, today) is not None:
            return (
                f"{SKIPPED}the morning summary for {today} exists; "
                f"`{self._summary_command(today)}` shows it"
            )
        local_now = self.local_now()
        scheduled = datetime.combine(today, self.morning_time, tzinfo=self.timezone)
        late_at = None
        if allow_late and self._today is None and local_now - scheduled > LATE_AFTER:
            late_at = local_now
        self.store_morning(today, late_at=late_at)
        return f"morning summary for {today}" + (" (late)" if late_at else "")

    def _summary_command(self, day: date) -> str:
        """Return the `peakbot summary` command that reads this cycle's store and calendar.

        The data folder and calendar appear only when they differ from the defaults, so the
        command shows the stored message instead of composing a new one from ./data.
        """
        words = []
        if self.settings.data_dir != Settings().data_dir:
            words.append(f"PEAKBOT_DATA_DIR={shlex.quote(str(self.settings.data_dir))}")
        words.append("peakbot")
        if self.calendar.path != DEFAULT_CONFIG_PATH:
            words += ["--config", shlex.quote(str(self.calendar.path))]
        words += ["summary", "--date", day.isoformat()]
        return " ".join(words)

    def store_morning(
        self, today: date, *, late_at: datetime | None = None
    ) -> jobs.StoredSummary | None:
        """Compose, store and queue the morning summary; mark the tunings it reports.

        None when a morning summary for `today` exists.
        """
        facts, note_ids = self._morning_facts(today, late_at=late_at)
        stored = self.store_summary(render_morning(facts))
        if stored is not None and note_ids:
            jobs.mark_tuning_reported(self.store, note_ids, stored.id)
        return stored

    def morning_facts(self, today: date, *, late_at: datetime | None = None) -> MorningFacts:
        """Gather the facts of the morning summary for `today`, with unreported tunings."""
        return self._morning_facts(today, late_at=late_at)[0]

    def _morning_facts(
        self, today: date, *, late_at: datetime | None
    ) -> tuple[MorningFacts, list[int]]:
        from bot.plan import calendar_easy_pace
        from bot.store.activities import list_activities

        calendar: Calendar = self.calendar.current()
        plan = self.plan()
        todays = [s for s in plan if s.date == today]
        upcoming = [s for s in plan if s.date > today]
        week_start = today - timedelta(days=today.weekday())
        week_end = week_start + timedelta(days=6)
        planned_m = sum(
            s.workout.distance_m(s.easy_pace_s_per_km)
            for s in plan
            if week_start <= s.date <= week_end
        )
        done_m = sum(
            a.distance_m
            for a in list_activities(self.store, since=week_start)
            if week_start <= a.local_date <= min(today, week_end)
        )
        by_id = {s.id: s for s in plan}
        tuned = []
        # Each tuning is reported by the first morning summary after it, not by timestamp,
        # because `run --once` composes the morning just before the sync that tunes.
        note_ids: list[int] = []
        for note in jobs.unreported_tuning_notes(self.store):
            target = by_id.get(note.next_session_id or "")
            if target is None or target.date < today:
                continue
            note_ids.append(note.id)
            tuned.append(
                TuningLine(
                    target.id,
                    f"{target.title} on {target.date:%a %d %b}",
                    _one_line(note.text) if note.text else None,
                    note.reason,
                )
            )
        facts = MorningFacts(
            today=today,
            units=calendar.athlete.units,
            session=_view(todays[0]) if todays else None,
            next_session=_view(upcoming[0]) if upcoming else None,
            race_name=calendar.race.name,
            race_date=calendar.race.date,
            tuned=tuned,
            week_start=week_start,
            week_planned_m=planned_m,
            week_done_m=done_m,
            late_at=late_at,
            scheduled_time=self.settings.morning_summary_time,
            calendar_problem=self.calendar_problem(),
            easy_pace_s_per_km=calendar_easy_pace(calendar),
            is_today=today == self.wall_clock.now().astimezone(self.timezone).date(),
        )
        return facts, note_ids

    def store_summary(
        self, summary: Summary, *, send: bool = True, activity_key: str | None = None
    ) -> jobs.StoredSummary | None:
        """Store a rendered summary and write its files; queue its deliveries when `send`.

        The summaries folder is a second record of what went out: a summary the store
        does not know but whose text file exists (the database was deleted) is
        recorded as sent, and neither sent nor written again.
        """
        now = self.clock.now()
        sent_file = self._summary_file(summary, now)
        already_sent = (
            sent_file.exists()
            and jobs.get_summary(self.store, summary.kind, summary.local_date, summary.session_id)
            is None
        )
        stored = jobs.create_summary(
            self.store,
            kind=summary.kind,
            local_date=summary.local_date,
            session_id=summary.session_id,
            now=now,
            late=summary.late,
            title=summary.title,
            text=summary.text,
            html=summary.html,
            chart_png=summary.chart_png,
            targets=self.notifier.targets() if send else [],
            already_sent=already_sent,
            activity_key=activity_key,
        )
        if stored is None:
            return None
        if already_sent:
            log.warning(
                "%s summary for %s%s: the store had no record but %s exists; "
                "recorded as sent, not sent again",
                summary.kind,
                summary.local_date,
                f" ({summary.session_id})" if summary.session_id else "",
                sent_file,
            )
            return stored
        self._write_files(stored)
        return stored

    def _write_files(self, stored: jobs.StoredSummary) -> None:
        try:
            write_summary_files(stored, self.settings.summaries_dir)
        except OSError as error:
            log.error(
                "could not write summary %s to %s: %s",
                stored.id,
                self.settings.summaries_dir,
                error,
            )

    def _summary_file(self, summary: Summary, now: datetime) -> Path:
        """Return the path of the text file that `write_summary_files` writes for this summary."""
        placeholder = jobs.StoredSummary(
            id=0,
            kind=summary.kind,
            local_date=summary.local_date,
            session_id=summary.session_id,
            created_utc=now,
            late=summary.late,
            title=summary.title,
            text=summary.text,
            html=summary.html,
            chart_png=None,
        )
        return self.settings.summaries_dir / f"{summary_file_stem(placeholder)}.txt"

    # --- Start-up ---------------------------------------------------------------------------

    def recover(self) -> None:
        """Settle what a previous process left half done, before any job runs."""
        now = self.clock.now()
        # `peakbot status` shows the stored problem; this process starts from a valid file.
        self._save_calendar_problem()
        runs = jobs.close_interrupted_runs(self.store, now)
        deliveries = jobs.settle_interrupted_deliveries(self.store, now)
        if runs or deliveries:
            log.warning(
                "previous process stopped mid-job: %d job runs closed, %d deliveries in flight "
                "marked unknown and not sent again",
                runs,
                deliveries,
            )

    def morning_is_due(self) -> bool:
        """True when today's morning summary time has passed and it was not stored."""
        local_now = self.local_now()
        if local_now.time() < self.morning_time:
            return False
        return jobs.get_summary(self.store, MORNING, self.today()) is None

    def run_once(self) -> list[JobOutcome]:
        """Run one full cycle for cron and first tries: push, morning summary, sync, analyse, tune.

        The morning summary comes before the sync so that its output reads in the
        day's order: the plan first, then the post-run summary of a run found.
        """
        self.recover()
        return [self.push(), self.morning(allow_late=False), *self.sync_and_push()]


def error_text(error: BaseException, prefix: str = "") -> str:
    """Return an error's message as a sentence for `peakbot status`, ending in a full stop."""
    text = f"{prefix}{error}".strip() or type(error).__name__
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _view(session: PlannedSession) -> SessionView:
    return SessionView(session.id, session.date, session.title, session.workout, session.note)


def _one_line(text: str) -> str:
    return "; ".join(line.strip().lstrip("- ").strip() for line in text.strip().splitlines())
