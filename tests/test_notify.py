"""Summaries: rendering, the rep chart, and delivery by SMTP, json:// and the outbox."""

from __future__ import annotations

import email
import io
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from bot.analysis.model import AlignedStep, RepMetrics, SessionAnalysis, SessionMetrics
from bot.notify.deliver import LOCAL_TARGET, MAX_ATTEMPTS, Notifier, flush_outbox, target_id
from bot.notify.summary import (
    MorningFacts,
    PostRunFacts,
    SessionView,
    Summary,
    TuningLine,
    describe_step,
    render_morning,
    render_post_run,
    rep_rows,
)
from bot.plan import format_total_distance
from bot.store import jobs
from bot.store.db import Store
from bot.workouts.model import EndCondition, PaceRange, Repeat, Step, StepKind, Workout
from tests.fakes.http import QuietHTTPServer

NOW = datetime(2023, 4, 11, 5, 30, tzinfo=UTC)


def speed_sharpen(reps: int = 15) -> Workout:
    return Workout(
        "Speed Sharpen",
        (
            Step(StepKind.WARMUP, EndCondition.time(300)),
            Step(StepKind.ACTIVE, EndCondition.distance(2000), PaceRange(238, 242)),
            Repeat(
                reps,
                (
                    Step(StepKind.ACTIVE, EndCondition.distance(400), PaceRange(175, 177.5)),
                    Step(StepKind.REST, EndCondition.time(60)),
                ),
            ),
            Step(StepKind.COOLDOWN, EndCondition.time(300)),
        ),
    )


def session_view() -> SessionView:
    return SessionView("speed-sharpen-1", date(2023, 4, 11), "Speed Sharpen", speed_sharpen())


def analysis(times: list[float]) -> SessionAnalysis:
    reps = [
        RepMetrics(
            number=i + 1,
            step_index=2 + 2 * i,
            distance_m=400.0,
            time_s=t,
            pace_s_per_km=t * 2.5,
            time_per_400m_s=t,
            avg_hr=170.0 + i,
            max_hr=175.0 + i,
            target_fast_s_per_km=175.0,
            target_slow_s_per_km=177.5,
            in_band=70.0 <= t <= 71.0,
            deviation_s_per_400m=t - 70.5,
        )
        for i, t in enumerate(times)
    ]
    metrics = SessionMetrics(
        reps_prescribed=15,
        reps_completed=len(times),
        reps_in_band=sum(1 for r in reps if r.in_band),
        mean_time_per_400m_s=sum(times) / len(times),
        target_time_per_400m_s=70.5,
        mean_deviation_s_per_400m=None,
        mean_deviation_pct=None,
        fade_pct=None,
        cv_pct=None,
        hr_drift_bpm=None,
        compliance=87,
        colour="amber",
    )
    return SessionAnalysis("laps", 0.95, reps, [], [], metrics, workout_name="Speed Sharpen")


# A tuned prescription as the coach stores it: compact text with absolute paces.
TUNED_TEXT = "5min warmup; 2km @ 3:58-4:02/km; 16x(400m @ 2:55-2:57.5/km, 60s rest); 5min cooldown"


def post_run_summary() -> Summary:
    facts = PostRunFacts(
        session=session_view(),
        units="km",
        analysis=analysis([70.2, 70.8, 71.6, 69.4, 70.5]),
        activity_name="Track",
        activity_distance_m=9800.0,
        activity_time_s=3200.0,
        decision=TuningLine("speed-sharpen-2", "Speed Sharpen", TUNED_TEXT, "all reps in band"),
    )
    return render_post_run(facts)


def morning_facts(**changes: Any) -> MorningFacts:
    values: dict[str, Any] = {
        "today": date(2023, 4, 11),
        "units": "km",
        "session": session_view(),
        "next_session": None,
        "race_name": "London Marathon",
        "race_date": date(2023, 4, 23),
        "tuned": [TuningLine("speed-sharpen-1", "Speed Sharpen", TUNED_TEXT, "reps in band")],
        "week_start": date(2023, 4, 10),
        "week_planned_m": 52000.0,
        "week_done_m": 10000.0,
    }
    values.update(changes)
    return MorningFacts(**values)


# --- Rendering --------------------------------------------------------------------------------


def test_morning_rep_targets_km() -> None:
    text = render_morning(morning_facts()).text
    assert "400 m at 2:55-2:58/km (70-71 s each)" in text


def test_morning_targets_miles() -> None:
    text = render_morning(morning_facts(units="mi")).text
    assert "400 m at 4:42-4:46/mi (70-71 s each)" in text


def test_morning_long_step_time_labelled() -> None:
    text = render_morning(morning_facts(units="mi")).text
    assert "1.24 mi at 6:23-6:29/mi (about 8:00)" in text


def test_morning_mile_step_keeps_miles() -> None:
    workout = Workout(
        "Quarter miles",
        (
            Step(StepKind.ACTIVE, EndCondition.distance(402.336), PaceRange(175, 177.5)),
            Step(StepKind.COOLDOWN, EndCondition.distance(200), None),
        ),
    )
    view = SessionView("quarters-1", date(2023, 4, 11), "Quarter miles", workout)
    text = render_morning(morning_facts(units="mi", session=view)).text
    assert "0.25 mi at 4:42-4:46/mi" in text
    assert "200 m cool-down easy" in text


def test_post_run_reps_in_metres_for_miles() -> None:
    rows = rep_rows(analysis([70.4, 70.6]), "mi")
    assert rows[0][1] == "400 m"
    assert rows[0][3].endswith("/mi")


def test_morning_days_to_race() -> None:
    text = render_morning(morning_facts()).text
    assert "London Marathon: 12 days to go" in text


def test_morning_week_distance() -> None:
    text = render_morning(morning_facts()).text
    assert "52.0 km planned, 10.0 km done" in text


def test_morning_tuning_reason() -> None:
    text = render_morning(morning_facts()).text
    assert (
        "16 x (400 m at 2:55-2:58/km (70-71 s each), then 1:00 rest); "
        "5:00 cool-down easy. Why: reps in band" in text
    )


def test_morning_late_says_so() -> None:
    late = datetime(2023, 4, 11, 9, 14)
    summary = render_morning(morning_facts(late_at=late, scheduled_time="06:30"))
    assert summary.text.startswith("Sent late at 09:14")
    assert summary.late


def test_morning_rest_day_names_next() -> None:
    facts = morning_facts(session=None, next_session=session_view(), today=date(2023, 4, 10))
    assert "Next: Speed Sharpen on Tue 11 Apr 2023." in render_morning(facts).text


def test_morning_rest_day_today() -> None:
    facts = morning_facts(session=None, today=date(2023, 4, 10))
    assert "No session today, Mon 10 Apr 2023." in render_morning(facts).text


def test_morning_rest_day_other_date() -> None:
    facts = morning_facts(session=None, today=date(2023, 4, 10), is_today=False)
    assert "No session on Mon 10 Apr 2023." in render_morning(facts).text


def test_morning_calendar_problem() -> None:
    facts = morning_facts(calendar_problem="calendar.yaml line 3: invalid date")
    assert "Calendar problem: calendar.yaml line 3" in render_morning(facts).text


def test_post_run_rep_table() -> None:
    text = post_run_summary().text
    assert "3     400 m    71.6  2:59/km  70.0-71.0  172  slow" in text


def test_post_run_band_header() -> None:
    header = post_run_summary().text.splitlines()
    assert any(line.startswith("Rep") and line.endswith("HR  Band") for line in header)


def test_post_run_compliance_colour() -> None:
    summary = post_run_summary()
    assert "87% compliance, amber" in summary.title
    assert "#ef8f00" in summary.html


def test_post_run_decision_reason() -> None:
    assert "Why: all reps in band" in post_run_summary().text


def test_post_run_chart_png() -> None:
    chart = post_run_summary().chart_png
    assert chart is not None
    assert chart.startswith(b"\x89PNG")


def test_post_run_html_references_chart() -> None:
    assert 'src="cid:reps.png"' in post_run_summary().html


# --- Delivery ---------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    db = Store(tmp_path / "peakbot.sqlite3")
    yield db
    db.close()


def stored(store: Store, summary: Summary, targets: list[str]) -> jobs.StoredSummary:
    row = jobs.create_summary(
        store,
        kind=summary.kind,
        local_date=summary.local_date,
        session_id=summary.session_id,
        now=NOW,
        late=summary.late,
        title=summary.title,
        text=summary.text,
        html=summary.html,
        chart_png=summary.chart_png,
        targets=targets,
    )
    assert row is not None
    return row


class SmtpSink:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[SmtpSink, int]]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


class JsonSink:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 200
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                sink.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(sink.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def json_sink() -> Iterator[JsonSink]:
    sink = JsonSink()
    yield sink
    sink.stop()


def html_part(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no HTML part")


def test_email_html_with_inline_chart(store: Store, smtp: tuple[SmtpSink, int]) -> None:
    sink, port = smtp
    url = f"mailto://127.0.0.1:{port}?from=peakbot@example.com&to=runner@example.com"
    notifier = Notifier([url], retry_delay_s=0)
    stored(store, post_run_summary(), notifier.targets())

    report = flush_outbox(store, notifier, lambda: NOW)

    assert report.sent == 1
    assert len(sink.messages) == 1
    message = sink.messages[0]
    images = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1
    assert images[0]["Content-ID"] == "<reps.png>"
    body = html_part(message)
    assert 'src="cid:reps.png"' in body
    assert "<td" in body
    assert "71.6" in body


def test_json_chat_message(store: Store, json_sink: JsonSink) -> None:
    notifier = Notifier([json_sink.url], retry_delay_s=0)
    stored(store, post_run_summary(), notifier.targets())

    flush_outbox(store, notifier, lambda: NOW)

    assert len(json_sink.bodies) == 1
    message = json_sink.bodies[0]["message"]
    assert "87% compliance, amber" in message
    assert "<table" not in message


def test_failed_delivery_retried_then_given_up(store: Store, json_sink: JsonSink) -> None:
    json_sink.status = 500
    notifier = Notifier([json_sink.url], tries_per_send=1, retry_delay_s=0)
    summary = stored(store, post_run_summary(), notifier.targets())

    # A flush every 20 minutes for two days.
    reports = [
        flush_outbox(store, notifier, lambda i=i: NOW + timedelta(minutes=20 * i))
        for i in range(3 * 48)
    ]

    assert sum(r.failed for r in reports) == MAX_ATTEMPTS
    assert jobs.deliveries_for(store, summary.id)[0].state == jobs.GAVE_UP


def test_failed_delivery_waits(store: Store, json_sink: JsonSink) -> None:
    json_sink.status = 500
    notifier = Notifier([json_sink.url], tries_per_send=1, retry_delay_s=0)
    stored(store, post_run_summary(), notifier.targets())
    # A job every minute: the second and third attempts wait 1 and 5 minutes.
    reports = [
        flush_outbox(store, notifier, lambda i=i: NOW + timedelta(minutes=i)) for i in range(6)
    ]
    assert [r.failed for r in reports] == [1, 1, 0, 0, 0, 0]


def test_failed_delivery_gives_up_after_a_day(store: Store, json_sink: JsonSink) -> None:
    json_sink.status = 500
    notifier = Notifier([json_sink.url], tries_per_send=1, retry_delay_s=0)
    summary = stored(store, post_run_summary(), notifier.targets())
    for i in range(20 * 60):  # every minute for 20 hours
        flush_outbox(store, notifier, lambda i=i: NOW + timedelta(minutes=i))
    assert jobs.deliveries_for(store, summary.id)[0].state == jobs.FAILED


def test_refused_connection_named(store: Store) -> None:
    notifier = Notifier(["json://127.0.0.1:9/hook"], tries_per_send=1, retry_delay_s=0)
    summary = stored(store, post_run_summary(), notifier.targets())
    flush_outbox(store, notifier, lambda: NOW)
    error = jobs.deliveries_for(store, summary.id)[0].error or ""
    assert "refused the connection" in error


def test_failed_delivery_sent_later(store: Store, json_sink: JsonSink) -> None:
    json_sink.status = 503
    notifier = Notifier([json_sink.url], tries_per_send=1, retry_delay_s=0)
    summary = stored(store, post_run_summary(), notifier.targets())
    flush_outbox(store, notifier, lambda: NOW)
    json_sink.status = 200

    flush_outbox(store, notifier, lambda: NOW + timedelta(minutes=1))

    assert jobs.deliveries_for(store, summary.id)[0].state == jobs.SENT


def test_unreachable_target_no_raise(store: Store) -> None:
    notifier = Notifier(["json://127.0.0.1:9/hook"], tries_per_send=1, retry_delay_s=0)
    stored(store, post_run_summary(), notifier.targets())

    report = flush_outbox(store, notifier, lambda: NOW)

    assert report.failed == 1


def test_interrupted_delivery_not_resent(store: Store, json_sink: JsonSink) -> None:
    notifier = Notifier([json_sink.url], retry_delay_s=0)
    summary = stored(store, post_run_summary(), notifier.targets())
    jobs.claim_delivery(store, summary.id, target_id(json_sink.url), NOW)
    jobs.settle_interrupted_deliveries(store, NOW)

    flush_outbox(store, notifier, lambda: NOW)

    assert json_sink.bodies == []


def test_summary_stored_once(store: Store) -> None:
    stored(store, post_run_summary(), [LOCAL_TARGET])
    summary = post_run_summary()
    again = jobs.create_summary(
        store,
        kind=summary.kind,
        local_date=summary.local_date,
        session_id=summary.session_id,
        now=NOW,
        late=False,
        title=summary.title,
        text=summary.text,
        html=summary.html,
        chart_png=None,
        targets=[LOCAL_TARGET],
    )
    assert again is None


def test_local_target_prints(store: Store) -> None:
    out = io.StringIO()
    notifier = Notifier([], out=out)
    stored(store, render_morning(morning_facts()), notifier.targets())

    flush_outbox(store, notifier, lambda: NOW)

    assert "Today: Speed Sharpen" in out.getvalue()


def test_target_id_hides_url() -> None:
    url = "tgram://123456:secret-token/987"
    assert "secret" not in target_id(url)


def test_failure_log_hides_url(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    url = "json://user:hunter2@127.0.0.1:9/hook"
    notifier = Notifier([url], tries_per_send=1, retry_delay_s=0)
    stored(store, post_run_summary(), notifier.targets())

    with caplog.at_level("DEBUG"):
        flush_outbox(store, notifier, lambda: NOW)

    assert "could not send post-run summary" in caplog.text
    assert "hunter2" not in caplog.text


# --- Runner's units ---------------------------------------------------------------------------

MILE_TUNED = "3218.688m warmup; 6x(1609.344m @ 3:36.6-3:40.6/km, 2min jog); 1609.344m cooldown"


def test_post_run_next_in_miles() -> None:
    decision = TuningLine("threshold-2", "Threshold miles on Thu 10 Dec", MILE_TUNED, "why")
    facts = PostRunFacts(
        session=session_view(),
        units="mi",
        analysis=analysis([70.2, 70.8]),
        activity_name=None,
        activity_distance_m=9800.0,
        activity_time_s=3200.0,
        decision=decision,
    )
    text = render_post_run(facts, chart=False).text
    assert "6 x (1.00 mi at 5:49-5:55/mi (about 5:52 each), then 2:00 jog)" in text


def test_jog_not_doubled() -> None:
    jog = Step(StepKind.RECOVERY, EndCondition.time(120))
    assert describe_step(jog, "km") == "2:00 jog"


def test_rep_times_keep_tenths() -> None:
    rep = Step(StepKind.ACTIVE, EndCondition.distance(400), PaceRange(173, 177))
    assert "(69.2-70.8 s each)" in describe_step(rep, "km", repeated=True)


def test_morning_easy_pace_estimate() -> None:
    easy_run = Workout("Easy", (Step(StepKind.ACTIVE, EndCondition.distance(9656.064)),))
    view = SessionView("easy-1", date(2023, 4, 11), "Easy", easy_run)
    facts = morning_facts(units="mi", session=view, easy_pace_s_per_km=300.0)
    assert "About 6.00 mi in 48:17." in render_morning(facts).text


def test_morning_total_matches_plan() -> None:
    facts = morning_facts(units="mi")
    assert facts.session is not None
    total = format_total_distance(facts.session.workout.distance_m(facts.easy_pace_s_per_km), "mi")
    assert f"About {total} in " in render_morning(facts).text


def test_mile_rep_rows() -> None:
    mile = analysis([355.7])
    mile.reps[0].distance_m = 1605.0
    mile.steps.append(AlignedStep(mile.reps[0].step_index, "active", 1, 1609.344, None))
    row = rep_rows(mile, "mi")[0]
    assert row[1:3] == ["1.00 mi", "5:55.7"]


def test_chart_mile_reps_png() -> None:
    mile = analysis([355.7, 352.0])
    chart = render_post_run(
        PostRunFacts(session_view(), "mi", mile, None, 3218.0, 720.0, None)
    ).chart_png
    assert chart is not None
    assert chart.startswith(b"\x89PNG")
