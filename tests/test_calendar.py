"""Calendar loading: the example file, session ids and dates, time zones, and every error."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config.load import CalendarError, load_calendar, parse_calendar
from bot.config.values import (
    RaceRelative,
    parse_clock_time,
    parse_date_spec,
    parse_distance,
    parse_duration,
    parse_pace,
    parse_pace_change,
)
from bot.plan import local_date, session_end_utc, session_start_utc

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = REPO_ROOT / "config" / "calendar.yaml"

# A small valid calendar; the error tests change one line of it. Line numbers matter.
BASE = """\
athlete:
  name: Sam
  timezone: Europe/London
  units: km
race:
  name: Test Marathon
  date: 2023-04-23
workouts:
  sharpen:
    title: Sharpen
    text: |
      - 5min @ 6'00''/km
      - 2 lots of:
        - 400m @ 2'56''/km
        - 1min rest
    tuning: {min_reps: 2, max_reps: 4}
  easy:
    text: "10km @ 5'00''/km"
sessions:
  - {date: race-19d, workout: sharpen}
  - {date: 2023-04-05, workout: easy}
  - {date: race, workout: easy}
"""
PATH = Path("calendar.yaml")


def load(text: str) -> object:
    return parse_calendar(text, PATH)


def problems(text: str) -> list[str]:
    with pytest.raises(CalendarError) as caught:
        parse_calendar(text, PATH)
    return caught.value.lines()


def changed(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new, 1)


# The example calendar


def test_example_loads() -> None:
    calendar = load_calendar(EXAMPLE)
    assert calendar.athlete.timezone == ZoneInfo("Europe/London")
    assert calendar.race.date == date(2023, 4, 23)
    assert calendar.race.name == "London Marathon"


def test_example_block_shape() -> None:
    calendar = load_calendar(EXAMPLE)
    assert calendar.sessions[0].date == date(2023, 3, 13)
    assert calendar.sessions[-1].date == calendar.race.date
    assert len(calendar.sessions) == 35


def test_example_sessions_sorted() -> None:
    days = [session.date for session in load_calendar(EXAMPLE).sessions]
    assert days == sorted(days)


def test_example_speed_sharpen_dates() -> None:
    calendar = load_calendar(EXAMPLE)
    sharpen = {s.id: s.date for s in calendar.sessions if s.workout_key == "speed-sharpen"}
    assert sharpen == {
        "speed-sharpen-1": date(2023, 3, 14),
        "speed-sharpen-2": date(2023, 3, 21),
        "speed-sharpen-3": date(2023, 3, 28),
        "speed-sharpen-4": date(2023, 4, 4),
        "speed-sharpen-5": date(2023, 4, 11),
    }


def test_example_reference_text() -> None:
    text = load_calendar(EXAMPLE).workouts["speed-sharpen"].text
    assert text == (
        "- 5min @ 6'00''/km\n"
        "- 2.0km @ 4'00''/km\n"
        "- 15 lots of:\n"
        "- 400m @ 2'56''/km\n"
        "- 1min rest\n"
        "- 5min @ 6'00''/km\n"
    )


def test_example_tuning_bounds() -> None:
    bounds = load_calendar(EXAMPLE).workouts["speed-sharpen"].bounds
    assert (bounds.min_reps, bounds.max_reps) == (8, 20)
    assert (bounds.min_recovery_s, bounds.max_recovery_s) == (45.0, 90.0)
    assert bounds.max_pace_change_s_per_km == 2.0
    assert bounds.fastest_pace_s_per_km == 172.0


def test_example_untuned_families() -> None:
    workouts = load_calendar(EXAMPLE).workouts
    assert workouts["long-run"].bounds.tune is False
    assert workouts["speed-sharpen"].bounds.tune is True


def test_example_text_line() -> None:
    lines = EXAMPLE.read_text().splitlines()
    workout = load_calendar(EXAMPLE).workouts["speed-sharpen"]
    assert workout.line is not None
    assert lines[workout.line - 1].strip() == "- 5min @ 6'00''/km"


# Session ids and dates


def test_session_ids_count_by_date() -> None:
    calendar = parse_calendar(BASE, PATH)
    assert [s.id for s in calendar.sessions] == ["sharpen-1", "easy-1", "easy-2"]


def test_relative_dates() -> None:
    calendar = parse_calendar(BASE, PATH)
    assert [s.date for s in calendar.sessions] == [
        date(2023, 4, 4),
        date(2023, 4, 5),
        date(2023, 4, 23),
    ]


def test_explicit_id_kept() -> None:
    text = changed("{date: race, workout: easy}", "{date: race, workout: easy, id: race-day}")
    ids = [s.id for s in parse_calendar(text, PATH).sessions]
    assert ids == ["sharpen-1", "easy-1", "race-day"]


def test_explicit_id_takes_no_number() -> None:
    text = changed(
        "{date: 2023-04-05, workout: easy}", "{date: 2023-04-05, workout: easy, id: shakeout}"
    )
    ids = [s.id for s in parse_calendar(text, PATH).sessions]
    assert ids == ["sharpen-1", "shakeout", "easy-1"]


def test_moved_date_keeps_id() -> None:
    text = changed("{date: race-19d, workout: sharpen}", "{date: race-18d, workout: sharpen}")
    session = parse_calendar(text, PATH).sessions[0]
    assert (session.id, session.date) == ("sharpen-1", date(2023, 4, 5))


def test_sessions_sorted_by_date() -> None:
    text = changed(
        "  - {date: race-19d, workout: sharpen}\n",
        "  - {date: race-2w, workout: sharpen}\n  - {date: race-3w, workout: sharpen}\n",
    )
    sessions = parse_calendar(text, PATH).sessions
    assert [(s.id, s.date) for s in sessions if s.workout_key == "sharpen"] == [
        ("sharpen-1", date(2023, 4, 2)),
        ("sharpen-2", date(2023, 4, 9)),
    ]


def test_session_note_and_line() -> None:
    text = changed(
        "{date: 2023-04-05, workout: easy}", "{date: 2023-04-05, workout: easy, note: Hi}"
    )
    session = parse_calendar(text, PATH).sessions[1]
    assert session.note == "Hi"
    assert session.line == 21


def test_workout_title_defaults_to_key() -> None:
    assert parse_calendar(BASE, PATH).workouts["easy"].title == "easy"


def test_defaults() -> None:
    calendar = parse_calendar(BASE, PATH)
    assert calendar.athlete.pace_tolerance_s_per_km == 2.0
    assert calendar.race.distance_m == 42195.0
    assert calendar.athlete.race_result is None


@pytest.mark.parametrize(
    ("zone", "day", "start"),
    [
        # UTC-10, no DST: local midnight is 10:00 UTC on the same date.
        ("Pacific/Honolulu", date(2023, 4, 4), datetime(2023, 4, 4, 10, tzinfo=UTC)),
        ("UTC", date(2023, 4, 4), datetime(2023, 4, 4, 0, tzinfo=UTC)),
        # UTC+13: local midnight is 11:00 UTC on the day before.
        ("Pacific/Tongatapu", date(2023, 4, 4), datetime(2023, 4, 3, 11, tzinfo=UTC)),
        ("Pacific/Apia", date(2023, 4, 4), datetime(2023, 4, 3, 11, tzinfo=UTC)),
        # British Summer Time starts at 01:00 GMT on 26 March 2023.
        ("Europe/London", date(2023, 3, 26), datetime(2023, 3, 26, 0, tzinfo=UTC)),
        ("Europe/London", date(2023, 3, 27), datetime(2023, 3, 26, 23, tzinfo=UTC)),
        # New York moves from EST to EDT at 02:00 on 12 March 2023.
        ("America/New_York", date(2023, 3, 12), datetime(2023, 3, 12, 5, tzinfo=UTC)),
        ("America/New_York", date(2023, 3, 13), datetime(2023, 3, 13, 4, tzinfo=UTC)),
        # and back on 5 November 2023.
        ("America/New_York", date(2023, 11, 6), datetime(2023, 11, 6, 5, tzinfo=UTC)),
    ],
)
def test_session_start_utc(zone: str, day: date, start: datetime) -> None:
    assert session_start_utc(day, ZoneInfo(zone)) == start


@pytest.mark.parametrize("zone", ["Pacific/Honolulu", "UTC", "Pacific/Tongatapu"])
def test_session_date_as_written(zone: str) -> None:
    text = changed("timezone: Europe/London", f"timezone: {zone}")
    calendar = parse_calendar(text, PATH)
    assert calendar.athlete.timezone == ZoneInfo(zone)
    assert calendar.sessions[0].date == date(2023, 4, 4)


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        ("Europe/London", date(2023, 3, 26), 23),
        ("Europe/London", date(2023, 10, 29), 25),
        ("America/New_York", date(2023, 3, 12), 23),
        ("Pacific/Honolulu", date(2023, 3, 12), 24),
        ("Pacific/Tongatapu", date(2023, 3, 26), 24),
    ],
)
def test_local_day_length(zone: str, day: date, hours: int) -> None:
    tz = ZoneInfo(zone)
    length = session_end_utc(day, tz) - session_start_utc(day, tz)
    assert length == timedelta(hours=hours)


def test_session_start_local_time() -> None:
    london = ZoneInfo("Europe/London")
    start = session_start_utc(date(2023, 3, 28), london, time(6, 30))
    assert start == datetime(2023, 3, 28, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "instant", "day"),
    [
        # A run at 23:30 local belongs to that local day.
        ("Pacific/Honolulu", datetime(2023, 4, 5, 9, 30, tzinfo=UTC), date(2023, 4, 4)),
        ("Pacific/Tongatapu", datetime(2023, 4, 3, 10, 30, tzinfo=UTC), date(2023, 4, 3)),
        ("Pacific/Tongatapu", datetime(2023, 4, 3, 11, 30, tzinfo=UTC), date(2023, 4, 4)),
        ("Europe/London", datetime(2023, 3, 26, 23, 30, tzinfo=UTC), date(2023, 3, 27)),
        ("Europe/London", datetime(2023, 3, 25, 23, 30, tzinfo=UTC), date(2023, 3, 25)),
    ],
)
def test_local_date(zone: str, instant: datetime, day: date) -> None:
    assert local_date(instant, ZoneInfo(zone)) == day


def test_local_date_rejects_naive() -> None:
    with pytest.raises(ValueError):
        local_date(datetime(2023, 4, 4, 12), ZoneInfo("UTC"))


# Errors: each names the file, line and key, what is wrong and what is accepted.


def test_misspelt_key() -> None:
    text = changed("  timezone: Europe/London", "  timzone: Europe/London")
    assert problems(text) == [
        "calendar.yaml:3: athlete.timzone: unknown key 'timzone'; did you mean 'timezone'? "
        "valid keys: name, timezone, units, race_result, paces, pace_tolerance",
    ]


def test_missing_required_key() -> None:
    text = changed("  timezone: Europe/London\n", "")
    assert problems(text) == [
        "calendar.yaml:2: athlete.timezone: missing required value; for example timezone: "
        "Europe/London"
    ]


def test_misspelt_top_key() -> None:
    text = changed("sessions:", "session:")
    assert problems(text)[-1].startswith(
        "calendar.yaml:19: session: unknown key 'session'; did you mean 'sessions'?"
    )


def test_unknown_time_zone() -> None:
    text = changed("timezone: Europe/London", "timezone: Europe/Londn")
    assert problems(text) == [
        "calendar.yaml:3: athlete.timezone: unknown time zone 'Europe/Londn'; did you mean "
        "Europe/London? write an IANA name, for example Europe/London or America/New_York"
    ]


def test_session_after_race_day() -> None:
    text = changed("{date: race, workout: easy}", "{date: 2023-04-24, workout: easy}")
    assert problems(text) == [
        "calendar.yaml:22: sessions[2].date: 2023-04-24 is after race day 2023-04-23; the "
        "calendar ends on race day, so write a date up to race day, for example 2023-04-23 or "
        "race-7d (7 days before race day)"
    ]


def test_after_race_example_own_race() -> None:
    text = changed("  date: 2023-04-23", "  date: 2021-05-30")
    text = text.replace("2023-04-05", "2023-04-04")
    assert problems(text)[0] == (
        "calendar.yaml:21: sessions[1].date: 2023-04-04 is after race day 2021-05-30; the "
        "calendar ends on race day, so write a date up to race day, for example 2021-05-30 or "
        "race-7d (7 days before race day)"
    )


def test_relative_date_after_race() -> None:
    text = changed("{date: race, workout: easy}", "{date: race+1d, workout: easy}")
    assert "is after race day" in problems(text)[0]


def test_unknown_workout() -> None:
    text = changed("{date: 2023-04-05, workout: easy}", "{date: 2023-04-05, workout: eazy}")
    assert problems(text) == [
        "calendar.yaml:21: sessions[1].workout: unknown workout 'eazy'; did you mean 'easy'? "
        "write a key of the workouts library: sharpen, easy"
    ]


def test_bad_date() -> None:
    text = changed("{date: 2023-04-05, workout: easy}", "{date: 2023-02-30, workout: easy}")
    assert problems(text) == [
        "calendar.yaml:21: sessions[1].date: invalid date '2023-02-30': February has 28 days "
        "in 2023; write YYYY-MM-DD or race-19d (19 days before race day)"
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-02-30", "February has 29 days in 2024"),
        ("2023-04-31", "April has 30 days in 2023"),
        ("2023-13-01", "the month must be 01 to 12"),
        ("2023-01-00", "the day must be 01 or later"),
        ("0000-01-01", "the year must be 0001 or later"),
    ],
)
def test_no_such_day(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date_spec(text)
    assert str(caught.value) == (
        f"invalid date '{text}': {reason}; write YYYY-MM-DD or race-19d (19 days before race day)"
    )


def test_bad_race_date() -> None:
    text = changed("  date: 2023-04-23", "  date: 23/04/2023")
    assert problems(text) == [
        "calendar.yaml:7: race.date: invalid date '23/04/2023'; write YYYY-MM-DD, for example "
        "2023-04-23"
    ]


def test_zero_pace_in_paces() -> None:
    text = changed("  units: km", '  units: km\n  paces: {MP: "0:00/km"}')
    assert problems(text) == [
        "calendar.yaml:5: athlete.paces.MP: pace '0:00/km' must be slower than 0:00, for "
        "example 3:58/km (or 6:24/mi)"
    ]


def test_zero_pace_in_text() -> None:
    text = changed("- 400m @ 2'56''/km", "- 400m @ 0'00''/km")
    (line,) = problems(text)
    assert line.startswith("calendar.yaml:14: workouts.sharpen.text, line 3, column ")


def test_zero_repeat_count() -> None:
    text = changed("- 2 lots of:", "- 0 lots of:")
    (line,) = problems(text)
    assert line.startswith("calendar.yaml:13: workouts.sharpen.text, line 2, column ")


def test_zero_min_reps() -> None:
    text = changed("{min_reps: 2, max_reps: 4}", "{min_reps: 0, max_reps: 4}")
    assert problems(text) == [
        "calendar.yaml:16: workouts.sharpen.tuning.min_reps: count 0 must be at least 1, for "
        "example 12"
    ]


def test_reps_out_of_order() -> None:
    text = changed("{min_reps: 2, max_reps: 4}", "{min_reps: 5, max_reps: 4}")
    assert problems(text) == [
        "calendar.yaml:16: workouts.sharpen.tuning.max_reps: max_reps is below min_reps; "
        "min_reps must not exceed max_reps"
    ]


def test_unknown_pace_label() -> None:
    text = changed("  units: km", '  units: km\n  paces: {MPP: "4:00/km"}')
    (line,) = problems(text)
    assert line.startswith(
        "calendar.yaml:5: athlete.paces.MPP: unknown pace label 'MPP'; did you mean 'MP'?"
    )


def test_bad_units() -> None:
    text = changed("units: km", "units: metres")
    assert problems(text) == [
        "calendar.yaml:4: athlete.units: invalid unit 'metres'; write km or mi"
    ]


@pytest.mark.parametrize("written", ["mi", "mile", "Miles"])
def test_units_mile_aliases(written: str) -> None:
    calendar = parse_calendar(changed("units: km", f"units: {written}"), PATH)
    assert calendar.athlete.units == "mi"


def test_duplicate_key() -> None:
    text = changed("  units: km", "  units: km\n  units: mi")
    assert problems(text) == [
        "calendar.yaml:5: athlete.units: duplicate key; the first is on line 4"
    ]


def test_duplicate_session_id() -> None:
    text = changed("{date: race, workout: easy}", "{date: race, workout: easy, id: easy-1}")
    assert problems(text) == [
        "calendar.yaml:22: sessions[2].id: duplicate session id 'easy-1', also on line 21; set "
        "a different id, for example id: easy-extra"
    ]


def test_missing_section() -> None:
    text = BASE[: BASE.index("sessions:")]
    assert problems(text) == [
        "calendar.yaml:1: sessions: missing required value; for example sessions: "
        "[{date: ..., workout: easy}]"
    ]


def test_section_not_mapping() -> None:
    text = changed("  name: Test Marathon\n  date: 2023-04-23\n", "  - London\n")
    assert problems(text)[0] == (
        "calendar.yaml:6: race: expected a mapping of keys, got a list; for example London Marathon"
    )


def test_every_error_in_one_pass() -> None:
    text = (
        BASE.replace("timezone: Europe/London", "timezone: Mars/Base")
        .replace("{min_reps: 2, max_reps: 4}", "{min_reps: 0, max_reps: 4}")
        .replace("{date: race, workout: easy}", "{date: race+2d, workout: easy}")
    )
    lines = problems(text)
    assert [line.split(":")[1] for line in lines] == ["3", "16", "22"]


def test_yaml_syntax_error() -> None:
    text = changed("{date: race, workout: easy}", "{date: race, workout: easy")
    assert problems(text) == [
        "calendar.yaml:23: invalid YAML, column 1: expected ',' or '}', but got '<stream end>' "
        "(while parsing a flow mapping that starts on line 22, column 5); close the '{' "
        "opened on line 22 with '}'"
    ]


def test_yaml_unclosed_bracket() -> None:
    text = changed("  units: km\n", "  units: [km\n")
    assert problems(text) == [
        "calendar.yaml:5: invalid YAML, column 5: expected ',' or ']', but got ':' (while "
        "parsing a flow sequence that starts on line 4, column 10); close the '[' opened on "
        "line 4 with ']'"
    ]


def test_yaml_unclosed_quote() -> None:
    (line,) = problems('athlete:\n  name: "Sam\n  timezone: UTC\n')
    assert line == (
        "calendar.yaml:4: invalid YAML, column 1: found unexpected end of stream (while "
        "scanning a quoted scalar that starts on line 2, column 9); close the quote opened "
        "on line 2"
    )


def test_yaml_bad_indentation() -> None:
    text = changed("  units: km", " units: km")
    assert problems(text) == [
        "calendar.yaml:4: invalid YAML, column 2: expected <block end>, but found '<block "
        "mapping start>' (while parsing a block mapping that starts on line 1, column 1); "
        "check the indentation and the colon after each key on this line and the line above "
        "it, and quote values that contain ': ' or start with [, {, * or &"
    ]


def test_tab_indentation() -> None:
    text = changed("  units: km", "\tunits: km")
    assert problems(text) == [
        "calendar.yaml:4: invalid YAML, column 1: found character '\\t' that cannot start any "
        "token (while scanning for the next token); indent with spaces, not tabs: line 4 is "
        "'\\tunits: km'"
    ]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_bytes(BASE.replace("name: Sam", "name: Ren\u00e9").encode("latin-1"))
    with pytest.raises(CalendarError) as caught:
        load_calendar(path)
    assert str(caught.value) == (
        f"{path}:2: failed to read the calendar: byte 0xe9 at column 12 is not valid UTF-8; "
        "save the file as UTF-8 (an editor's Save As offers the encoding)"
    )


def test_crlf_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_bytes(BASE.replace("\n", "\r\n").encode("utf-8"))
    assert (
        load_calendar(path).workouts["sharpen"].text
        == parse_calendar(BASE, PATH).workouts["sharpen"].text
    )


def test_empty_file() -> None:
    assert problems("") == [
        "calendar.yaml: the calendar is empty; copy config/calendar.yaml to start"
    ]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(CalendarError) as caught:
        load_calendar(path)
    assert str(caught.value) == (
        f"{path}: calendar file not found; pass --config PATH or set PEAKBOT_CONFIG to your "
        "calendar (copy config/calendar.yaml to start one)"
    )


def test_calendar_error_exit_code() -> None:
    with pytest.raises(CalendarError) as caught:
        parse_calendar("", PATH)
    assert caught.value.exit_code == 2


# Value parsers


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("3:58/km", 238.0),
        ("3'58''/km", 238.0),
        ("3'58\"/km", 238.0),
        ("2:56.5/km", 176.5),
        ("6:26/mi", 386.0 / 1.609344),
    ],
)
def test_parse_pace(text: str, seconds: float) -> None:
    assert parse_pace(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["0:00/km", "3:60/km", "4:00", "fast", "-3:00/km"])
def test_parse_pace_invalid(text: str) -> None:
    with pytest.raises(ValueError):
        parse_pace(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("45s", 45.0),
        ("90 sec", 90.0),
        ("1min", 60.0),
        ("1.5 min", 90.0),
        ("1:30", 90.0),
        ("75", 75.0),
    ],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("36:00", 2160.0), ("2:48:00", 10080.0), ("33:45.5", 2025.5), ("1:02:03.5", 3723.5)],
)
def test_parse_clock_time(text: str, seconds: float) -> None:
    assert parse_clock_time(text) == seconds


@pytest.mark.parametrize("text", ["0:00", "2:61:00", "36", "abc"])
def test_parse_clock_time_invalid(text: str) -> None:
    with pytest.raises(ValueError):
        parse_clock_time(text)


@pytest.mark.parametrize(
    ("text", "metres"),
    [
        ("10km", 10000.0),
        ("5k", 5000.0),
        ("10000m", 10000.0),
        ("1 mi", 1609.344),
        ("half", 21097.5),
        ("Half Marathon", 21097.5),
        ("marathon", 42195.0),
    ],
)
def test_parse_distance(text: str, metres: float) -> None:
    assert parse_distance(text) == metres


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("race", RaceRelative(0)),
        ("race-19d", RaceRelative(-19)),
        ("race - 2w", RaceRelative(-14)),
        ("race+1d", RaceRelative(1)),
        ("2023-04-04", date(2023, 4, 4)),
    ],
)
def test_parse_date_spec(text: str, expected: object) -> None:
    assert parse_date_spec(text) == expected


@pytest.mark.parametrize("text", ["2023-4-4", "race-19", "yesterday", "2023-13-01"])
def test_parse_date_spec_invalid(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date_spec(text)


@pytest.mark.parametrize(("text", "seconds"), [("2s/km", 2.0), ("3", 3.0), ("3s/mi", 3 / 1.609344)])
def test_parse_pace_change(text: str, seconds: float) -> None:
    assert parse_pace_change(text) == pytest.approx(seconds)


def test_texts_unchecked_without_paces() -> None:
    text = changed("10km @ 5'00''/km", "10km @ MP").replace(
        "  date: 2023-04-23", "  date: 2023-04-23\n  goal: fast"
    )
    assert problems(text) == [
        'calendar.yaml:8: race.goal: invalid time \'fast\'; for example "36:00" or "2:48:00" '
        "(quoted, so YAML keeps it as text)"
    ]


def test_texts_checked_despite_time_zone() -> None:
    text = changed("timezone: Europe/London", "timezone: Nowhere").replace(
        "- 2 lots of:", "- 0 lots of:"
    )
    lines = problems(text)
    assert [line.split(":")[1] for line in lines] == ["3", "13"]


def test_text_label_without_paces() -> None:
    (line,) = problems(changed("10km @ 5'00''/km", "10km @ MP"))
    assert line.startswith("calendar.yaml:18: workouts.easy.text, line 1, column 8: ")


def test_goal_sets_mp_for_texts() -> None:
    text = changed("10km @ 5'00''/km", "10km @ MP").replace(
        "  date: 2023-04-23", '  date: 2023-04-23\n  goal: "3:00:00"'
    )
    assert parse_calendar(text, PATH).race.goal_time_s == 10800


def test_docs_list_every_key() -> None:
    from bot.config.load import schema_reference

    docs = (REPO_ROOT / "docs" / "calendar.md").read_text(encoding="utf-8")
    start = docs.index("<!-- schema:start -->\n") + len("<!-- schema:start -->\n")
    end = docs.index("<!-- schema:end -->")
    assert docs[start:end] == schema_reference() + "\n"


def test_readme_example_valid(tmp_path: Path) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Calendar") :]
    start = section.index("```yaml\n") + len("```yaml\n")
    text = section[start : section.index("```\n", start)]
    calendar = parse_calendar(text, PATH)
    assert [s.id for s in calendar.sessions] == ["speed-sharpen-1", "long-run-1"]


def test_merge_keys() -> None:
    text = changed(
        "    tuning: {min_reps: 2, max_reps: 4}\n",
        "    tuning: &bounds {min_reps: 2, max_reps: 4}\n",
    ).replace(
        "    text: \"10km @ 5'00''/km\"\n",
        "    text: \"10km @ 5'00''/km\"\n    tuning:\n      <<: *bounds\n      max_reps: 6\n",
    )
    bounds = parse_calendar(text, PATH).workouts["easy"].bounds
    assert bounds.min_reps == 2
    assert bounds.max_reps == 6


def test_merge_key_not_mapping() -> None:
    text = changed("  units: km", "  units: km\n  <<: 3")
    assert problems(text) == [
        "calendar.yaml:5: athlete: a merge key (<<) takes a mapping or a list of mappings, for "
        "example <<: *untuned"
    ]


@pytest.mark.parametrize(
    ("doc", "fence"), [("README.md", "```text\n"), ("docs/calendar.md", "text: |\n")]
)
def test_docs_indented_pairs(doc: str, fence: str) -> None:
    from bot.workouts.model import Repeat
    from bot.workouts.text import parse_workout

    docs = (REPO_ROOT / doc).read_text(encoding="utf-8")
    start = docs.index(fence, docs.index("work/rest pairs")) + len(fence)
    text = docs[start : docs.index("```", start)]
    (repeat,) = parse_workout(text).steps
    assert isinstance(repeat, Repeat)
    assert (repeat.count, len(repeat.steps)) == (6, 4)
