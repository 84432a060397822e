"""Load and validate the training calendar (YAML) into bot.config.calendar types.

One schema (the option tables below) lists the keys each section accepts, which
are required, and gives an example of each; defaults live in the calendar types.
Unknown keys are errors. Every problem found is reported in one pass, each with the
file, line and dotted key, so the runner fixes the whole file at once.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from bot.coach.bounds import TuningBounds
from bot.config.calendar import Athlete, Calendar, Race, RaceResult, SessionDef, WorkoutDef
from bot.config.values import (
    RaceRelative,
    parse_bool,
    parse_clock_time,
    parse_count,
    parse_date_spec,
    parse_distance,
    parse_duration,
    parse_iso_date,
    parse_pace,
    parse_pace_change,
    parse_units,
)
from bot.config.yaml_lines import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlSyntaxError,
    compose_yaml,
    line_of,
    scalar_first_line,
)
from bot.errors import UserInputError
from bot.workouts.athlete import LABELS, AthletePaces, UnknownPaceLabelError, canonical_label
from bot.workouts.text import WorkoutTextError, parse_workout

T = TypeVar("T")

UTC_ZONE = zoneinfo.ZoneInfo("UTC")

NULL_TAG = "tag:yaml.org,2002:null"
MERGE_TAG = "tag:yaml.org,2002:merge"

# Workout keys become part of session ids, file names and Garmin workout names.
WORKOUT_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Option:
    """One key of a calendar section: whether it must be there and an accepted value."""

    key: str
    description: str
    example: str
    required: bool = False


def _options(*options: Option) -> dict[str, Option]:
    return {option.key: option for option in options}


TOP_OPTIONS = _options(
    Option("athlete", "The runner: name, time zone, units and paces.", "{name: Sam, ...}", True),
    Option("race", "The goal race that ends the block.", "{name: London Marathon, ...}", True),
    Option("workouts", "Workout library, by key.", "{easy: {title: Easy, text: ...}}", True),
    Option(
        "sessions", "Dated sessions, each naming a workout.", "[{date: ..., workout: easy}]", True
    ),
)
ATHLETE_OPTIONS = _options(
    Option("name", "Runner's name, used in summaries.", "Sam", True),
    Option("timezone", "IANA time zone that session dates are in.", "Europe/London", True),
    Option(
        "units",
        "Units of the paces and distances shown to the runner: km (default) or mi; "
        "`mile` and `miles` also mean mi, and case does not matter.",
        "km",
    ),
    Option(
        "race_result",
        "A recent race, from which training paces are derived.",
        '{distance: 10km, time: "36:00", date: 2023-02-12}',
    ),
    Option(
        "paces",
        "Explicit paces by label; they override derived paces.",
        '{MP: "4:01/km", T: "3:45/km"}',
    ),
    Option(
        "pace_tolerance",
        "Half-width of the band a single target pace becomes; default 2s/km.",
        "2s/km",
    ),
)
RACE_RESULT_OPTIONS = _options(
    Option("distance", "Race distance.", "10km", True),
    Option("time", "Finish time, quoted.", '"36:00"', True),
    Option("date", "Date of that race (kept for the record).", "2023-02-12"),
)
RACE_OPTIONS = _options(
    Option("name", "Goal race name.", "London Marathon", True),
    Option("date", "Race day, a local date.", "2023-04-23", True),
    Option(
        "goal", "Goal time, quoted; it sets marathon pace (MP) unless paces.MP is set.", '"2:50:00"'
    ),
    Option("distance", "Race distance; a marathon unless set.", "marathon"),
)
WORKOUT_OPTIONS = _options(
    Option(
        "title", "Name shown on the watch and in summaries; the key unless set.", "Speed Sharpen"
    ),
    Option("text", "The workout in peakbot's workout notation.", '"10km @ E"', True),
    Option(
        "tuning", "Limits for the coach when it tunes this workout.", "{min_reps: 12, max_reps: 20}"
    ),
)
TUNING_OPTIONS = _options(
    Option("tune", "false keeps the workout exactly as written; default true.", "true"),
    Option("min_reps", "Fewest repeats the coach may prescribe.", "12"),
    Option("max_reps", "Most repeats the coach may prescribe.", "20"),
    Option(
        "max_pace_change",
        "Largest change of rep pace from one session to the next; default 2s/km.",
        "2s/km",
    ),
    Option("fastest_pace", "Fastest rep pace the coach may prescribe.", '"2:52/km"'),
    Option("slowest_pace", "Slowest rep pace the coach may prescribe.", '"3:00/km"'),
    Option("min_recovery", "Shortest recovery between repeats.", "45s"),
    Option("max_recovery", "Longest recovery between repeats.", "90s"),
)
SESSION_OPTIONS = _options(
    Option(
        "date", "Local date of the session: YYYY-MM-DD or relative to race day.", "race-19d", True
    ),
    Option("workout", "Key of the workout in the library.", "speed-sharpen", True),
    Option("id", "Stable id; <workout>-<n> unless set.", "sharpen-final"),
    Option("note", "Note shown with the session.", '"Track, lane 1"'),
)

# Every section's options by the dotted path of the section, for documentation.
SCHEMA: dict[str, dict[str, Option]] = {
    "": TOP_OPTIONS,
    "athlete": ATHLETE_OPTIONS,
    "athlete.race_result": RACE_RESULT_OPTIONS,
    "race": RACE_OPTIONS,
    "workouts.<key>": WORKOUT_OPTIONS,
    "workouts.<key>.tuning": TUNING_OPTIONS,
    "sessions[]": SESSION_OPTIONS,
}


def schema_reference() -> str:
    """Render the schema as a Markdown table: key, whether required, meaning, example."""
    rows = ["| Key | Required | Meaning | Example |", "|---|---|---|---|"]
    for section, options in SCHEMA.items():
        for option in options.values():
            key = f"{section}.{option.key}" if section else option.key
            required = "yes" if option.required else "no"
            example = option.example.replace("|", "\\|")
            rows.append(f"| `{key}` | {required} | {option.description} | `{example}` |")
    return "\n".join(rows)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the calendar, at a line (None when the file as a whole)."""

    line: int | None
    key: str
    message: str

    def format(self, path: Path) -> str:
        where = f"{path}:{self.line}" if self.line is not None else str(path)
        if self.key:
            return f"{where}: {self.key}: {self.message}"
        return f"{where}: {self.message}"


class CalendarError(UserInputError):
    """The calendar cannot be used; `problems` lists every problem found, in file order."""

    def __init__(self, path: Path, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        super().__init__("\n".join(problem.format(path) for problem in self.problems))

    def lines(self) -> list[str]:
        return [problem.format(self.path) for problem in self.problems]


def load_calendar(path: Path) -> Calendar:
    """Read, validate and resolve the calendar at `path`.

    Raises CalendarError listing every problem, or naming the file when it is missing.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CalendarError(
            path,
            [
                Problem(
                    None,
                    "",
                    "calendar file not found; pass --config PATH or set "
                    "PEAKBOT_CONFIG to your calendar (copy config/calendar.yaml to start one)",
                )
            ],
        ) from None
    except OSError as error:
        raise CalendarError(
            path, [Problem(None, "", f"failed to read the calendar: {error}")]
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CalendarError(path, [_not_utf8_problem(data, error.start)]) from None
    # Universal newlines, as reading in text mode would give.
    return parse_calendar(text.replace("\r\n", "\n").replace("\r", "\n"), path)


def _not_utf8_problem(data: bytes, offset: int) -> Problem:
    """Name the line and column of the first byte at `offset` that is not UTF-8."""
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return Problem(
        line,
        "",
        f"failed to read the calendar: byte 0x{data[offset]:02x} at column {column} is not "
        "valid UTF-8; save the file as UTF-8 (an editor's Save As offers the encoding)",
    )


def parse_calendar(text: str, path: Path) -> Calendar:
    """Validate calendar YAML `text`; `path` is used in messages and kept on the result."""
    try:
        root = compose_yaml(text)
    except YamlSyntaxError as error:
        where = f", column {error.column}" if error.column is not None else ""
        raise CalendarError(
            path, [Problem(error.line, "", f"invalid YAML{where}: {error}")]
        ) from None
    reader = _Reader()
    calendar = reader.calendar(root, path)
    if reader.problems or calendar is None:
        problems = sorted(reader.problems, key=lambda p: p.line or 0)
        raise CalendarError(path, problems)
    return calendar


def closest(word: str, choices: Sequence[str]) -> str | None:
    """Return the choice closest to `word` when one is close enough to be a likely typo."""
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL_TAG:
        return "an empty value"
    return f"{node.value!r}"


class _Reader:
    """Validator of the node tree that collects every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, where: Node | int | None, key: str, message: str) -> None:
        line = line_of(where) if isinstance(where, Node) else where
        self.problems.append(Problem(line, key, message))

    # Generic shapes

    def mapping(
        self, node: Node, path: str, options: Mapping[str, Option] | None, example: str
    ) -> dict[str, tuple[ScalarNode, Node]] | None:
        """Check `node` is a mapping of known keys; return key -> (key node, value node)."""
        if not isinstance(node, MappingNode):
            self.problem(
                node,
                path or "calendar",
                f"expected a mapping of keys, got {_describe(node)}; for example {example}",
            )
            return None
        found: dict[str, tuple[ScalarNode, Node]] = {}
        suggested: set[str] = set()
        for key_node, value_node in self.pairs(node, path):
            if not isinstance(key_node, ScalarNode):
                self.problem(
                    key_node,
                    path or "calendar",
                    "invalid key: write a plain word, for example units",
                )
                continue
            name = str(key_node.value)
            key_path = _join(path, name)
            if name in found:
                first = line_of(found[name][0])
                self.problem(key_node, key_path, f"duplicate key; the first is on line {first}")
                continue
            if options is not None and name not in options:
                self.problem(key_node, key_path, _unknown_key_message(name, list(options)))
                suggested.add(closest(name, list(options)) or "")
                continue
            found[name] = (key_node, value_node)
        if options is not None:
            for option in options.values():
                # A misspelt key already reported with this suggestion needs no second line.
                absent = option.key not in found and option.key not in suggested
                empty = option.key in found and _is_null(found[option.key][1])
                if option.required and (absent or empty):
                    where: Node = found[option.key][0] if option.key in found else node
                    self.problem(
                        where,
                        _join(path, option.key),
                        f"missing required value; for example {option.key}: {option.example}",
                    )
        return found

    def pairs(self, node: MappingNode, path: str) -> list[tuple[Node, Node]]:
        """Return the mapping's key-value pairs with YAML merge keys (`<<: *base`) applied.

        Keys written in the mapping win over merged ones, and an earlier merged mapping
        wins over a later one, as the YAML merge key type specifies.
        """
        own = [(key, value) for key, value in node.value if key.tag != MERGE_TAG]
        seen = {key.value for key, _ in own if isinstance(key, ScalarNode)}
        merged: list[tuple[Node, Node]] = []
        for key, value in node.value:
            if key.tag != MERGE_TAG:
                continue
            sources = value.value if isinstance(value, SequenceNode) else [value]
            for source in sources:
                if not isinstance(source, MappingNode):
                    self.problem(
                        source,
                        path or "calendar",
                        "a merge key (<<) takes a mapping or a list of mappings, for "
                        "example <<: *untuned",
                    )
                    continue
                for merged_key, merged_value in self.pairs(source, path):
                    if isinstance(merged_key, ScalarNode) and merged_key.value not in seen:
                        seen.add(merged_key.value)
                        merged.append((merged_key, merged_value))
        return merged + own

    def scalar(
        self,
        fields: Mapping[str, tuple[ScalarNode, Node]],
        name: str,
        path: str,
        parse: Callable[[str], T],
        option: Option,
    ) -> T | None:
        """Parse one optional scalar field; None when absent, empty or invalid."""
        if name not in fields:
            return None
        node = fields[name][1]
        key_path = _join(path, name)
        if _is_null(node):
            return None
        if not isinstance(node, ScalarNode):
            self.problem(
                node,
                key_path,
                f"expected a single value, got {_describe(node)}; for example "
                f"{name}: {option.example}",
            )
            return None
        try:
            return parse(str(node.value))
        except ValueError as error:
            self.problem(node, key_path, str(error))
            return None

    # Sections

    def calendar(self, root: Node | None, path: Path) -> Calendar | None:
        if root is None:
            self.problem(None, "", "the calendar is empty; copy config/calendar.yaml to start")
            return None
        top = self.mapping(root, "", TOP_OPTIONS, "athlete:, race:, workouts:, sessions:")
        if top is None:
            return None

        # A missing or empty section is already reported by mapping(); skip it here.
        sections = {key: value for key, (_, value) in top.items() if not _is_null(value)}
        race, pace_race = self.race(sections["race"]) if "race" in sections else (None, None)
        athlete, pace_athlete = (
            self.athlete(sections["athlete"]) if "athlete" in sections else (None, None)
        )
        # Workout texts are checked only against valid paces: with a pace field invalid,
        # a text naming MP would fail for a reason already reported.
        text_athlete: Athlete | None = None
        paces: AthletePaces | None = None
        if pace_athlete is not None and pace_race is not None:
            known = len(self.problems)
            paces = self.paces(pace_athlete, pace_race, sections["athlete"])
            text_athlete = pace_athlete if len(self.problems) == known else None
        workouts = None
        if "workouts" in sections:
            workouts = self.workouts(sections["workouts"], text_athlete, paces)
        sessions = None
        if "sessions" in sections:
            sessions = self.sessions(sections["sessions"], race, workouts)

        if athlete is None or race is None or workouts is None or sessions is None:
            return None
        return Calendar(path=path, athlete=athlete, race=race, workouts=workouts, sessions=sessions)

    def athlete(self, node: Node) -> tuple[Athlete | None, Athlete | None]:
        """Return the athlete, and one for checking workout texts.

        The second needs only the pace fields to be valid, so a misspelt time zone does
        not hide the errors in the workout texts. It is None when a pace field is wrong.
        """
        path = "athlete"
        fields = self.mapping(node, path, ATHLETE_OPTIONS, ATHLETE_OPTIONS["name"].example)
        if fields is None:
            return None, None
        kwargs: dict[str, Any] = {}
        known = len(self.problems)
        tolerance = self.scalar(
            fields, "pace_tolerance", path, parse_pace_change, ATHLETE_OPTIONS["pace_tolerance"]
        )
        if tolerance is not None:
            kwargs["pace_tolerance_s_per_km"] = tolerance
        if "race_result" in fields and not _is_null(fields["race_result"][1]):
            kwargs["race_result"] = self.race_result(fields["race_result"][1])
        if "paces" in fields and not _is_null(fields["paces"][1]):
            kwargs["paces_s_per_km"] = self.explicit_paces(fields["paces"][1])
        paces_valid = len(self.problems) == known

        name = self.scalar(fields, "name", path, _text, ATHLETE_OPTIONS["name"])
        timezone = self.scalar(
            fields, "timezone", path, parse_timezone, ATHLETE_OPTIONS["timezone"]
        )
        units = self.scalar(fields, "units", path, parse_units, ATHLETE_OPTIONS["units"])
        if units is not None:
            kwargs["units"] = units

        pace_athlete = Athlete(name=name or "", timezone=timezone or UTC_ZONE, **kwargs)
        if name is None or timezone is None:
            return None, pace_athlete if paces_valid else None
        athlete = Athlete(name=name, timezone=timezone, **kwargs)
        return athlete, athlete if paces_valid else None

    def race_result(self, node: Node) -> RaceResult | None:
        path = "athlete.race_result"
        fields = self.mapping(
            node, path, RACE_RESULT_OPTIONS, ATHLETE_OPTIONS["race_result"].example
        )
        if fields is None:
            return None
        distance = self.scalar(
            fields, "distance", path, parse_distance, RACE_RESULT_OPTIONS["distance"]
        )
        time_s = self.scalar(fields, "time", path, parse_clock_time, RACE_RESULT_OPTIONS["time"])
        when = self.scalar(fields, "date", path, parse_iso_date, RACE_RESULT_OPTIONS["date"])
        if distance is None or time_s is None:
            return None
        return RaceResult(distance_m=distance, time_s=time_s, date=when)

    def explicit_paces(self, node: Node) -> dict[str, float]:
        path = "athlete.paces"
        fields = self.mapping(node, path, None, ATHLETE_OPTIONS["paces"].example)
        if fields is None:
            return {}
        paces: dict[str, float] = {}
        for label, (key_node, _value) in fields.items():
            try:
                canonical = canonical_label(label)
            except UnknownPaceLabelError:
                self.problem(
                    key_node,
                    _join(path, label),
                    _unknown_key_message(label, list(LABELS), noun="pace label"),
                )
                continue
            pace = self.scalar(fields, label, path, parse_pace, Option(label, "", '"3:58/km"'))
            if pace is not None:
                paces[canonical] = pace
        return paces

    def race(self, node: Node) -> tuple[Race | None, Race | None]:
        """Return the race, and one for deriving paces (needs only goal and distance)."""
        path = "race"
        fields = self.mapping(node, path, RACE_OPTIONS, RACE_OPTIONS["name"].example)
        if fields is None:
            return None, None
        known = len(self.problems)
        goal = self.scalar(fields, "goal", path, parse_clock_time, RACE_OPTIONS["goal"])
        distance = self.scalar(fields, "distance", path, parse_distance, RACE_OPTIONS["distance"])
        paces_valid = len(self.problems) == known
        name = self.scalar(fields, "name", path, _text, RACE_OPTIONS["name"])
        day = self.scalar(fields, "date", path, parse_iso_date, RACE_OPTIONS["date"])

        kwargs: dict[str, Any] = {}
        if distance is not None:
            kwargs["distance_m"] = distance
        pace_race = Race(name=name or "", date=day or date.min, goal_time_s=goal, **kwargs)
        if name is None or day is None:
            return None, pace_race if paces_valid else None
        race = Race(name=name, date=day, goal_time_s=goal, **kwargs)
        return race, race if paces_valid else None

    def paces(self, athlete: Athlete, race: Race, athlete_node: Node) -> AthletePaces | None:
        from bot.plan import athlete_paces

        try:
            return athlete_paces(athlete, race)
        except ValueError as error:
            self.problem(
                athlete_node,
                "athlete",
                f"cannot derive training paces: {error}; check race_result and paces",
            )
            return None

    def workouts(
        self, node: Node, athlete: Athlete | None, paces: AthletePaces | None
    ) -> dict[str, WorkoutDef] | None:
        fields = self.mapping(node, "workouts", None, '{easy: {text: "10km @ E"}}')
        if fields is None:
            return None
        workouts: dict[str, WorkoutDef] = {}
        for key, (key_node, value_node) in fields.items():
            path = f"workouts.{key}"
            if not WORKOUT_KEY.fullmatch(key):
                self.problem(
                    key_node,
                    path,
                    "invalid workout key; use letters, digits, '-' and '_', for "
                    "example speed-sharpen",
                )
                continue
            workout = self.workout(key, value_node, path, athlete, paces)
            if workout is not None:
                workouts[key] = workout
        if not fields:
            self.problem(node, "workouts", "the library is empty; add at least one workout")
        return workouts

    def workout(
        self,
        key: str,
        node: Node,
        path: str,
        athlete: Athlete | None,
        paces: AthletePaces | None,
    ) -> WorkoutDef | None:
        fields = self.mapping(node, path, WORKOUT_OPTIONS, '{title: Easy, text: "10km @ E"}')
        if fields is None:
            return None
        title = self.scalar(fields, "title", path, _text, WORKOUT_OPTIONS["title"]) or key
        text = self.scalar(fields, "text", path, _text, WORKOUT_OPTIONS["text"])
        bounds = TuningBounds()
        if "tuning" in fields and not _is_null(fields["tuning"][1]):
            bounds = self.tuning(fields["tuning"][1], f"{path}.tuning") or bounds
        if text is None:
            return None
        text_node = fields["text"][1]
        assert isinstance(text_node, ScalarNode)
        first_line = scalar_first_line(text_node)
        if athlete is not None:
            self.check_workout_text(text, text_node, f"{path}.text", title, athlete, paces)
        return WorkoutDef(
            key=key, title=title, text=text, bounds=bounds, line=first_line or line_of(text_node)
        )

    def check_workout_text(
        self,
        text: str,
        node: ScalarNode,
        path: str,
        title: str,
        athlete: Athlete,
        paces: AthletePaces | None,
    ) -> None:
        try:
            parse_workout(
                text, paces=paces, tolerance_s_per_km=athlete.pace_tolerance_s_per_km, name=title
            )
        except WorkoutTextError as error:
            first_line = scalar_first_line(node)
            line = first_line + error.line - 1 if first_line is not None else line_of(node)
            self.problem(
                line,
                f"{path}, line {error.line}, column {error.column}",
                workout_error_message(error),
            )
        except ValueError as error:
            self.problem(node, path, f"invalid workout: {error}")

    def tuning(self, node: Node, path: str) -> TuningBounds | None:
        fields = self.mapping(node, path, TUNING_OPTIONS, "{min_reps: 12, max_reps: 20}")
        if fields is None:
            return None
        parsers: dict[str, tuple[str, Callable[[str], Any]]] = {
            "tune": ("tune", parse_bool),
            "min_reps": ("min_reps", parse_count),
            "max_reps": ("max_reps", parse_count),
            "max_pace_change": ("max_pace_change_s_per_km", parse_pace_change),
            "fastest_pace": ("fastest_pace_s_per_km", parse_pace),
            "slowest_pace": ("slowest_pace_s_per_km", parse_pace),
            "min_recovery": ("min_recovery_s", parse_duration),
            "max_recovery": ("max_recovery_s", parse_duration),
        }
        kwargs: dict[str, Any] = {}
        for key, (attribute, parse) in parsers.items():
            value = self.scalar(fields, key, path, parse, TUNING_OPTIONS[key])
            if value is not None:
                kwargs[attribute] = value

        def check_order(low: str, high: str, what: str) -> None:
            low_value, high_value = kwargs.get(TUNING_NAMES[low]), kwargs.get(TUNING_NAMES[high])
            if low_value is not None and high_value is not None and low_value > high_value:
                self.problem(
                    fields[high][1],
                    f"{path}.{high}",
                    f"{what} is below {low}; {low} must not exceed {high}",
                )

        check_order("min_reps", "max_reps", "max_reps")
        check_order("min_recovery", "max_recovery", "max_recovery")
        check_order("fastest_pace", "slowest_pace", "slowest_pace (seconds per km)")
        return TuningBounds(**kwargs)

    def sessions(
        self, node: Node, race: Race | None, workouts: dict[str, WorkoutDef] | None
    ) -> list[SessionDef] | None:
        if not isinstance(node, SequenceNode):
            self.problem(
                node,
                "sessions",
                f"expected a list of sessions, got {_describe(node)}; for example "
                "- {date: race-19d, workout: speed-sharpen}",
            )
            return None
        drafts: list[tuple[date, int, str, str | None, str | None, Node]] = []
        for index, item in enumerate(node.value):
            path = f"sessions[{index}]"
            fields = self.mapping(
                item, path, SESSION_OPTIONS, "{date: race-19d, workout: speed-sharpen}"
            )
            if fields is None:
                continue
            spec = self.scalar(fields, "date", path, parse_date_spec, SESSION_OPTIONS["date"])
            workout_key = self.scalar(fields, "workout", path, _text, SESSION_OPTIONS["workout"])
            session_id = self.scalar(fields, "id", path, parse_session_id, SESSION_OPTIONS["id"])
            note = self.scalar(fields, "note", path, _text, SESSION_OPTIONS["note"])

            if workout_key is not None and workouts is not None and workout_key not in workouts:
                self.problem(
                    fields["workout"][1],
                    f"{path}.workout",
                    _unknown_workout_message(workout_key, list(workouts)),
                )
                workout_key = None
            day = self.session_date(spec, race, fields, path)
            if day is None or workout_key is None:
                continue
            drafts.append((day, index, workout_key, session_id, note, item))

        return self.number_sessions(drafts)

    def session_date(
        self,
        spec: date | RaceRelative | None,
        race: Race | None,
        fields: Mapping[str, tuple[ScalarNode, Node]],
        path: str,
    ) -> date | None:
        if spec is None or race is None:
            return None
        day = race.date + timedelta(days=spec.days) if isinstance(spec, RaceRelative) else spec
        if day > race.date:
            self.problem(
                fields["date"][1],
                f"{path}.date",
                f"{day.isoformat()} is after race day {race.date.isoformat()}; the "
                f"calendar ends on race day, so write a date up to race day, for "
                f"example {race.date.isoformat()} or race-7d (7 days before race day)",
            )
            return None
        return day

    def number_sessions(
        self, drafts: list[tuple[date, int, str, str | None, str | None, Node]]
    ) -> list[SessionDef]:
        """Sort sessions by date and give each without an explicit id "<workout>-<n>"."""
        drafts.sort(key=lambda draft: (draft[0], draft[1]))
        counts: dict[str, int] = {}
        seen: dict[str, int] = {}
        sessions: list[SessionDef] = []
        for day, index, workout_key, explicit_id, note, item in drafts:
            if explicit_id:
                # A session with its own id takes no number, so adding or removing
                # it leaves the ids of the numbered sessions as they were.
                session_id = explicit_id
            else:
                counts[workout_key] = counts.get(workout_key, 0) + 1
                session_id = f"{workout_key}-{counts[workout_key]}"
            line = line_of(item)
            if session_id in seen:
                self.problem(
                    item,
                    f"sessions[{index}].id",
                    f"duplicate session id {session_id!r}, also on line "
                    f"{seen[session_id]}; set a different id, for example id: "
                    f"{workout_key}-extra",
                )
                continue
            seen[session_id] = line
            sessions.append(
                SessionDef(id=session_id, date=day, workout_key=workout_key, note=note, line=line)
            )
        return sessions


TUNING_NAMES = {
    "min_reps": "min_reps",
    "max_reps": "max_reps",
    "min_recovery": "min_recovery_s",
    "max_recovery": "max_recovery_s",
    "fastest_pace": "fastest_pace_s_per_km",
    "slowest_pace": "slowest_pace_s_per_km",
}


def parse_timezone(text: str) -> zoneinfo.ZoneInfo:
    """Parse an IANA time zone name such as "Europe/London"."""
    name = text.strip()
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        pass
    suggestion = closest(name, sorted(zoneinfo.available_timezones()))
    hint = f"did you mean {suggestion}? " if suggestion else ""
    raise ValueError(
        f"unknown time zone {name!r}; {hint}write an IANA name, for example Europe/London or "
        "America/New_York"
    )


def parse_session_id(text: str) -> str:
    stripped = text.strip()
    if not SESSION_ID.fullmatch(stripped):
        raise ValueError(
            f"invalid id {text!r}; use letters, digits, '.', '-' and '_', for example sharpen-final"
        )
    return stripped


def workout_error_message(error: WorkoutTextError) -> str:
    """Return the workout text error's message without its "line L, column C: " prefix."""
    message = getattr(error, "message", None)
    if isinstance(message, str):
        return message
    return re.sub(r"^line \d+, column \d+: ", "", str(error))


def _text(text: str) -> str:
    return text


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG


def _unknown_key_message(name: str, valid: list[str], noun: str = "key") -> str:
    suggestion = closest(name, valid)
    hint = f"did you mean {suggestion!r}? " if suggestion else ""
    return f"unknown {noun} {name!r}; {hint}valid {noun}s: {', '.join(valid)}"


def _unknown_workout_message(name: str, valid: list[str]) -> str:
    suggestion = closest(name, valid)
    hint = f"did you mean {suggestion!r}? " if suggestion else ""
    return (
        f"unknown workout {name!r}; {hint}write a key of the workouts library: {', '.join(valid)}"
    )
