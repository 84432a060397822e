"""The cycle when runs change on Strava, ids shift and catch-up syncs analyse old runs."""

from __future__ import annotations

from datetime import date

import pytest

from bot.config.settings import Settings
from bot.notify.deliver import Notifier
from bot.plan import PlannedSession
from bot.service.calendar_watch import CalendarWatch
from bot.service.clock import ManualClock
from bot.service.cycle import Cycle
from bot.simulator import SimulatedRunner
from bot.store.analyses import get_analysis, list_analyses, load_tuned
from bot.store.db import Store
from tests.fakes.strava_server import FakeStrava
from tests.test_e2e_service import (  # noqa: F401  (fixtures)
    LONDON,
    Receiver,
    at,
    garmin,
    receiver,
    settings,
    strava,
    strava_detail,
)

pytestmark = pytest.mark.slow

SS2 = date(2023, 3, 21)
SS3 = date(2023, 3, 28)


def open_cycle(config: Settings, store: Store, clock: ManualClock) -> Cycle:
    watch = CalendarWatch(config.config_path)
    watch.load()
    notifier = Notifier(config.apprise_urls, retry_delay_s=0)
    return Cycle(config, store, watch, clock=clock, notifier=notifier)


def session_on(cycle: Cycle, day: date) -> PlannedSession:
    return next(s for s in cycle.plan() if s.date == day)


def add_run(fake: FakeStrava, cycle: Cycle, day: date, activity_id: int, seed: int) -> None:
    runner = SimulatedRunner(capability_s_per_km=174.0, seed=seed)
    activity = runner.run(session_on(cycle, day).workout, day, timezone=LONDON)
    fake.add(strava_detail(activity, activity_id))


def post_run_titles(sink: Receiver) -> list[str]:
    return [t for t in sink.titles if not t.startswith("peakbot morning:")]


def test_replaced_run_reanalysed(
    settings: Settings,  # noqa: F811
    strava: FakeStrava,  # noqa: F811
    receiver: tuple[Receiver, str],  # noqa: F811
) -> None:
    sink, _ = receiver
    store = Store(settings.database)
    clock = ManualClock(at(SS2, 9, 0))
    cycle = open_cycle(settings, store, clock)
    add_run(strava, cycle, SS2, 5002, seed=1)
    cycle.sync()
    strava.delete(5002)
    add_run(strava, cycle, SS2, 5008, seed=2)
    clock.set(at(SS2, 10, 0))
    outcome = cycle.sync()
    clock.set(at(SS2, 11, 0))
    again = cycle.sync()
    stored = get_analysis(store, "speed-sharpen-2")
    assert stored is not None and stored.activity_key == "strava:5008"
    assert "1 analysed" in outcome.detail
    assert "0 analysed" in again.detail
    titles = post_run_titles(sink)
    assert len(titles) == 2
    assert titles[1].startswith("updated: ")
    store.close()


def test_catch_up_tunes_future(
    settings: Settings,  # noqa: F811
    strava: FakeStrava,  # noqa: F811
) -> None:
    store = Store(settings.database)
    clock = ManualClock(at(SS3, 12, 0))
    cycle = open_cycle(settings, store, clock)
    add_run(strava, cycle, SS2, 6001, seed=3)
    add_run(strava, cycle, SS3, 6002, seed=4)
    outcome = cycle.sync()
    tuned = load_tuned(store)
    assert "2 analysed" in outcome.detail
    assert "speed-sharpen-3" not in tuned
    assert "speed-sharpen-4" in tuned
    store.close()


def test_shifted_ids_keep_analysis(
    settings: Settings,  # noqa: F811
    strava: FakeStrava,  # noqa: F811
    receiver: tuple[Receiver, str],  # noqa: F811
) -> None:
    sink, _ = receiver
    store = Store(settings.database)
    clock = ManualClock(at(SS2, 9, 0))
    cycle = open_cycle(settings, store, clock)
    add_run(strava, cycle, SS2, 7001, seed=5)
    cycle.sync()
    text = settings.config_path.read_text()
    settings.config_path.write_text(
        text.replace(
            "  - {date: 2023-03-20, workout: recovery}\n",
            "  - {date: 2023-03-20, workout: recovery}\n"
            "  - {date: 2023-03-17, workout: speed-sharpen}\n",
        )
    )
    shifted = open_cycle(settings, store, clock)
    clock.set(at(SS2, 10, 0))
    outcome = shifted.sync()
    keys = {row.session_id: row.activity_key for row in list_analyses(store)}
    assert keys == {"speed-sharpen-3": "strava:7001"}
    assert "0 analysed" in outcome.detail
    assert len(post_run_titles(sink)) == 1
    store.close()
