"""Push and reconcile against a fake Garmin Connect, through the real garminconnect client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config.settings import Settings
from bot.errors import AuthError
from bot.garmin.client import Retrying
from bot.garmin.destination import local_today, open_destination
from bot.garmin.push import GarminDestination
from bot.garmin.workout_json import parse_marker
from bot.plan import PlannedSession
from bot.store.db import Store
from bot.store.pushed import list_pushed
from tests.fakes.garmin_server import GarminFake, fake_settings, planned_session, speed_sharpen

TODAY = date(2023, 4, 2)
DAY = date(2023, 4, 4)


@pytest.fixture
def fake() -> Iterator[GarminFake]:
    server = GarminFake().start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, fake: GarminFake) -> Settings:
    return fake_settings(fake, tmp_path, http_timeout_s=2.0)


Push = Callable[..., object]


@pytest.fixture
def push(settings: Settings, store: Store) -> Callable[..., object]:
    def run(sessions: list[PlannedSession], today: date = TODAY, days: int = 7) -> object:
        destination = GarminDestination(
            settings, store, retrying=Retrying(base_wait_s=0.01, max_wait_s=0.05)
        )
        return destination.push(sessions, today=today, days=days)

    return run


def reference(reps: int = 15, day: date = DAY) -> PlannedSession:
    return planned_session("speed-sharpen-2", day, speed_sharpen(reps))


def only_workout(fake: GarminFake) -> dict[str, object]:
    assert len(fake.workouts) == 1
    return next(iter(fake.workouts.values()))


def test_reference_lands_on_date(fake: GarminFake, push: Push) -> None:
    report = push([reference()])
    assert [r.action for r in report.results] == ["created"]  # type: ignore[attr-defined]
    workout = only_workout(fake)
    assert [s["workoutId"] for s in fake.schedules_on(DAY)] == [workout["workoutId"]]


def test_reference_step_structure(fake: GarminFake, push: Push) -> None:
    push([reference()])
    steps = only_workout(fake)["workoutSegments"][0]["workoutSteps"]  # type: ignore[index]
    assert [s["type"] for s in steps] == [
        "ExecutableStepDTO",
        "ExecutableStepDTO",
        "RepeatGroupDTO",
        "ExecutableStepDTO",
    ]
    repeat = steps[2]
    assert repeat["numberOfIterations"] == 15
    rep, rest = repeat["workoutSteps"]
    assert rep["endConditionValue"] == 400.0
    assert rep["targetValueOne"] < 1000 / 176 < rep["targetValueTwo"]
    band_s_per_km = 1000 / rep["targetValueOne"] - 1000 / rep["targetValueTwo"]
    assert band_s_per_km == pytest.approx(4.0, abs=0.01)
    assert rest["stepType"]["stepTypeKey"] == "rest"
    assert rest["endConditionValue"] == 60.0


def test_second_push_sends_no_write(fake: GarminFake, push: Push) -> None:
    push([reference()])
    before = len(fake.workout_writes())
    report = push([reference()])
    assert [r.action for r in report.results] == ["unchanged"]  # type: ignore[attr-defined]
    assert len(fake.workout_writes()) == before


def test_second_push_reads_two_listings(fake: GarminFake, push: Push) -> None:
    push([reference()])
    before = len(fake.log)
    push([reference()])
    assert len(fake.log) - before == 2


def test_rep_change_updates_same_workout(fake: GarminFake, push: Push) -> None:
    push([reference(15)])
    first_id = only_workout(fake)["workoutId"]
    report = push([reference(17)])
    assert [r.action for r in report.results] == ["updated"]  # type: ignore[attr-defined]
    workout = only_workout(fake)
    assert workout["workoutId"] == first_id
    steps = workout["workoutSegments"][0]["workoutSteps"]  # type: ignore[index]
    assert steps[2]["numberOfIterations"] == 17
    assert [s["workoutId"] for s in fake.schedules_on(DAY)] == [first_id]


def test_moved_session_rescheduled(fake: GarminFake, push: Push) -> None:
    push([reference(day=DAY)])
    new_day = date(2023, 4, 6)
    report = push([reference(day=new_day)])
    assert [r.action for r in report.results] == ["rescheduled"]  # type: ignore[attr-defined]
    assert fake.schedules_on(DAY) == []
    assert len(fake.schedules_on(new_day)) == 1
    assert len(fake.workouts) == 1


def test_removed_session_deleted(fake: GarminFake, push: Push, store: Store) -> None:
    push([reference()])
    report = push([])
    assert [r.action for r in report.results] == ["removed"]  # type: ignore[attr-defined]
    assert fake.workouts == {}
    assert fake.schedules == {}
    assert list_pushed(store, "garmin") == {}


def test_hand_made_workout_untouched(fake: GarminFake, push: Push) -> None:
    mine = fake.add_workout("Tempo from my coach", "10 min at threshold")
    fake.add_schedule(mine, DAY)
    push([reference()])
    push([reference(16, day=date(2023, 4, 5))])
    push([])
    assert list(fake.workouts) == [mine]
    assert [s["workoutId"] for s in fake.schedules_on(DAY)] == [mine]
    touched = [r for r in fake.workout_writes() if str(mine) in r.path]
    assert touched == []


def test_lost_store_no_duplicate(fake: GarminFake, push: Push, settings: Settings) -> None:
    push([reference()])
    Path(settings.database).unlink()
    destination = GarminDestination(settings, Store(settings.database))
    before = len(fake.workout_writes())
    report = destination.push([reference()], today=TODAY, days=7)
    assert [r.action for r in report.results] == ["unchanged"]
    assert len(fake.workouts) == 1
    assert len(fake.workout_writes()) == before


def test_lost_store_without_listed_descriptions(
    fake: GarminFake, push: Push, settings: Settings
) -> None:
    push([reference()])
    fake.list_descriptions = False
    Path(settings.database).unlink()
    destination = GarminDestination(settings, Store(settings.database))
    report = destination.push([reference()], today=TODAY, days=7)
    assert [r.action for r in report.results] == ["unchanged"]
    assert len(fake.workouts) == 1


def test_hand_deleted_workout_recreated(fake: GarminFake, push: Push) -> None:
    push([reference()])
    fake.workouts.clear()
    fake.schedules.clear()
    report = push([reference()])
    assert [r.action for r in report.results] == ["created"]  # type: ignore[attr-defined]
    assert len(fake.workouts) == 1
    assert len(fake.schedules_on(DAY)) == 1


def test_duplicate_schedule_removed(fake: GarminFake, push: Push) -> None:
    push([reference()])
    workout_id = only_workout(fake)["workoutId"]
    fake.add_schedule(workout_id, DAY)  # type: ignore[arg-type]
    push([reference()])
    assert len(fake.schedules_on(DAY)) == 1


def test_duplicate_workout_removed(fake: GarminFake, push: Push, store: Store) -> None:
    push([reference()])
    original = only_workout(fake)
    copy = fake.add_workout(str(original["workoutName"]), str(original["description"]))
    fake.add_schedule(copy, DAY)
    push([reference()])
    assert list(fake.workouts) == [original["workoutId"]]
    assert len(fake.schedules_on(DAY)) == 1


def test_store_records_ids(fake: GarminFake, push: Push, store: Store) -> None:
    push([reference()])
    record = list_pushed(store, "garmin")["speed-sharpen-2"]
    workout = only_workout(fake)
    marker = parse_marker(workout["description"])
    assert marker is not None
    assert record.workout_id == workout["workoutId"]
    assert record.schedule_id == fake.schedules_on(DAY)[0]["workoutScheduleId"]
    assert record.local_date == DAY
    assert record.content_hash == marker.rev
    assert record.state == "done"


def test_outside_horizon_not_pushed(fake: GarminFake, push: Push) -> None:
    report = push([reference(day=date(2023, 4, 20))])
    assert report.results == []  # type: ignore[attr-defined]
    assert fake.workouts == {}


def test_past_session_left_alone(fake: GarminFake, push: Push) -> None:
    push([reference()], today=DAY)
    report = push([], today=date(2023, 4, 5))
    assert report.results == []  # type: ignore[attr-defined]
    assert len(fake.workouts) == 1


@pytest.mark.parametrize(
    ("zone", "now_utc", "local_day"),
    [
        # 23:30 on 4 April in UTC-5 is already 5 April in UTC.
        ("America/Bogota", datetime(2023, 4, 5, 4, 30, tzinfo=UTC), date(2023, 4, 4)),
        # 23:30 on 4 April in UTC+13 is still 4 April (10:30) in UTC.
        ("Pacific/Tongatapu", datetime(2023, 4, 4, 10, 30, tzinfo=UTC), date(2023, 4, 4)),
    ],
)
def test_local_date_scheduled(
    fake: GarminFake, push: Push, zone: str, now_utc: datetime, local_day: date
) -> None:
    today = local_today(ZoneInfo(zone), now_utc)
    assert today == local_day
    sessions = [
        planned_session("s-today", local_day, speed_sharpen()),
        planned_session("s-next", date.fromordinal(local_day.toordinal() + 1), speed_sharpen()),
    ]
    push(sessions, today=today, days=1)
    assert len(fake.schedules_on(local_day)) == 1
    assert len(fake.schedules) == 1


def test_rejected_tokens_raise_auth_error(fake: GarminFake, push: Push) -> None:
    fake.access_token = "another-token"
    with pytest.raises(AuthError, match="peakbot auth garmin"):
        push([reference()])


def test_refreshed_token_saved(fake: GarminFake, push: Push, settings: Settings) -> None:
    fake.accept_refresh = True
    fake.access_token = "another-token"
    push([reference()])
    saved = (settings.tokens / "garmin_tokens.json").read_text()
    assert fake.access_token in saved
    assert len(fake.workouts) == 1


def test_open_destination_picks_garmin(settings: Settings, store: Store) -> None:
    assert open_destination(settings, store).name == "garmin"


def test_open_destination_without_tokens(tmp_path: Path, store: Store) -> None:
    bare = Settings(data_dir=tmp_path / "bare", token_dir=tmp_path / "no-tokens")
    assert open_destination(bare, store).name == "fit"
