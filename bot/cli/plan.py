"""`peakbot validate`, `peakbot plan` and `peakbot show`: the calendar shown to the runner."""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from bot.cli.context import AppContext
from bot.config.calendar import Calendar, WorkoutDef
from bot.config.load import CalendarError, load_calendar
from bot.config.values import DATE_EXAMPLE, RaceRelative, parse_date_spec
from bot.errors import UserInputError
from bot.plan import (
    STEP_KIND_NAMES,
    PlannedSession,
    athlete_paces,
    calendar_easy_pace,
    describe_workout,
    format_step_length,
    format_total_distance,
)
from bot.workouts.athlete import UnknownPaceLabelError, canonical_label
from bot.workouts.model import (
    DEFAULT_EASY_PACE_S_PER_KM,
    Block,
    PaceRange,
    Repeat,
    Step,
    Workout,
)
from bot.workouts.pace import (
    Unit,
    format_duration,
    format_pace,
    s_per_km_to_s_per_mile,
    time_for_distance_s,
)
from bot.workouts.text import parse_workout

# Track lap for the "time per lap" column, in metres.
LAP_M = 400.0


@click.command()
@click.argument("config", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def validate(app: AppContext, config: Path | None) -> None:
    """Check the calendar; list every problem with its line and key.

    CONFIG defaults to --config, then $PEAKBOT_CONFIG, then config/calendar.yaml.
    Exits with status 2 when the calendar is invalid.
    """
    path = config or app.config_path
    try:
        calendar = load_calendar(path)
    except CalendarError as error:
        for line in error.lines():
            click.echo(line, err=True)
        count = len(error.problems)
        click.echo(f"{path}: invalid, {count} problem{'s' if count != 1 else ''}", err=True)
        sys.exit(error.exit_code)
    click.echo(validation_summary(calendar))


def validation_summary(calendar: Calendar) -> str:
    """Return "<path>: valid, N sessions from D1 to D2 (race day D3)"."""
    sessions = calendar.sessions
    race_day = calendar.race.date.isoformat()
    if not sessions:
        return f"{calendar.path}: valid, 0 sessions (race day {race_day})"
    count = len(sessions)
    return (
        f"{calendar.path}: valid, {count} session{'s' if count != 1 else ''} from "
        f"{sessions[0].date.isoformat()} to {sessions[-1].date.isoformat()} "
        f"(race day {race_day})"
    )


@click.command()
@click.option(
    "--from",
    "start",
    metavar="DATE",
    help="First local date to list: YYYY-MM-DD, race-19d (days before race day) or today.",
    show_default="every session",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the sessions as a JSON list with their steps (paces in s/km and s/mi, "
    "distances in m, durations in s).",
)
@click.pass_obj
def plan(app: AppContext, start: str | None, as_json: bool) -> None:
    """List the sessions with paces, distance and estimated duration.

    Paces are absolute, in the runner's units (athlete.units); a session the coach
    has tuned shows the tuned prescription next to the calendar's.
    """
    calendar = app.calendar
    first = resolve_date(start, calendar, "--from") if start is not None else None
    sessions = [s for s in app.plan if first is None or s.date >= first]
    units = calendar.athlete.units
    easy = easy_pace(calendar)
    if as_json:
        payload = [session_json(s, units, steps=True, easy=easy) for s in sessions]
        click.echo(json.dumps(payload, indent=2))
        return
    if not sessions:
        click.echo("No sessions" + (f" from {first.isoformat()}." if first else "."))
        return
    for line in plan_lines(sessions, units, easy):
        click.echo(line)


def easy_pace(calendar: Calendar) -> float:
    """Return the pace, in s/km, that estimates steps with no target: E when known."""
    return calendar_easy_pace(calendar)


def plan_lines(
    sessions: list[PlannedSession], units: Unit, easy: float = DEFAULT_EASY_PACE_S_PER_KM
) -> list[str]:
    """Format the plan table: one row per session, plus a line for each tuned session."""
    title_width = max(len("Session"), *(len(s.title) for s in sessions))
    header = (
        f"{'Date':<10}  {'Day':<3}  {'To race':>7}  {'Session':<{title_width}}  "
        f"{'Distance':>9}  {'Time':>7}  Workout"
    )
    lines = [header]
    indent = " " * (len(header) - len("Workout"))
    for session in sessions:
        summary = describe_workout(session.workout, units)
        if session.tuned is not None:
            summary = f"tuned: {summary}"
        lines.append(
            f"{session.date.isoformat():<10}  {session.date.strftime('%a'):<3}  "
            f"{session.days_to_race:>7}  {session.title:<{title_width}}  "
            f"{format_total_distance(session.workout.distance_m(easy), units):>9}  "
            f"{format_duration(session.workout.duration_s(easy)):>7}  {summary}"
        )
        if session.tuned is not None:
            calendar_summary = describe_workout(session.calendar_workout, units)
            lines.append(f"{indent}calendar: {calendar_summary}")
            lines.append(f"{indent}why: {session.tuned.reason}")
    return lines


@click.command()
@click.argument("what", metavar="DATE|WORKOUT")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the steps as JSON (paces in s/km, distances in m, times in s).",
)
@click.pass_obj
def show(app: AppContext, what: str, as_json: bool) -> None:
    """Show a session's or workout's steps with every target pace.

    DATE|WORKOUT is a session id (speed-sharpen-4), a workout key from the library
    (speed-sharpen) or a local date (YYYY-MM-DD, race-19d or today), tried in that
    order. Each target is shown as pace per km, pace per mile and time per 400 m lap.
    """
    calendar = app.calendar
    units = calendar.athlete.units
    easy = easy_pace(calendar)
    sessions, library_workout = find_targets(app, what)
    if as_json:
        if library_workout is not None:
            payload: Any = library_json(calendar, library_workout)
        else:
            payload = [session_json(s, units, steps=True, easy=easy) for s in sessions]
        click.echo(json.dumps(payload, indent=2))
        return
    blocks: list[list[str]] = []
    if library_workout is not None:
        workout = parse_library_workout(calendar, library_workout)
        header = f"{library_workout.title} (workout {library_workout.key})"
        blocks.append([header, *step_lines(workout, units, easy)])
    for session in sessions:
        blocks.append(session_lines(session, units, easy))
    click.echo("\n\n".join("\n".join(block) for block in blocks))


def find_targets(app: AppContext, what: str) -> tuple[list[PlannedSession], WorkoutDef | None]:
    """Resolve `show`'s argument: a session id, a workout key, then a date."""
    calendar = app.calendar
    by_id = [s for s in app.plan if s.id == what]
    if by_id:
        return by_id, None
    if what in calendar.workouts:
        return [], calendar.workouts[what]
    try:
        day = resolve_date(what, calendar, "DATE|WORKOUT")
    except UserInputError:
        # A YYYY-MM-DD argument that names no day gets the date error, not a list of keys.
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", what.strip()):
            raise
        raise UserInputError(
            f"no session or workout {what!r}; give a date ({DATE_EXAMPLE}, or today), a "
            f"session id (for example {calendar.sessions[0].id if calendar.sessions else 'x-1'})"
            f" or a workout key: {', '.join(calendar.workouts)}"
        ) from None
    on_day = [s for s in app.plan if s.date == day]
    if not on_day:
        raise UserInputError(no_session_message(day, calendar))
    return on_day, None


def no_session_message(day: date, calendar: Calendar) -> str:
    """Explain why `day` has no session: after race day, before the block, or a rest day."""
    when = f"no session on {day.isoformat()} ({day.strftime('%A')})"
    if day > calendar.race.date:
        return f"{when}: the calendar ends on race day, {calendar.race.date.isoformat()}"
    if calendar.sessions and day < calendar.sessions[0].date:
        return f"{when}: the first session is on {calendar.sessions[0].date.isoformat()}"
    return f"{when}; it is a rest day. `peakbot plan` lists every session."


def resolve_date(text: str, calendar: Calendar, option: str) -> date:
    """Parse a date option: YYYY-MM-DD, race-relative, or today in the athlete's time zone."""
    if text.strip().lower() == "today":
        return datetime.now(calendar.athlete.timezone).date()
    try:
        spec = parse_date_spec(text)
    except ValueError as error:
        raise UserInputError(f"{option}: {error}, or today") from None
    if isinstance(spec, RaceRelative):
        return calendar.race.date.fromordinal(calendar.race.date.toordinal() + spec.days)
    return spec


def parse_library_workout(calendar: Calendar, definition: WorkoutDef) -> Workout:
    return parse_workout(
        definition.text,
        paces=athlete_paces(calendar.athlete, calendar.race),
        tolerance_s_per_km=calendar.athlete.pace_tolerance_s_per_km,
        name=definition.title,
    )


def session_lines(
    session: PlannedSession, units: Unit, easy: float = DEFAULT_EASY_PACE_S_PER_KM
) -> list[str]:
    day = session.date
    lines = [
        f"{session.title}: {day.strftime('%a')} {day.isoformat()}, "
        f"{_days_to_race_text(session.days_to_race)} (session {session.id})"
    ]
    if session.note:
        lines.append(f"Note: {session.note}")
    if session.tuned is not None:
        lines.append(f"Tuned: {session.tuned.reason}")
        lines.append("Calendar text:")
        lines.extend(f"  {line}" for line in session.calendar_text.strip().splitlines())
        lines.append("Tuned text:")
        lines.extend(f"  {line}" for line in session.text.strip().splitlines())
    lines.extend(step_lines(session.workout, units, easy))
    return lines


def _days_to_race_text(days: int) -> str:
    if days == 0:
        return "race day"
    return f"{days} day{'s' if days != 1 else ''} to race"


def step_lines(
    workout: Workout, units: Unit, easy: float = DEFAULT_EASY_PACE_S_PER_KM
) -> list[str]:
    """Format the steps, one line each, with pace per km, per mile and per 400 m.

    The band is in the runner's units; `easy` (s/km) estimates untargeted steps.
    """
    lines = [f"  {'Step':<18}{'Length':>9}  {'Pace/km':>9}  {'Pace/mi':>9}  {'Per 400 m':>9}  Band"]
    for number, block in enumerate(workout.steps, start=1):
        lines.extend(_block_lines(block, f"{number}.", "  ", units))
    distance = format_total_distance(workout.distance_m(easy), units)
    lines.append(f"Total: {distance}, about {format_duration(workout.duration_s(easy))}")
    return lines


def _block_lines(block: Block, number: str, indent: str, units: Unit) -> list[str]:
    if isinstance(block, Repeat):
        lines = [f"{indent}{number} {block.count} x:"]
        for child in block.steps:
            lines.extend(_block_lines(child, "", indent + "   ", units))
        return lines
    name = f"{number} {STEP_KIND_NAMES[block.kind]}".strip()
    label = f"{indent}{name}"
    length = format_step_length(block.end, units)
    if block.target is None:
        return [f"{label:<20}{length:>9}"]
    target = block.target
    mid = target.mid_s_per_km
    return [
        f"{label:<20}{length:>9}  {format_pace(mid, 'km', _decimals(mid)):>9}  "
        f"{format_pace(mid, 'mi'):>9}  "
        f"{_lap_time(mid):>9}  {_band(target, units)}"
    ]


def _decimals(*paces_s_per_km: float) -> int:
    """Return 1 when a pace has a tenth worth showing (175.5 s/km), else 0."""
    return int(any(abs(pace - round(pace)) >= 0.05 for pace in paces_s_per_km))


def _lap_time(pace_s_per_km: float) -> str:
    return f"{time_for_distance_s(pace_s_per_km, LAP_M):.1f} s"


def _band(target: PaceRange, units: Unit = "km") -> str:
    """Format the band as "2:54-2:58/km" or "5:53-5:58/mi", with a label such as "MP+45s"."""
    fast_s, slow_s = target.fast_s_per_km, target.slow_s_per_km
    if units == "mi":
        fast_s, slow_s = s_per_km_to_s_per_mile(fast_s), s_per_km_to_s_per_mile(slow_s)
    decimals = _decimals(fast_s, slow_s)
    fast = format_pace(target.fast_s_per_km, units, decimals).removesuffix(f"/{units}")
    band = f"{fast}-{format_pace(target.slow_s_per_km, units, decimals)}"
    # An absolute target's label repeats the pace as written; a label such as "T" or
    # "MP+45s" shows where the pace came from.
    label = target.label
    if label and _is_relative(label):
        return f"{band} ({label})"
    return band


def _is_relative(label: str) -> bool:
    """Tell whether a target label names one of the athlete's paces ("10k", "MP-5s")."""
    head = re.match(r"[A-Za-z0-9-]+?(?=[+-]\d|$)", label.strip())
    if head is None:
        return False
    try:
        canonical_label(head.group())
    except UnknownPaceLabelError:
        return False
    return True


# JSON shapes


def session_json(
    session: PlannedSession,
    units: Unit,
    steps: bool = False,
    easy: float = DEFAULT_EASY_PACE_S_PER_KM,
) -> dict[str, Any]:
    """Describe a planned session for --json; `steps` adds the step tree with its targets."""
    workout = session.workout
    payload: dict[str, Any] = {
        "id": session.id,
        "date": session.date.isoformat(),
        "weekday": session.date.strftime("%a"),
        "days_to_race": session.days_to_race,
        "workout": session.workout_key,
        "title": session.title,
        "summary": describe_workout(workout, units),
        "distance_m": round(workout.distance_m(easy), 1),
        "duration_s": round(workout.duration_s(easy), 1),
        "text": session.text,
        "calendar_text": session.calendar_text,
        "tuned": None,
        "note": session.note,
    }
    if session.tuned is not None:
        payload["tuned"] = {
            "text": session.tuned.text,
            "reason": session.tuned.reason,
            "calendar_summary": describe_workout(session.calendar_workout, units),
        }
    if steps:
        payload["steps"] = [block_json(block) for block in workout.steps]
    return payload


def library_json(calendar: Calendar, definition: WorkoutDef) -> dict[str, Any]:
    workout = parse_library_workout(calendar, definition)
    easy = easy_pace(calendar)
    return {
        "workout": definition.key,
        "title": definition.title,
        "summary": describe_workout(workout, calendar.athlete.units),
        "distance_m": round(workout.distance_m(easy), 1),
        "duration_s": round(workout.duration_s(easy), 1),
        "text": definition.text,
        "steps": [block_json(block) for block in workout.steps],
    }


def block_json(block: Block) -> dict[str, Any]:
    """Describe a step or repeat block; paces in s/km, times in s, distances in m."""
    if isinstance(block, Repeat):
        return {
            "type": "repeat",
            "count": block.count,
            "steps": [block_json(child) for child in block.steps],
        }
    return {
        "type": "step",
        "kind": str(block.kind),
        "end": {"kind": str(block.end.kind), "value": block.end.value},
        "target": _target_json(block),
    }


def _target_json(step: Step) -> dict[str, Any] | None:
    target = step.target
    if target is None:
        return None
    mid = target.mid_s_per_km
    mid_s_per_mi = s_per_km_to_s_per_mile(mid)
    # The strings follow the table's rule: a tenth of a second shows when it is there.
    return {
        "fast_s_per_km": round(target.fast_s_per_km, 2),
        "slow_s_per_km": round(target.slow_s_per_km, 2),
        "mid_s_per_km": round(mid, 2),
        "fast_s_per_mi": round(s_per_km_to_s_per_mile(target.fast_s_per_km), 2),
        "slow_s_per_mi": round(s_per_km_to_s_per_mile(target.slow_s_per_km), 2),
        "mid_s_per_mi": round(mid_s_per_mi, 2),
        "label": target.label,
        "pace_per_km": format_pace(mid, "km", _decimals(mid)),
        "pace_per_mi": format_pace(mid, "mi"),
        "time_per_400m_s": round(time_for_distance_s(mid, LAP_M), 1),
    }
