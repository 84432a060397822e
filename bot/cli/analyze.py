"""`peakbot analyze`: measure one run against its session and show the next prescription.

The run is a FIT/TCX/GPX file or the stored activity of a date. The workout is the
calendar session of that date (or of --session), or else the structured workout
embedded in a FIT file, so a watch file can be analysed with no calendar at all.
Nothing is stored: the service records analyses and tuned prescriptions.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from bot.cli.context import AppContext
from bot.errors import PeakbotError, ServiceError, UserInputError

if TYPE_CHECKING:
    from bot.activities.model import Activity
    from bot.analysis.model import SessionAnalysis
    from bot.coach.tune import TuningDecision
    from bot.config.calendar import Calendar
    from bot.plan import PlannedSession
    from bot.workouts.model import Workout as WorkoutType
    from bot.workouts.pace import Unit

log = logging.getLogger(__name__)


@dataclass
class AnalyzeResult:
    activity: Activity
    workout: WorkoutType
    analysis: SessionAnalysis
    session: PlannedSession | None
    decision: TuningDecision | None
    next_session: PlannedSession | None
    # The file name, or the activity's name, by which the runner recognises the run.
    label: str | None = None
    units: Unit = "km"


@click.command()
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--date",
    "day",
    metavar="DATE",
    help="Analyse the stored run of this local date instead of a file: YYYY-MM-DD, "
    "race-19d or today.",
)
@click.option(
    "--session",
    "session_day",
    metavar="DATE",
    help="Compare with the calendar session of this local date: YYYY-MM-DD, race-19d or today.",
    show_default="the session on the run's date, else the workout embedded in the FIT file",
)
@click.option("--json", "as_json", is_flag=True, help="Print the analysis and decision as JSON.")
@click.pass_obj
def analyze(
    app: AppContext, file: Path | None, day: str | None, session_day: str | None, as_json: bool
) -> None:
    """Show each rep, the session metrics, compliance and the next prescription.

    FILE is a FIT, TCX or GPX activity file; give FILE or --date, not both. The
    next prescription is that of the next session of the same workout in the
    calendar, when there is one.
    """
    if (file is None) == (day is None):
        raise UserInputError("give an activity FILE or --date DATE (one of them)")
    run_day = app.resolve_date(day, "--date") if day else None
    wanted = app.resolve_date(session_day, "--session") if session_day else None
    result = analyze_run(app, file=file, day=run_day, session_day=wanted)
    if as_json:
        click.echo(json.dumps(result_to_dict(result), indent=2, default=str))
    else:
        click.echo(render_result(result))


def analyze_run(
    app: AppContext, *, file: Path | None, day: date | None, session_day: date | None
) -> AnalyzeResult:
    """Load the run and its workout, analyse it, and decide the family's next session."""
    from bot.analysis import analyze as analyze_workout
    from bot.analysis.match import analyze_with_streams, match_with_streams
    from bot.workouts.model import Workout

    calendar = _load_calendar(app, required=day is not None or session_day is not None)
    zone = calendar.athlete.timezone if calendar else ZoneInfo("UTC")
    plan = _plan(app, calendar) if calendar else []

    label: str | None = None
    if file is not None:
        activity = _load_file(file, zone)
        candidates = [activity]
        local_day = activity.local_date
        label = file.name
    else:
        from bot.store.activities import activities_on, get_activity

        assert day is not None
        stored = activities_on(app.store, day)
        candidates = [full for a in stored if (full := get_activity(app.store, a.key)) is not None]
        if not candidates:
            raise UserInputError(f"no stored run on {day}: run `peakbot sync` first")
        activity = candidates[0]
        local_day = day

    session = _session_on(plan, session_day or local_day)
    if session_day is not None and session is None:
        raise UserInputError(f"no calendar session on {session_day} in {app.config_path}")
    if session is not None:
        if file is None or session_day is not None:
            # Compare on the session's date, whatever day the run was.
            candidates = [_on_day(a, session.date) for a in candidates]
        subject = f"no run on {local_day} matches {session.title}"

        def load_streams(run: Activity, required: bool) -> bool:
            return _load_streams(
                app, run, file, subject if required else run.key, required=required
            )

        match = match_with_streams(session, candidates, load_streams)
        if match.activity is None and file is None:
            raise UserInputError(f"{subject}: {match.reason}")
        activity = match.activity or candidates[0]
        workout = session.workout
        analysis = analyze_with_streams(workout, activity, load_streams, match.analysis)
    elif isinstance(embedded := activity.embedded_workout, Workout):
        workout = embedded
        analysis = analyze_workout(workout, activity)
    else:
        raise UserInputError(
            f"no calendar session on {local_day} and the file carries no workout: "
            "pass --session DATE"
        )

    units: Unit = calendar.athlete.units if calendar else "km"
    decision, following = _decide(app, plan, session, analysis, units)
    if label is None:
        label = _file_name(app, activity.key) or activity.name
    return AnalyzeResult(
        activity, workout, analysis, session, decision, following, label=label, units=units
    )


def _load_streams(
    app: AppContext, activity: Activity, file: Path | None, subject: str, *, required: bool
) -> bool:
    """Attach the stored run's streams, fetched once through the activity source.

    Returns whether the run now has streams. Strava stores the streams it sends, so
    a second analysis sends no request. When `required`, a failure raises
    ServiceError (rate limit, outage) or UserInputError (no streams) saying what
    to do next; otherwise it is logged and the lap analysis stands.
    """
    if file is not None or activity.streams is not None:
        return False
    try:
        return _fetch_streams(app, activity, subject)
    except PeakbotError as error:
        if required:
            raise
        log.warning("analysis of %s stays on its laps: %s", activity.key, error)
        return False


def _fetch_streams(app: AppContext, activity: Activity, subject: str) -> bool:
    from bot.activities.sync import open_source

    source = open_source(app.settings, app.store)
    try:
        streams = source.load_streams(activity)
    except ServiceError as error:
        raise ServiceError(
            f"{subject}: its laps do not show the reps and its streams could not be loaded "
            f"({error}); try `peakbot analyze` again after the 15-minute rate-limit window"
        ) from None
    except PeakbotError as error:
        raise type(error)(
            f"{subject}: its laps do not show the reps, and loading its streams failed: {error}"
        ) from None
    if streams is None:
        raise UserInputError(
            f"{subject}: its laps do not show the reps and {source.name} has no per-second "
            f"data (streams) for {activity.key}; record each rep as a lap (lap button or a "
            "structured workout on the watch), or analyse the watch's FIT file instead"
        )
    activity.streams = streams
    return True


def _file_name(app: AppContext, key: str) -> str | None:
    """Return the activity-folder file a stored run was read from, if it came from one."""
    from bot.store.activities import get_source_items

    for item in get_source_items(app.store, "file").values():
        if item.activity_key == key:
            return item.item_id
    return None


def _on_day(activity: Activity, day: date) -> Activity:
    from dataclasses import replace

    return replace(activity, local_date=day)


def _load_calendar(app: AppContext, *, required: bool) -> Calendar | None:
    from bot.config.load import load_calendar

    if not required and not app.config_path.exists():
        return None
    return load_calendar(app.config_path)


def _plan(app: AppContext, calendar: Calendar) -> list[PlannedSession]:
    from bot.plan import build_plan, load_stored_prescriptions

    return build_plan(calendar, load_stored_prescriptions(app.store))


def _session_on(plan: list[PlannedSession], day: date) -> PlannedSession | None:
    return next((s for s in plan if s.date == day), None)


def _load_file(path: Path, zone: ZoneInfo) -> Activity:
    from bot.activities.files import load_activity_file

    if not path.is_file():
        raise UserInputError(f"{path}: file not found")
    result = load_activity_file(path, zone)
    if result.activity is None:
        raise UserInputError(f"{path}: cannot read the activity: {result.error}")
    return result.activity


def _decide(
    app: AppContext,
    plan: list[PlannedSession],
    session: PlannedSession | None,
    analysis: SessionAnalysis,
    units: Unit,
) -> tuple[TuningDecision | None, PlannedSession | None]:
    if session is None:
        return None, None
    from bot.coach import decide_next
    from bot.store.analyses import list_analyses

    following = next(
        (s for s in plan if s.workout_key == session.workout_key and s.date > session.date), None
    )
    if following is None:
        return None, None
    history: list[Any] = [
        record
        for record in list_analyses(app.store, session.workout_key)
        if record.session_id != session.id and record.date < session.date
    ]
    history.append((session, analysis))
    decision = decide_next(
        session.workout_key,
        history,
        following,
        following.bounds,
        days_to_race=following.days_to_race,
        units=units,
    )
    return decision, following


def result_to_dict(result: AnalyzeResult) -> dict[str, Any]:
    decision = result.decision
    return {
        "activity": result.activity.key,
        "name": result.label,
        "date": result.activity.local_date.isoformat(),
        "distance_m": result.activity.distance_m,
        "session": result.session.id if result.session else None,
        "workout": result.workout.name,
        "analysis": result.analysis.to_dict(),
        "decision": None
        if decision is None
        else {
            "action": decision.action,
            "session": decision.session_id,
            "text": decision.text,
            "reason": decision.reason,
        },
    }


def render_result(result: AnalyzeResult) -> str:
    from bot.cli.sync import run_distance

    analysis = result.analysis
    m = analysis.metrics
    activity = result.activity
    title = result.session.title if result.session else result.workout.name or "Workout"
    steady = analysis.method == "steady"
    lines = [
        f"{title}: {result.label or activity.key} on {activity.local_date}, "
        f"{run_distance(activity.distance_m, result.units)}",
        f"{METHOD_TEXT[analysis.method]} ({_certainty(analysis.confidence)})",
    ]
    if not steady:
        lines.extend(_rep_table(result))
    lines.append("")
    if m.reps_completed is not None:
        in_band = "" if m.reps_in_band is None else f", {m.reps_in_band} inside the band"
        lines.append(f"reps: {m.reps_completed} of {m.reps_prescribed} done{in_band}")
    if m.mean_time_per_400m_s is not None:
        target = (
            f" (target {m.target_time_per_400m_s:.1f} s, {m.mean_deviation_s_per_400m:+.1f} s, "
            f"{m.mean_deviation_pct:+.1f} %)"
            if m.target_time_per_400m_s is not None
            else ""
        )
        lines.append(f"average: {m.mean_time_per_400m_s:.1f} s per 400 m{target}")
    if m.fade_pct is not None:
        drift = "" if m.hr_drift_bpm is None else f", HR drift {m.hr_drift_bpm:+.0f} bpm"
        lines.append(f"fade: {m.fade_pct:+.1f} %, variation (CV) {m.cv_pct:.1f} %{drift}")
    lines.append(f"compliance: {m.compliance}/100 ({m.colour})")
    from bot.notify.summary import analysis_notes

    for note in analysis_notes(analysis, result.units):
        lines.append(f"note: {note}")
    if result.session is not None and result.next_session is None:
        lines.append("")
        lines.append(f"next: no later {result.session.workout_key} session in the calendar to tune")
    if result.decision is not None and result.next_session is not None:
        from bot.notify.summary import prescription_text

        lines.append("")
        lines.append(
            f"next {result.next_session.title} ({result.next_session.date}): "
            f"{result.decision.action}"
        )
        lines.append(f"  {prescription_text(result.decision.text, result.units)}")
        lines.append(f"  because {result.decision.reason}")
    return "\n".join(lines)


# Description of each alignment method, in the runner's words.
METHOD_TEXT = {
    "step_index": "aligned to the watch's workout steps",
    "laps": "aligned from laps",
    "streams": "reps found in the speed stream",
    "totals": "judged from the run's totals only",
    "steady": "judged as one steady run",
}


def _certainty(confidence: float) -> str:
    """Say how sure the alignment is, keeping the number for a reader who wants it."""
    if confidence >= 0.8:
        word = "sure"
    elif confidence >= 0.5:
        word = "fairly sure"
    else:
        word = "unsure"
    return f"{word}, fit {confidence:.2f} of 1"


def _rep_table(result: AnalyzeResult) -> list[str]:
    """Return the rep table and the recoveries line; the band column is in, fast or slow."""
    from bot.notify.summary import SECONDS_MAX_S, rep_distance, rep_time
    from bot.workouts.pace import format_pace

    analysis = result.analysis
    planned = {step.index: step.planned_distance_m for step in analysis.steps}
    minutes = any(rep.time_s > SECONDS_MAX_S for rep in analysis.reps)
    lines = [
        "",
        f"{'rep':>3}  {'distance':>8}  {'time':>7}  {'pace':>10}  {'/400 m':>6}  "
        f"{'avg HR':>6}  {'max HR':>6}  band",
    ]
    for rep in analysis.reps:
        distance = rep_distance(rep.distance_m, result.units, planned.get(rep.step_index))
        lines.append(
            f"{rep.number:>3}  {distance:>8}  {rep_time(rep.time_s, minutes=minutes):>7}  "
            f"{format_pace(rep.pace_s_per_km, result.units, decimals=1):>10}  "
            f"{rep.time_per_400m_s:>6.1f}  "
            f"{_number(rep.avg_hr):>6}  {_number(rep.max_hr):>6}  {rep.verdict or '-'}"
        )
    if analysis.recoveries:
        lines.append("")
        lines.append("recoveries: " + ", ".join(_recovery(r) for r in analysis.recoveries))
    return lines


def _recovery(recovery: Any) -> str:
    from bot.workouts.pace import format_duration

    text = f"{format_duration(recovery.duration_s)} {recovery.distance_m:.0f} m"
    if recovery.hr_drop is not None:
        text += f" (HR drop {recovery.hr_drop:.0f})"
    return text


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"
