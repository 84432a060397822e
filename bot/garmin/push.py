"""Push planned sessions to the Garmin Connect calendar and reconcile what is there.

For every session in the horizon (today .. today + days - 1, local dates) Garmin
Connect must end up with exactly one peakbot workout scheduled once on the
session's date. Each run starts from two listings (the workout library and the
schedules by period) and the local store:

- A workout is peakbot's when its description carries the marker written by
  `bot.garmin.workout_json`, or when the store recorded its id. No other workout
  is ever changed.
- Missing: upload, then schedule.
- Changed content (the marker's hash differs): update in place, which keeps the
  workout id and its schedules.
- Moved: schedule on the new date, then unschedule the old date.
- Removed from the calendar: unschedule and delete.
- Duplicates (two workouts for one session, or one workout scheduled twice on a
  date): keep one and remove the rest.

An unchanged plan costs the two listings and no write. Because the listings are
the source of truth, a run killed at any point, a lost store or a workout
deleted by hand is repaired by the next run without duplicates. Writes that may
have happened despite an error (a timeout or a 5xx on upload or schedule) are
never repeated blindly: the run lists again and reconciles from there.
"""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from bot.config.settings import Settings
from bot.garmin.client import (
    AmbiguousWrite,
    NotFoundError,
    RequestRejected,
    Retrying,
    TransientError,
    connect,
    translate,
)
from bot.garmin.report import Action, PushReport, PushResult, horizon
from bot.garmin.workout_json import (
    Marker,
    content_hash,
    garmin_workout_json,
    looks_like_peakbot_name,
    parse_marker,
)
from bot.plan import PlannedSession
from bot.store.db import Store
from bot.store.pushed import PushedWorkout, delete_pushed, list_pushed, save_pushed

if TYPE_CHECKING:
    from garminconnect import Garmin

log = logging.getLogger(__name__)

T = TypeVar("T")

DESTINATION = "garmin"
LISTING_PAGE_SIZE = 100
# Schedules further ahead than this are never listed, even when the store records them.
MAX_LISTING_DAYS = 370


STOPPED = "not pushed yet: the push stopped after an error"


class WaitTooLong(TransientError):
    """Garmin Connect sent a Retry-After longer than the retries may wait."""

    def __init__(self, label: str, retry_after_s: float) -> None:
        super().__init__(
            f"{label}: Garmin asked to wait {retry_after_s:.0f} s; the next push tries again",
            retry_after_s=retry_after_s,
            rate_limited=True,
        )


@dataclass(frozen=True)
class RemoteWorkout:
    workout_id: int
    name: str
    marker: Marker | None


@dataclass(frozen=True)
class RemoteSchedule:
    schedule_id: int | None
    workout_id: int
    date: date


@dataclass
class RemoteState:
    """Peakbot's workouts and their schedules as listed at the start of a pass."""

    own: dict[int, RemoteWorkout]
    session_of: dict[int, str]  # workout id -> session id
    schedules: dict[int, list[RemoteSchedule]]  # workout id -> its schedules, by date
    all_workout_ids: set[int] = field(default_factory=set)


class GarminDestination:
    """Workout destination on the Garmin Connect calendar, started from saved tokens."""

    name = "garmin"

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        retrying: Retrying | None = None,
        garmin: Garmin | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.retrying = retrying or Retrying()
        self._garmin = garmin

    def push(
        self, sessions: list[PlannedSession], *, today: date, days: int, dry_run: bool = False
    ) -> PushReport:
        horizon_end, in_horizon = horizon(sessions, today, days)
        log.info(
            "push to Garmin Connect started: %d sessions from %s to %s%s",
            len(in_horizon),
            today,
            horizon_end,
            " (dry run)" if dry_run else "",
        )
        garmin = self._client()
        results: dict[str, PushResult] = {}
        run: _Pass | None = None
        stop: TransientError | None = None
        for pass_number in range(1, self.retrying.tries + 1):
            run = None
            try:
                state = self._read_state(garmin, today, horizon_end)
                run = _Pass(self, garmin, state, sessions, today, horizon_end, dry_run, results)
                run.reconcile(in_horizon)
                stop = None
                break
            except WaitTooLong as error:
                stop = error
                log.error("push to Garmin Connect stopped: %s", error)
                break
            except AmbiguousWrite as error:
                stop = error
                if pass_number == self.retrying.tries:
                    log.error("push to Garmin Connect stopped: %s", error)
                    break
                wait = self.retrying.wait_s(pass_number)
                log.warning("%s; listing again in %.1f s to check what happened", error, wait)
                self.retrying.sleep(wait)
            except TransientError as error:
                stop = error
                log.error("push to Garmin Connect stopped: %s", error)
                break

        if stop is not None:
            _report_stop(stop, run, in_horizon, results)
        report = PushReport(results=list(results.values()), destination=self.name)
        report.results.sort(key=lambda r: (r.date, r.session_id))
        log.info(
            "push to Garmin Connect finished: %s",
            ", ".join(f"{r.session_id}={r.action}" for r in report.results) or "nothing to do",
        )
        return report

    def call(self, label: str, func: Callable[[], T], *, idempotent: bool = True) -> T:
        """Run one request with `self.retrying`, but stop on a Retry-After beyond its cap.

        Retrying earlier than Garmin Connect asked would only meet more 429s, so a
        longer Retry-After raises WaitTooLong and the next push tries again.
        """
        max_wait_s = self.retrying.max_wait_s

        def guarded() -> T:
            try:
                return func()
            except Exception as raw:
                error = translate(raw, label)
                retry_after_s = getattr(error, "retry_after_s", None)
                if retry_after_s is not None and retry_after_s > max_wait_s:
                    raise WaitTooLong(label, retry_after_s) from raw
                raise

        return self.retrying.call(label, guarded, idempotent=idempotent)

    def _client(self) -> Garmin:
        if self._garmin is None:
            self._garmin = connect(self.settings)
        return self._garmin

    def _read_state(self, garmin: Garmin, today: date, horizon_end: date) -> RemoteState:
        records = list_pushed(self.store, DESTINATION)
        record_by_workout = {r.workout_id: r for r in records.values() if r.workout_id is not None}

        all_ids: set[int] = set()
        own: dict[int, RemoteWorkout] = {}
        session_of: dict[int, str] = {}
        start = 0
        while True:
            page = self.call(
                "list workouts",
                lambda offset=start: garmin.get_workouts(offset, LISTING_PAGE_SIZE),  # type: ignore[misc]
            )
            if not isinstance(page, list):
                raise TransientError("list workouts: unexpected response", rate_limited=False)
            for item in page:
                workout = _parse_workout(item)
                if workout is None:
                    continue
                if workout.marker is None and _description_missing(item, workout):
                    workout = self._read_full(garmin, workout)
                all_ids.add(workout.workout_id)
                record = record_by_workout.get(workout.workout_id)
                if workout.marker is not None:
                    own[workout.workout_id] = workout
                    session_of[workout.workout_id] = workout.marker.session_id
                elif record is not None:
                    own[workout.workout_id] = workout
                    session_of[workout.workout_id] = record.session_id
            if len(page) < LISTING_PAGE_SIZE:
                break
            start += LISTING_PAGE_SIZE

        # List far enough ahead to see schedules of sessions pushed earlier with a
        # longer horizon, so moved or removed sessions are found there too.
        known_dates = [w.marker.date for w in own.values() if w.marker is not None]
        known_dates += [r.local_date for r in records.values()]
        window_end = max([horizon_end, *known_dates])
        window_end = min(window_end, today + timedelta(days=MAX_LISTING_DAYS))
        raw = self.call(
            "list schedules",
            lambda: garmin.get_scheduled_workouts_by_period(
                today.isoformat(), window_end.isoformat()
            ),
        )
        schedules: dict[int, list[RemoteSchedule]] = defaultdict(list)
        for schedule in _parse_schedules(raw):
            if schedule.workout_id in own and today <= schedule.date <= window_end:
                schedules[schedule.workout_id].append(schedule)
        for items in schedules.values():
            items.sort(key=lambda s: (s.date, s.schedule_id or 0))
        return RemoteState(own, session_of, dict(schedules), all_ids)

    def _read_full(self, garmin: Garmin, workout: RemoteWorkout) -> RemoteWorkout:
        """Read one workout in full when the listing left its description out."""
        try:
            full = self.call(
                f"get workout {workout.workout_id}",
                lambda: garmin.get_workout_by_id(workout.workout_id),
            )
        except NotFoundError:
            return workout
        if not isinstance(full, dict):
            return workout
        return RemoteWorkout(
            workout.workout_id, workout.name, parse_marker(full.get("description"))
        )


class _Pass:
    """One reconcile pass over the listings read at its start."""

    def __init__(
        self,
        destination: GarminDestination,
        garmin: Garmin,
        state: RemoteState,
        sessions: list[PlannedSession],
        today: date,
        horizon_end: date,
        dry_run: bool,
        results: dict[str, PushResult],
    ) -> None:
        self.garmin = garmin
        self.store = destination.store
        self.call = destination.call
        self.state = state
        self.sessions = {s.id: s for s in sessions}
        self.today = today
        self.horizon_end = horizon_end
        self.dry_run = dry_run
        self.results = results
        # The session being pushed, so a push that stops can report it as the failed one.
        self.current: PlannedSession | None = None
        self.records = list_pushed(self.store, DESTINATION)
        self.workouts_of: dict[str, list[RemoteWorkout]] = defaultdict(list)
        for workout_id, session_id in state.session_of.items():
            self.workouts_of[session_id].append(state.own[workout_id])

    def reconcile(self, in_horizon: list[PlannedSession]) -> None:
        self._forget_vanished_workouts()
        for session in in_horizon:
            self.current = session
            try:
                self._push_session(session)
            except (RequestRejected, NotFoundError) as error:
                log.error("push of session %s failed: %s", session.id, error)
                self._record(
                    PushResult(session.id, session.date, session.title, "failed", str(error))
                )
        self.current = None
        for session_id in sorted(self.workouts_of):
            planned = self.sessions.get(session_id)
            if planned is None:
                self._remove_dropped(session_id)
            elif not self.today <= planned.date <= self.horizon_end:
                self._clear_moved_out(planned)

    def _forget_vanished_workouts(self) -> None:
        # A workout deleted by hand in Garmin Connect is pushed again, not trusted.
        for record in self.records.values():
            if (
                record.workout_id is not None
                and record.workout_id not in self.state.all_workout_ids
            ):
                log.info(
                    "workout %s of session %s is gone from Garmin Connect",
                    record.workout_id,
                    record.session_id,
                )
                if not self.dry_run:
                    delete_pushed(self.store, DESTINATION, record.session_id)
            elif (
                record.workout_id is None
                and record.session_id not in self.sessions
                and not self.dry_run
            ):
                # An upload interrupted before it returned an id, for a session since
                # removed. Any workout it created carries the marker and is handled there.
                delete_pushed(self.store, DESTINATION, record.session_id)
        self.records = {
            sid: r
            for sid, r in self.records.items()
            if r.workout_id is None or r.workout_id in self.state.all_workout_ids
        }

    def needs_write(self, session: PlannedSession) -> bool:
        """Tell whether the listings show work left for `session`, without sending anything."""
        keep, extras = self._choose(session, self.records.get(session.id))
        if keep is None or extras:
            return True
        if self._current_rev(keep, self.records.get(session.id)) != content_hash(session):
            return True
        schedules = self.state.schedules.get(keep.workout_id, [])
        return [s.date for s in schedules] != [session.date]

    def _push_session(self, session: PlannedSession) -> None:
        payload = garmin_workout_json(session)
        rev = content_hash(session)
        record = self.records.get(session.id)
        keep, extras = self._choose(session, record)
        action: Action = "unchanged"
        details: list[str] = []

        for extra in extras:
            self._remove_workout(extra, f"duplicate workout of session {session.id}")
            details.append(f"removed duplicate workout {extra.workout_id}")

        if keep is None:
            if self.dry_run:
                self._record(PushResult(session.id, session.date, session.title, "created"))
                return
            self._save(session, rev, None, None, "pending")
            response = self.call(
                f"upload workout for {session.id}",
                lambda: self.garmin.upload_workout(payload),
                idempotent=False,
            )
            workout_id = _int(response, "workoutId") if isinstance(response, dict) else None
            if workout_id is None:
                raise RequestRejected(f"upload workout for {session.id}: no workout id in response")
            log.info("created workout %s for session %s", workout_id, session.id)
            self._save(session, rev, workout_id, None, "pending")
            schedules: list[RemoteSchedule] = []
            action = "created"
        else:
            workout_id = keep.workout_id
            schedules = self.state.schedules.get(workout_id, [])
            if self._current_rev(keep, record) != rev:
                if not self.dry_run:
                    self._save(session, rev, workout_id, None, "pending")
                    self.call(
                        f"update workout {workout_id} for {session.id}",
                        lambda: self.garmin.update_workout(workout_id, payload),
                    )
                    log.info("updated workout %s for session %s", workout_id, session.id)
                action = "updated"

        on_date = [s for s in schedules if s.date == session.date]
        elsewhere = [s for s in schedules if s.date != session.date]
        schedule_id = on_date[0].schedule_id if on_date else None
        if not on_date:
            if not self.dry_run:
                response = self.call(
                    f"schedule workout {workout_id} on {session.date}",
                    lambda: self.garmin.schedule_workout(workout_id, session.date.isoformat()),
                    idempotent=False,
                )
                schedule_id = _schedule_id(response)
                log.info(
                    "scheduled workout %s of session %s on %s",
                    workout_id,
                    session.id,
                    session.date,
                )
            moved_from = ", ".join(str(s.date) for s in elsewhere)
            if action == "updated" and elsewhere:
                action = "rescheduled"
                details.append(f"updated and rescheduled from {moved_from}")
            elif elsewhere:
                action = "rescheduled"
                details.append(f"moved from {moved_from}")
            elif action != "created":
                action = "scheduled"
                details.append(f"reused workout {workout_id}")
        for duplicate in on_date[1:]:
            self._unschedule(duplicate, f"second schedule of {session.id} on {session.date}")
            details.append(f"removed duplicate schedule on {session.date}")
            if action == "unchanged":
                action = "updated"
        for old in elsewhere:
            self._unschedule(old, f"old date of session {session.id}")

        if not self.dry_run:
            self._save(session, rev, workout_id, schedule_id, "done")
        self._record(
            PushResult(session.id, session.date, session.title, action, "; ".join(details))
        )

    def _choose(
        self, session: PlannedSession, record: PushedWorkout | None
    ) -> tuple[RemoteWorkout | None, list[RemoteWorkout]]:
        candidates = sorted(self.workouts_of.get(session.id, []), key=lambda w: w.workout_id)
        if not candidates:
            return None, []

        def rank(workout: RemoteWorkout) -> tuple[int, int, int]:
            known = record is not None and record.workout_id == workout.workout_id
            on_date = any(
                s.date == session.date for s in self.state.schedules.get(workout.workout_id, [])
            )
            return (0 if known else 1, 0 if on_date else 1, workout.workout_id)

        ordered = sorted(candidates, key=rank)
        return ordered[0], ordered[1:]

    def _current_rev(self, workout: RemoteWorkout, record: PushedWorkout | None) -> str | None:
        if workout.marker is not None:
            return workout.marker.rev
        if record is not None and record.workout_id == workout.workout_id:
            return record.content_hash
        return None

    def _remove_dropped(self, session_id: str) -> None:
        workouts = self.workouts_of[session_id]
        record = self.records.get(session_id)
        dates = {w.marker.date for w in workouts if w.marker is not None}
        if record is not None:
            dates.add(record.local_date)
        for workout in workouts:
            dates.update(s.date for s in self.state.schedules.get(workout.workout_id, []))
        if not any(self.today <= d <= self.horizon_end for d in dates):
            # Past sessions stay as history; later ones are handled once in the horizon.
            return
        title = workouts[0].name
        day = min(d for d in dates if d >= self.today)
        for workout in workouts:
            self._remove_workout(workout, f"session {session_id} is no longer in the calendar")
        if not self.dry_run:
            delete_pushed(self.store, DESTINATION, session_id)
        self._record(PushResult(session_id, day, title, "removed", "no longer in the calendar"))

    def _clear_moved_out(self, session: PlannedSession) -> None:
        moved = [
            schedule
            for workout in self.workouts_of[session.id]
            for schedule in self.state.schedules.get(workout.workout_id, [])
            if self.today <= schedule.date <= self.horizon_end
        ]
        if not moved:
            return
        for schedule in moved:
            self._unschedule(schedule, f"session {session.id} moved to {session.date}")
        old_dates = ", ".join(str(s.date) for s in moved)
        if session.date < self.today:
            # The workout stays in the library; only its calendar entries go.
            self._record(
                PushResult(
                    session.id,
                    session.date,
                    session.title,
                    "removed",
                    f"moved to a past date, taken off the Garmin Connect calendar on {old_dates}",
                )
            )
            return
        self._record(
            PushResult(
                session.id,
                session.date,
                session.title,
                "rescheduled",
                f"unscheduled from {old_dates}; pushed when {session.date} is within the horizon",
            )
        )

    def _remove_workout(self, workout: RemoteWorkout, reason: str) -> None:
        for schedule in self.state.schedules.get(workout.workout_id, []):
            self._unschedule(schedule, reason)
        if self.dry_run:
            return
        with contextlib.suppress(NotFoundError):
            self.call(
                f"delete workout {workout.workout_id}",
                lambda: self.garmin.delete_workout(workout.workout_id),
            )
        log.info("deleted workout %s: %s", workout.workout_id, reason)

    def _unschedule(self, schedule: RemoteSchedule, reason: str) -> None:
        if self.dry_run or schedule.schedule_id is None:
            return
        schedule_id = schedule.schedule_id
        with contextlib.suppress(NotFoundError):
            self.call(
                f"unschedule {schedule_id}", lambda: self.garmin.unschedule_workout(schedule_id)
            )
        log.info(
            "unscheduled workout %s from %s (schedule %s): %s",
            schedule.workout_id,
            schedule.date,
            schedule_id,
            reason,
        )

    def _save(
        self,
        session: PlannedSession,
        rev: str,
        workout_id: int | None,
        schedule_id: int | None,
        state: str,
    ) -> None:
        save_pushed(
            self.store,
            PushedWorkout(
                destination=DESTINATION,
                session_id=session.id,
                local_date=session.date,
                content_hash=rev,
                workout_id=workout_id,
                schedule_id=schedule_id,
                state=state,
            ),
        )

    def _record(self, result: PushResult) -> None:
        # A later pass lists the work of an earlier one as unchanged, so the first action stays.
        previous = self.results.get(result.session_id)
        if previous is not None and result.action == "unchanged":
            return
        self.results[result.session_id] = result


def _description_missing(item: dict[str, Any], workout: RemoteWorkout) -> bool:
    # Only names of peakbot's form are worth one more read each.
    return "description" not in item and looks_like_peakbot_name(workout.name)


def _parse_workout(item: Any) -> RemoteWorkout | None:
    if not isinstance(item, dict):
        return None
    workout_id = _int(item, "workoutId")
    if workout_id is None:
        return None
    # NOTE: the listing is expected to carry each workout's description. When the key
    # is absent, workouts with names of peakbot's form are read in full instead.
    return RemoteWorkout(
        workout_id, str(item.get("workoutName") or ""), parse_marker(item.get("description"))
    )


def _parse_schedules(raw: Any) -> list[RemoteSchedule]:
    """Read schedule entries from a schedules-by-period or calendar response."""
    if isinstance(raw, dict):
        for key in ("scheduledWorkouts", "workoutSchedules", "calendarItems", "items"):
            if isinstance(raw.get(key), list):
                raw = raw[key]
                break
    if not isinstance(raw, list):
        raise TransientError("list schedules: unexpected response", rate_limited=False)
    schedules: list[RemoteSchedule] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        if item.get("itemType") not in (None, "workout"):
            continue
        workout = item.get("workout")
        workout_id = _int(item, "workoutId")
        if workout_id is None and isinstance(workout, dict):
            workout_id = _int(workout, "workoutId")
        day_text = item.get("calendarDate") or item.get("date") or item.get("scheduledDate")
        if workout_id is None or not isinstance(day_text, str):
            continue
        try:
            day = date.fromisoformat(day_text[:10])
        except ValueError:
            continue
        schedules.append(RemoteSchedule(_schedule_id(item), workout_id, day))
    return schedules


def _schedule_id(response: Any) -> int | None:
    if not isinstance(response, dict):
        return None
    for key in ("workoutScheduleId", "scheduledWorkoutId", "scheduleId", "id"):
        value = _int(response, key)
        if value is not None:
            return value
    return None


def _int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _report_stop(
    stop: TransientError,
    run: _Pass | None,
    in_horizon: list[PlannedSession],
    results: dict[str, PushResult],
) -> None:
    """Give each open session its own outcome after the push stopped on `stop`.

    The session being pushed failed with the error. Sessions not reached are
    unchanged when the listings show nothing to do for them, else not pushed yet.
    After a Retry-After beyond the cap, no session failed: the open ones wait.
    """
    waiting = isinstance(stop, WaitTooLong)
    current = run.current if run is not None else None
    if current is not None and not waiting:
        results[current.id] = PushResult(
            current.id, current.date, current.title, "failed", str(stop)
        )
    if waiting:
        detail = f"not pushed yet: {stop}"
    elif current is not None:
        detail = STOPPED
    else:
        detail = f"{STOPPED} ({stop})"
    for session in in_horizon:
        if session.id in results:
            continue
        if run is not None and session is not current and not run.needs_write(session):
            results[session.id] = PushResult(session.id, session.date, session.title, "unchanged")
            continue
        results[session.id] = PushResult(session.id, session.date, session.title, "pending", detail)
