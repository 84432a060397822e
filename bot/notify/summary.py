"""Morning and post-run summaries as plain text (chat) and HTML (email).

The facts come in as plain data gathered by the service; this module only lays them
out. Every pace is shown in the runner's units and every rep target also as a time
per rep, because that is what the runner reads on the watch at the track.
Nothing secret reaches these functions, so nothing secret can reach a message.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.analysis.model import SessionAnalysis
from bot.plan import format_total_distance
from bot.workouts.model import DEFAULT_EASY_PACE_S_PER_KM, EndKind, Repeat, Step, StepKind, Workout
from bot.workouts.pace import (
    METRES_PER_MILE,
    Unit,
    format_distance,
    format_duration,
    format_pace,
    time_for_distance_s,
)

MORNING = "morning"
POST_RUN = "post-run"
KINDS = (MORNING, POST_RUN)

# Content-ID and file name of the rep chart; the HTML refers to it as cid:reps.png.
CHART_NAME = "reps.png"

COLOUR_HEX = {"green": "#2e7d32", "amber": "#ef8f00", "red": "#c62828"}


@dataclass(frozen=True)
class Summary:
    """One rendered message: a title, a chat body, an email body and an optional chart."""

    kind: str
    local_date: date
    session_id: str
    title: str
    text: str
    html: str
    chart_png: bytes | None = None
    late: bool = False


@dataclass(frozen=True)
class TuningLine:
    session_id: str
    title: str  # title and date of the session it changed
    text: str | None  # the new prescription, or None when it was kept
    reason: str


@dataclass(frozen=True)
class SessionView:
    id: str
    date: date
    title: str
    workout: Workout
    note: str | None = None


@dataclass(frozen=True)
class MorningFacts:
    today: date
    units: Unit
    session: SessionView | None  # today's session, None on a rest day
    next_session: SessionView | None  # the next session after today
    race_name: str
    race_date: date
    tuned: list[TuningLine] = field(default_factory=list)
    week_start: date | None = None
    week_planned_m: float = 0.0
    week_done_m: float = 0.0
    # Set when the summary goes out after its scheduled time: the local send time.
    late_at: datetime | None = None
    scheduled_time: str | None = None
    calendar_problem: str | None = None
    # Pace used to estimate the time and distance of steps with no pace target.
    easy_pace_s_per_km: float = DEFAULT_EASY_PACE_S_PER_KM
    # False when `today` is not the wall-clock date, as with `peakbot summary --date`
    # or `run --once --today`; a rest day then reads "No session on <date>".
    is_today: bool = True


@dataclass(frozen=True)
class PostRunFacts:
    session: SessionView
    units: Unit
    analysis: SessionAnalysis
    activity_name: str | None
    activity_distance_m: float
    activity_time_s: float
    decision: TuningLine | None
    calendar_problem: str | None = None
    easy_pace_s_per_km: float = DEFAULT_EASY_PACE_S_PER_KM


# --- Targets in the runner's terms ------------------------------------------------------------


def describe_step(step: Step, units: Unit, *, repeated: bool = False) -> str:
    """Describe one step: its length, its pace band and the time that band means for it."""
    names = {
        StepKind.WARMUP: "warm-up",
        StepKind.COOLDOWN: "cool-down",
        StepKind.RECOVERY: "jog",
        StepKind.REST: "rest",
        StepKind.ACTIVE: "",
    }
    name = names[step.kind]
    if step.end.kind is EndKind.TIME:
        assert step.end.value is not None
        length = format_duration(step.end.value)
    elif step.end.kind is EndKind.DISTANCE:
        assert step.end.value is not None
        length = step_distance(step.end.value, units)
    else:
        length = "until lap press"
    parts = [f"{length} {name}".strip()]
    target = step.target
    if target is not None:
        parts.append(f"at {_pace_band(target.fast_s_per_km, target.slow_s_per_km, units)}")
        if step.end.kind is EndKind.DISTANCE and step.end.value is not None:
            fast = time_for_distance_s(target.fast_s_per_km, step.end.value)
            slow = time_for_distance_s(target.slow_s_per_km, step.end.value)
            each = " each" if repeated else ""
            parts.append(f"({_step_time(fast, slow)}{each})")
        elif step.end.kind is EndKind.TIME and step.end.value is not None:
            far = step.end.value / target.fast_s_per_km * 1000.0
            near = step.end.value / target.slow_s_per_km * 1000.0
            parts.append(f"({_distance_band(near, far, units)})")
    elif step.kind not in (StepKind.REST, StepKind.RECOVERY):
        # A jog is easy by its name; a rest has no pace at all.
        parts.append("easy")
    return " ".join(parts)


def describe_workout(workout: Workout, units: Unit) -> list[str]:
    """Return one line per block: steps as they are, repeats as "15 x (...)"."""
    return [_describe_block(block, units) for block in workout.steps]


def step_distance(metres: float, units: Unit) -> str:
    """Format a step's distance; a track distance ("400 m") stays in metres in either units.

    A distance under 1 km (or 1 mile) that is a whole number of 10 m is a track
    distance, so a 400 m rep reads "400 m" and not "0.25 mi". A distance written
    in miles, such as 0.25 mi (402.336 m), keeps its miles.
    """
    whole = round(metres)
    below_unit = metres < (METRES_PER_MILE if units == "mi" else 1000.0)
    if below_unit and abs(metres - whole) < 0.01 and whole % 10 == 0:
        return f"{whole} m"
    return format_distance(metres, units)


def rep_distance(metres: float, units: Unit, planned_m: float | None = None) -> str:
    """Format a measured rep distance as the runner thinks of the rep.

    A rep planned as a track distance (a whole hundred metres below 1 mile) reads in
    metres, "402 m". For a runner in miles, a mile rep or one written in miles reads
    "1.00 mi". In km units, reps read in metres below 1 km and in km from there.
    """
    planned = metres if planned_m is None else planned_m
    if units == "mi":
        hundreds = planned / 100.0
        track = abs(hundreds - round(hundreds)) < 0.01 and planned < METRES_PER_MILE - 0.5
        return f"{metres:.0f} m" if track else format_distance(metres, units)
    if metres < 1000.0:
        return f"{metres:.0f} m"
    return format_distance(metres, units)


def rep_time(seconds: float, *, minutes: bool) -> str:
    """Format a rep time: "70.4" (seconds) or, with `minutes`, "5:55.7"."""
    return format_duration(seconds, 1) if minutes else f"{seconds:.1f}"


# Rep tables switch from seconds to m:ss.s once a rep takes longer than this.
SECONDS_MAX_S = 90.0


def _describe_block(block: Step | Repeat, units: Unit, *, repeated: bool = False) -> str:
    if isinstance(block, Step):
        return describe_step(block, units, repeated=repeated)
    inner = ", then ".join(_describe_block(child, units, repeated=True) for child in block.steps)
    return f"{block.count} x ({inner})"


def _pace_band(fast_s_per_km: float, slow_s_per_km: float, units: Unit) -> str:
    fast = format_pace(fast_s_per_km, units)
    slow = format_pace(slow_s_per_km, units)
    if fast == slow:
        return fast
    return f"{fast.split('/')[0]}-{slow}"


def _distance_band(near_m: float, far_m: float, units: Unit) -> str:
    """Format the distance a timed step covers at the ends of its band, to 10 m."""
    near, far = round(near_m, -1), round(far_m, -1)
    if units == "km" and far < 1000:
        return f"{near:.0f} m" if near == far else f"{near:.0f}-{far:.0f} m"
    low, high = total_distance(near, units), total_distance(far, units)
    return low if low == high else f"{low.split()[0]}-{high}"


def total_distance(metres: float, units: Unit) -> str:
    """Format a week's or a run's total to 0.1 km or 0.1 mi: "82.7 km", "0.0 km", "51.4 mi".

    A session's planned total uses bot.plan.format_total_distance, as plan and show do.
    """
    if units == "mi":
        return f"{metres / METRES_PER_MILE:.1f} mi"
    return f"{metres / 1000.0:.1f} km"


def _step_time(fast_s: float, slow_s: float) -> str:
    """Format the time a distance step takes at its pace band.

    A short rep shows its range in seconds ("70-71 s"). A longer step shows "about"
    the middle time when the band spans 10 s or less, so "8:27-8:33/mi (about 8:30)"
    cannot be read as a second pace.
    """
    if fast_s < 120 and slow_s < 120:
        return _time_band(fast_s, slow_s)
    if slow_s - fast_s <= 10:
        return f"about {format_duration((fast_s + slow_s) / 2)}"
    return f"{_time_band(fast_s, slow_s)} in all"


def _time_band(fast_s: float, slow_s: float) -> str:
    """Format a time band: "70-71 s", "69.2-70.8 s" when a bound has tenths, or "5:49-5:55"."""
    if fast_s < 120 and slow_s < 120:
        decimals = _tenths(fast_s, slow_s)
        low, high = f"{fast_s:.{decimals}f}", f"{slow_s:.{decimals}f}"
        return f"{low} s" if low == high else f"{low}-{high} s"
    low, high = format_duration(fast_s), format_duration(slow_s)
    return low if low == high else f"{low}-{high}"


def _tenths(*seconds: float) -> int:
    """Return 1 when a time has a tenth worth showing (69.2 s), else 0."""
    return int(any(abs(value - round(value)) >= 0.05 for value in seconds))


def prescription_text(text: str, units: Unit) -> str:
    """Describe a tuned prescription's compact text the way the morning message does.

    The coach stores the compact form ("6x(1609.344m @ 3:36.6-3:40.6/km, 2min jog)");
    the runner reads "6 x (1.00 mi at 5:49-5:55/mi (about 5:52 each), then 2:00 jog)".
    Text that does not parse, which only a hand-edited database could hold, is shown
    as it is.
    """
    from bot.workouts.text import WorkoutTextError, parse_workout

    try:
        workout = parse_workout(text)
    except (WorkoutTextError, ValueError):
        return text
    return "; ".join(describe_workout(workout, units))


def _day(value: date) -> str:
    return value.strftime("%a %d %b %Y")


# --- Morning ----------------------------------------------------------------------------------


def render_morning(facts: MorningFacts) -> Summary:
    """Render today's session, what was tuned since the last message, race and week totals."""
    lines: list[str] = []
    if facts.late_at is not None:
        lines.append(
            f"Sent late at {facts.late_at.strftime('%H:%M')}: peakbot was not running at "
            f"{facts.scheduled_time or 'the morning summary time'}."
        )
    if facts.session is not None:
        title = f"Today: {facts.session.title} ({_day(facts.today)})"
        lines.append(title)
        lines.extend(f"  - {line}" for line in describe_workout(facts.session.workout, facts.units))
        workout = facts.session.workout
        easy = facts.easy_pace_s_per_km
        lines.append(
            f"  About {format_total_distance(workout.distance_m(easy), facts.units)} "
            f"in {format_duration(workout.duration_s(easy))}."
        )
        if facts.session.note:
            lines.append(f"  Note: {facts.session.note}")
    else:
        title = f"Rest day ({_day(facts.today)})"
        if facts.is_today:
            lines.append(f"No session today, {_day(facts.today)}.")
        else:
            lines.append(f"No session on {_day(facts.today)}.")
        if facts.next_session is not None:
            lines.append(f"Next: {facts.next_session.title} on {_day(facts.next_session.date)}.")

    if facts.tuned:
        lines.append("Tuned since the last message:")
        for item in facts.tuned:
            change = prescription_text(item.text, facts.units) if item.text else "kept as it was"
            lines.append(f"  - {item.title}: {change}. Why: {item.reason}")
    else:
        lines.append("Nothing was tuned since the last message.")

    days = (facts.race_date - facts.today).days
    if days > 0:
        lines.append(f"{facts.race_name}: {days} days to go ({_day(facts.race_date)}).")
    elif days == 0:
        lines.append(f"{facts.race_name} is today. Good luck!")
    else:
        lines.append(f"{facts.race_name} was {-days} days ago.")

    if facts.week_start is not None:
        lines.append(
            f"This week from {facts.week_start.strftime('%a %d %b')}: "
            f"{total_distance(facts.week_planned_m, facts.units)} planned, "
            f"{total_distance(facts.week_done_m, facts.units)} done."
        )
    if facts.calendar_problem:
        lines.append(f"Calendar problem: {facts.calendar_problem}")

    text = "\n".join(lines)
    return Summary(
        kind=MORNING,
        local_date=facts.today,
        session_id="",
        title=f"peakbot morning: {title}",
        text=text,
        html=_html_page(title, _paragraphs([line for line in lines if line != title])),
        late=facts.late_at is not None,
    )


# --- Post-run ---------------------------------------------------------------------------------


def analysis_notes(analysis: SessionAnalysis, units: Unit) -> list[str]:
    """Return the analysis notes, with a steady run's description in the runner's units."""
    notes = list(analysis.notes)
    if analysis.method != "steady" or units == "km":
        return notes
    from bot.analysis.steady import steady_lines

    in_km = steady_lines(analysis.metrics, "km")
    if notes[: len(in_km)] == in_km:
        notes[: len(in_km)] = steady_lines(analysis.metrics, units)
    return notes


def rep_rows(analysis: SessionAnalysis, units: Unit) -> list[list[str]]:
    """Return the rep table: number, distance, time, pace, target time, heart rate, verdict."""
    minutes = _long_reps(analysis)
    planned = {step.index: step.planned_distance_m for step in analysis.steps}
    rows: list[list[str]] = []
    for rep in analysis.reps:
        target = ""
        verdict = ""
        if rep.target_fast_s_per_km is not None and rep.target_slow_s_per_km is not None:
            fast = time_for_distance_s(rep.target_fast_s_per_km, rep.distance_m)
            slow = time_for_distance_s(rep.target_slow_s_per_km, rep.distance_m)
            target = f"{rep_time(fast, minutes=minutes)}-{rep_time(slow, minutes=minutes)}"
            verdict = "ok" if rep.verdict == "in" else (rep.verdict or "")
        rows.append(
            [
                str(rep.number),
                rep_distance(rep.distance_m, units, planned.get(rep.step_index)),
                rep_time(rep.time_s, minutes=minutes),
                format_pace(rep.pace_s_per_km, units),
                target,
                "" if rep.avg_hr is None else f"{rep.avg_hr:.0f}",
                verdict,
            ]
        )
    return rows


def rep_header(analysis: SessionAnalysis) -> list[str]:
    """Return the rep table's header; times are in s, or m:ss.s for reps over 90 s."""
    if _long_reps(analysis):
        return ["Rep", "Distance", "Time", "Pace", "Target", "HR", "Band"]
    return ["Rep", "Distance", "Time s", "Pace", "Target s", "HR", "Band"]


def _long_reps(analysis: SessionAnalysis) -> bool:
    return any(rep.time_s > SECONDS_MAX_S for rep in analysis.reps)


def _text_table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]


def render_post_run(facts: PostRunFacts, *, chart: bool = True) -> Summary:
    """Render the rep table, compliance with its colour, the tuning decision and a chart."""
    metrics = facts.analysis.metrics
    title = (
        f"{facts.session.title} ({_day(facts.session.date)}): "
        f"{metrics.compliance}% compliance, {metrics.colour}"
    )
    lines = [title]
    run = f"Run: {total_distance(facts.activity_distance_m, facts.units)} in "
    run += format_duration(facts.activity_time_s)
    if facts.activity_name:
        run += f" ({facts.activity_name})"
    lines.append(run + ".")
    if metrics.reps_completed is not None:
        lines.append(
            f"Reps: {metrics.reps_completed} of {metrics.reps_prescribed} done, "
            f"{metrics.reps_in_band or 0} in the target band."
        )
    rows = rep_rows(facts.analysis, facts.units)
    steady = facts.analysis.method == "steady"
    no_reps = [] if steady else ["No reps were found in this run."]
    table_lines = _text_table(rep_header(facts.analysis), rows) if rows else no_reps
    notes = [f"Note: {note}" for note in analysis_notes(facts.analysis, facts.units)]
    decision_lines: list[str] = []
    if facts.decision is not None:
        text = facts.decision.text
        change = prescription_text(text, facts.units) if text else "no change"
        decision_lines.append(f"Next {facts.decision.title}: {change}.")
        decision_lines.append(f"Why: {facts.decision.reason}")
    if facts.calendar_problem:
        decision_lines.append(f"Calendar problem: {facts.calendar_problem}")

    text = "\n".join([*lines, *table_lines, *notes, *decision_lines])

    chart_png = None
    if chart and facts.analysis.reps:
        from bot.notify.chart import rep_chart_png

        chart_png = rep_chart_png(
            facts.analysis, title=facts.session.title, session_date=facts.session.date
        )

    colour = COLOUR_HEX.get(metrics.colour, "#555555")
    body = [
        f'<p style="color:{colour};font-weight:bold">{html.escape(lines[0])}</p>',
        _paragraphs(lines[1:]),
        _html_table(rep_header(facts.analysis), rows) if rows else _paragraphs(no_reps),
    ]
    if chart_png is not None:
        body.append(f'<p><img src="cid:{CHART_NAME}" alt="Rep times against the target band"></p>')
    body.append(_paragraphs([*notes, *decision_lines]))
    return Summary(
        kind=POST_RUN,
        local_date=facts.session.date,
        session_id=facts.session.id,
        title=f"peakbot: {title}",
        text=text,
        html=_html_page(title, "\n".join(body), heading=False),
        chart_png=chart_png,
    )


# --- HTML helpers -----------------------------------------------------------------------------


def _paragraphs(lines: list[str]) -> str:
    out: list[str] = []
    items: list[str] = []
    for line in lines:
        if line.startswith("  "):
            items.append(f"<li>{html.escape(line.strip().removeprefix('- '))}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        out.append(f"<p>{html.escape(line)}</p>")
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return "\n".join(out)


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    cell = 'style="padding:2px 8px;text-align:right"'
    head = "".join(f"<th {cell}>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td {cell}>{html.escape(value)}</td>" for value in row) + "</tr>"
        for row in rows
    )
    return f'<table style="border-collapse:collapse"><tr>{head}</tr>{body}</table>'


def _html_page(title: str, body: str, *, heading: bool = True) -> str:
    top = f"<h2>{html.escape(title)}</h2>\n" if heading else ""
    return (
        f'<!DOCTYPE html>\n<html><body style="font-family:sans-serif">\n{top}{body}\n</body></html>'
    )
