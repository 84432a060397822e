"""A stateful fake of the Garmin Connect API tier on 127.0.0.1.

It serves the workout-service endpoints that garminconnect 0.3.x calls for the
workout library (create, get, update, delete and list workouts) and the calendar
(schedule, unschedule and list schedules by period). It also serves the DI token
endpoint used for refreshes and the social profile. Every request must carry the
bearer token the fake accepts. On top of the fault queue of `FakeServer`, hooks
can run after a request was processed: to kill a client, or to respond late so the
client times out although the write happened.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.coach.bounds import TuningBounds
from bot.config.settings import Settings
from bot.plan import PlannedSession
from bot.workouts.model import EndCondition, PaceRange, Repeat, Step, StepKind, Workout
from tests.fakes.http import FakeServer, Request, Response

OWNER_ID = 424242


def fake_access_token(client_id: str = "PEAKBOT_TEST_CLIENT", exp: int = 4102444800) -> str:
    """Return a JWT-shaped test token; its expiry is far ahead, so nothing refreshes it."""

    def part(data: dict[str, Any]) -> str:
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    header = part({"alg": "HS256", "typ": "JWT"})
    payload = part({"client_id": client_id, "exp": exp, "note": "fake token for tests"})
    return f"{header}.{payload}.not-a-signature"


def write_fake_tokens(token_dir: Path, access_token: str | None = None) -> str:
    """Write garmin_tokens.json in the format garminconnect 0.3.x loads; return the token."""
    token = access_token or fake_access_token()
    token_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = token_dir / "garmin_tokens.json"
    path.write_text(
        json.dumps(
            {
                "di_token": token,
                "di_refresh_token": "fake-refresh-token-for-tests",
                "di_client_id": "PEAKBOT_TEST_CLIENT",
            }
        )
    )
    path.chmod(0o600)
    return token


def fake_settings(fake: GarminFake, tmp_path: Path, http_timeout_s: float) -> Settings:
    """Build settings that point peakbot at the fake, with fake tokens written under tmp_path."""
    write_fake_tokens(tmp_path / "tokens")
    return Settings(
        data_dir=tmp_path / "data",
        token_dir=tmp_path / "tokens",
        garmin_api_url=fake.url,
        http_timeout_s=http_timeout_s,
    )


@dataclass
class AfterHook:
    """Runs `action` after the `nth` processed request matching `pattern` ("METHOD path")."""

    pattern: str
    action: Callable[[Request], None]
    nth: int = 1
    seen: int = 0


class GarminFake(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.access_token = fake_access_token()
        self.accept_refresh = False
        # False leaves descriptions out of the workout listing.
        self.list_descriptions = True
        self.workouts: dict[int, dict[str, Any]] = {}
        self.schedules: dict[int, dict[str, Any]] = {}
        self.hooks: list[AfterHook] = []
        self._next_workout_id = 9000001
        self._next_schedule_id = 7000001
        self._register()

    # --- helpers for tests -----------------------------------------------------------------

    def add_workout(self, name: str, description: str | None = None) -> int:
        """Create a workout as if the runner made it in Garmin Connect; return its id."""
        with self.lock:
            return self._create({"workoutName": name, "description": description})["workoutId"]

    def add_schedule(self, workout_id: int, day: date) -> int:
        with self.lock:
            return self._schedule(workout_id, day.isoformat())["workoutScheduleId"]

    def schedules_on(self, day: date) -> list[dict[str, Any]]:
        with self.lock:
            return [s for s in self.schedules.values() if s["calendarDate"] == day.isoformat()]

    def after(self, pattern: str, action: Callable[[Request], None], nth: int = 1) -> None:
        with self.lock:
            self.hooks.append(AfterHook(pattern, action, nth))

    def workout_writes(self) -> list[Request]:
        return [r for r in self.writes() if not r.path.startswith("/di-oauth2-service")]

    # --- request handling ------------------------------------------------------------------

    def dispatch(self, request: Request) -> Response:
        if not request.path.startswith("/di-oauth2-service"):
            auth = request.headers.get("Authorization", "")
            if auth != f"Bearer {self.access_token}":
                return Response(401, {"message": "Token is not active"})
        response = super().dispatch(request)
        key = f"{request.method} {request.path}"
        due: list[AfterHook] = []
        with self.lock:
            for hook in self.hooks:
                if re.search(hook.pattern, key):
                    hook.seen += 1
                    if hook.seen == hook.nth:
                        due.append(hook)
        for hook in due:
            hook.action(request)
        return response

    def _register(self) -> None:
        ws = "/workout-service"
        self.route("GET", f"{ws}/workouts", self._list_workouts)
        self.route("GET", rf"{ws}/workout/(\d+)", self._get_workout)
        self.route("POST", f"{ws}/workout", self._post_workout)
        self.route("PUT", rf"{ws}/workout/(\d+)", self._put_workout)
        self.route("DELETE", rf"{ws}/workout/(\d+)", self._delete_workout)
        self.route("GET", f"{ws}/schedule/workoutScheduleByPeriod", self._list_schedules)
        self.route("GET", rf"{ws}/schedule/(\d+)", self._get_schedule)
        self.route("POST", rf"{ws}/schedule/(\d+)", self._post_schedule)
        self.route("DELETE", rf"{ws}/schedule/(\d+)", self._delete_schedule)
        self.route("POST", "/di-oauth2-service/oauth/token", self._token)
        self.route("GET", "/userprofile-service/socialProfile", self._profile)

    def _list_workouts(self, request: Request, match: re.Match[str]) -> Response:
        start = int(request.query.get("start", ["0"])[0])
        limit = int(request.query.get("limit", ["100"])[0])
        items = [self._summary(w) for _, w in sorted(self.workouts.items())]
        return Response(200, items[start : start + limit])

    def _get_workout(self, request: Request, match: re.Match[str]) -> Response:
        workout = self.workouts.get(int(match.group(1)))
        if workout is None:
            return Response(404, {"message": "Workout not found"})
        return Response(200, workout)

    def _post_workout(self, request: Request, match: re.Match[str]) -> Response:
        payload = request.json()
        problem = validate_workout(payload)
        if problem:
            return Response(400, {"message": problem})
        return Response(200, self._create(payload))

    def _put_workout(self, request: Request, match: re.Match[str]) -> Response:
        workout_id = int(match.group(1))
        if workout_id not in self.workouts:
            return Response(404, {"message": "Workout not found"})
        payload = request.json()
        problem = validate_workout(payload)
        if problem:
            return Response(400, {"message": problem})
        created = self.workouts[workout_id]["createdDate"]
        self.workouts[workout_id] = {
            **payload,
            "workoutId": workout_id,
            "ownerId": OWNER_ID,
            "createdDate": created,
            "updatedDate": _now(),
        }
        return Response(204)

    def _delete_workout(self, request: Request, match: re.Match[str]) -> Response:
        workout_id = int(match.group(1))
        if self.workouts.pop(workout_id, None) is None:
            return Response(404, {"message": "Workout not found"})
        for schedule_id in [k for k, s in self.schedules.items() if s["workoutId"] == workout_id]:
            del self.schedules[schedule_id]
        return Response(204)

    def _list_schedules(self, request: Request, match: re.Match[str]) -> Response:
        start = request.query.get("startDate", [""])[0]
        end = request.query.get("endDate", [""])[0]
        if not (start and end):
            return Response(400, {"message": "startDate and endDate are required"})
        items = [
            self._schedule_entry(s)
            for _, s in sorted(self.schedules.items())
            if start <= s["calendarDate"] <= end
        ]
        return Response(200, items)

    def _get_schedule(self, request: Request, match: re.Match[str]) -> Response:
        schedule = self.schedules.get(int(match.group(1)))
        if schedule is None:
            return Response(404, {"message": "Schedule not found"})
        return Response(200, self._schedule_entry(schedule))

    def _post_schedule(self, request: Request, match: re.Match[str]) -> Response:
        workout_id = int(match.group(1))
        if workout_id not in self.workouts:
            return Response(404, {"message": "Workout not found"})
        body = request.json() or {}
        day = body.get("date")
        if not isinstance(day, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            return Response(400, {"message": "date is required"})
        # Like Garmin Connect, scheduling twice on one date makes two entries.
        return Response(200, self._schedule_entry(self._schedule(workout_id, day)))

    def _delete_schedule(self, request: Request, match: re.Match[str]) -> Response:
        if self.schedules.pop(int(match.group(1)), None) is None:
            return Response(404, {"message": "Schedule not found"})
        return Response(204)

    def _token(self, request: Request, match: re.Match[str]) -> Response:
        if not self.accept_refresh:
            return Response(401, {"error": "invalid_grant"})
        self.access_token = fake_access_token(exp=4102444800 + len(self.log))
        return Response(
            200,
            {"access_token": self.access_token, "refresh_token": "fake-refresh-token-for-tests-2"},
        )

    def _profile(self, request: Request, match: re.Match[str]) -> Response:
        return Response(200, {"displayName": "peakbot-test", "fullName": "Test Runner"})

    # --- state ------------------------------------------------------------------------------

    def _create(self, payload: dict[str, Any]) -> dict[str, Any]:
        workout_id = self._next_workout_id
        self._next_workout_id += 1
        workout = {
            **payload,
            "workoutId": workout_id,
            "ownerId": OWNER_ID,
            "createdDate": _now(),
            "updatedDate": _now(),
        }
        self.workouts[workout_id] = workout
        return workout

    def _schedule(self, workout_id: int, day: str) -> dict[str, Any]:
        schedule_id = self._next_schedule_id
        self._next_schedule_id += 1
        schedule = {"workoutScheduleId": schedule_id, "workoutId": workout_id, "calendarDate": day}
        self.schedules[schedule_id] = schedule
        return schedule

    def _summary(self, workout: dict[str, Any]) -> dict[str, Any]:
        keys = ("workoutId", "ownerId", "workoutName", "description", "createdDate", "updatedDate")
        summary = {key: workout.get(key) for key in keys}
        if not self.list_descriptions:
            del summary["description"]
        summary["sportType"] = workout.get("sportType") or {
            "sportTypeId": 1,
            "sportTypeKey": "running",
        }
        return summary

    def _schedule_entry(self, schedule: dict[str, Any]) -> dict[str, Any]:
        workout = self.workouts.get(schedule["workoutId"], {})
        return {
            "workoutScheduleId": schedule["workoutScheduleId"],
            "calendarDate": schedule["calendarDate"],
            "workout": {
                "workoutId": schedule["workoutId"],
                "workoutName": workout.get("workoutName"),
            },
        }


def validate_workout(payload: Any) -> str | None:
    """Return what is wrong with a workout payload, in the spirit of the real service."""
    if not isinstance(payload, dict):
        return "workout must be an object"
    if not payload.get("workoutName"):
        return "workoutName is required"
    if payload.get("sportType", {}).get("sportTypeId") != 1:
        return "only running workouts are expected here"
    segments = payload.get("workoutSegments")
    if not isinstance(segments, list) or not segments:
        return "workoutSegments is required"
    orders: list[int] = []

    def walk(steps: list[dict[str, Any]]) -> str | None:
        for step in steps:
            orders.append(step.get("stepOrder"))
            if step.get("type") == "RepeatGroupDTO":
                if not isinstance(step.get("numberOfIterations"), int):
                    return "repeat group without numberOfIterations"
                if "smartRepeat" not in step:
                    return "repeat group without smartRepeat"
                problem = walk(step.get("workoutSteps") or [])
                if problem:
                    return problem
            elif step.get("type") == "ExecutableStepDTO":
                target = (step.get("targetType") or {}).get("workoutTargetTypeKey")
                if target == "pace.zone":
                    low, high = step.get("targetValueOne"), step.get("targetValueTwo")
                    if not (isinstance(low, float) and isinstance(high, float) and low <= high):
                        return "pace.zone needs targetValueOne <= targetValueTwo in m/s"
            else:
                return f"unknown step type {step.get('type')!r}"
        return None

    problem = walk(segments[0].get("workoutSteps") or [])
    if problem:
        return problem
    if orders != list(range(1, len(orders) + 1)):
        return f"stepOrder must count 1..n depth first, got {orders}"
    return None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.0", time.gmtime())


def planned_session(
    session_id: str,
    day: date,
    workout: Workout,
    *,
    key: str = "speed-sharpen",
    title: str = "Speed Sharpen",
    text: str = "",
) -> PlannedSession:
    """Build a PlannedSession around `workout`, the way bot.plan.build_plan returns it."""
    return PlannedSession(
        id=session_id,
        date=day,
        workout_key=key,
        title=title,
        calendar_text=text or workout.name,
        text=text or workout.name,
        workout=workout,
        calendar_workout=workout,
        bounds=TuningBounds(),
        days_to_race=19,
    )


def speed_sharpen(reps: int = 15, tolerance_s_per_km: float = 2.0) -> Workout:
    """Build the reference session: 5 min, 2 km, reps x (400 m at 2:56/km, 60 s rest), 5 min."""
    easy = PaceRange(360 - tolerance_s_per_km, 360 + tolerance_s_per_km)
    rep_pace = PaceRange(176 - tolerance_s_per_km, 176 + tolerance_s_per_km)
    return Workout(
        name="Speed Sharpen",
        steps=(
            Step(StepKind.WARMUP, EndCondition.time(300), easy),
            Step(StepKind.ACTIVE, EndCondition.distance(2000), PaceRange(238, 242)),
            Repeat(
                reps,
                (
                    Step(StepKind.ACTIVE, EndCondition.distance(400), rep_pace),
                    Step(StepKind.REST, EndCondition.time(60)),
                ),
            ),
            Step(StepKind.COOLDOWN, EndCondition.time(300), easy),
        ),
    )


# A small calendar in peakbot's YAML format: four sessions from 3 to 6 April 2023.
CALENDAR = """\
athlete:
  name: Test Runner
  timezone: Europe/London
  race_result: {distance: 10km, time: "36:00"}
  pace_tolerance: 2s/km
race:
  name: Test Marathon
  date: 2023-04-23
workouts:
  speed-sharpen:
    title: Speed Sharpen
    text: |
      - 5min @ 6'00''/km
      - 2.0km @ 4'00''/km
      - 15 lots of:
      - 400m @ 2'56''/km
      - 1min rest
      - 5min @ 6'00''/km
  easy:
    title: Easy run
    text: "10km @ E"
sessions:
  - {date: 2023-04-03, workout: easy}
  - {date: 2023-04-04, workout: speed-sharpen}
  - {date: 2023-04-05, workout: easy}
  - {date: 2023-04-06, workout: speed-sharpen}
"""
