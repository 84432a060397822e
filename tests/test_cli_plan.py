"""`peakbot validate`, `plan` and `show` run through click on real calendar files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from bot.plan import TunedPrescription
from bot.store.db import Store

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = REPO_ROOT / "config" / "calendar.yaml"


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """Settings that keep every file the CLI writes inside tmp_path."""
    return {"PEAKBOT_DATA_DIR": str(tmp_path / "data"), "PEAKBOT_CONFIG": str(EXAMPLE)}


def run(args: list[str], env: dict[str, str], tmp_path: Path) -> Result:
    runner = CliRunner()
    base = ["--env-file", str(tmp_path / "no.env")]
    return runner.invoke(cli, base + args, env=env, catch_exceptions=False)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "calendar.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def example_with(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path, text.replace(old, new, 1))


def line_number(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if fragment in line)


# validate


def test_validate_example(environment: dict[str, str], tmp_path: Path) -> None:
    result = run(["validate"], environment, tmp_path)
    assert result.exit_code == 0
    assert result.stdout == (
        f"{EXAMPLE}: valid, 35 sessions from 2023-03-13 to 2023-04-23 (race day 2023-04-23)\n"
    )


def test_validate_argument_wins(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(tmp_path, "  - {date: 2023-03-13, workout: recovery}\n", "")
    result = run(["validate", str(path)], environment, tmp_path)
    assert result.stdout.startswith(f"{path}: valid, 34 sessions from 2023-03-14")


def test_config_option_wins(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(tmp_path, "  - {date: 2023-03-13, workout: recovery}\n", "")
    result = run(["--config", str(path), "validate"], environment, tmp_path)
    assert result.stdout.startswith(f"{path}: valid, 34 sessions")


def test_misspelt_key(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(
        tmp_path, "  timezone: Europe/London", "  timezone: Europe/London\n  unit: km"
    )
    result = run(["validate", str(path)], environment, tmp_path)
    line = line_number(path, "  unit: km")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:{line}: athlete.unit: unknown key 'unit'; did you mean 'units'? valid keys: "
        "name, timezone, units, race_result, paces, pace_tolerance",
        f"{path}: invalid, 1 problem",
    ]


def test_zero_pace(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(tmp_path, "  # paces: {MP:", '  paces: {MP: "0:00/km"}\n  # x: {MP:')
    result = run(["validate", str(path)], environment, tmp_path)
    line = line_number(path, '  paces: {MP: "0:00/km"}')
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{path}:{line}: athlete.paces.MP: pace '0:00/km' must be slower than 0:00, for example "
        "3:58/km (or 6:24/mi)"
    )


def test_zero_pace_in_text(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(tmp_path, "- 400m @ 2'56''/km", "- 400m @ 0'00''/km")
    result = run(["validate", str(path)], environment, tmp_path)
    line = line_number(path, "- 400m @ 0'00''/km")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(
        f"{path}:{line}: workouts.speed-sharpen.text, line 4, column 10: invalid pace"
    )


def test_zero_repeat_count(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(tmp_path, "      - 15 lots of:", "      - 0 lots of:")
    result = run(["validate", str(path)], environment, tmp_path)
    line = line_number(path, "      - 0 lots of:")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(
        f"{path}:{line}: workouts.speed-sharpen.text, line 3, column 3: invalid repeat count 0"
    )


def test_unknown_time_zone(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(tmp_path, "timezone: Europe/London", "timezone: London")
    result = run(["validate", str(path)], environment, tmp_path)
    line = line_number(path, "timezone: London")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{path}:{line}: athlete.timezone: unknown time zone 'London'; did you mean "
        "Europe/London? write an IANA name, for example Europe/London or America/New_York"
    )


def test_session_after_race(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(tmp_path, "{date: race, workout: race", "{date: 2023-04-30, workout: race")
    result = run(["validate", str(path)], environment, tmp_path)
    line = line_number(path, "{date: 2023-04-30, workout: race")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{path}:{line}: sessions[34].date: 2023-04-30 is after race day 2023-04-23; the "
        "calendar ends on race day, so write a date up to race day, for example 2023-04-23 or "
        "race-7d (7 days before race day)"
    )


def test_several_errors(environment: dict[str, str], tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("timezone: Europe/London", "timezone: Europe/Lundon")
    text = text.replace("workout: threshold}", "workout: treshold}")
    path = write(tmp_path, text)
    result = run(["validate", str(path)], environment, tmp_path)
    lines = result.stderr.splitlines()
    assert result.exit_code == 2
    assert lines[-1] == f"{path}: invalid, 3 problems"
    assert "did you mean Europe/London?" in lines[0]
    assert "did you mean 'threshold'?" in lines[1]


def test_missing_file(environment: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    result = run(["validate", str(path)], environment, tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{path}: calendar file not found; pass --config PATH or set PEAKBOT_CONFIG to your "
        "calendar (copy config/calendar.yaml to start one)"
    )


def test_missing_config_for_plan(environment: dict[str, str], tmp_path: Path) -> None:
    environment["PEAKBOT_CONFIG"] = str(tmp_path / "missing.yaml")
    result = run(["plan"], environment, tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'missing.yaml'}: calendar file not found")


def test_yaml_syntax_error(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(tmp_path, "{date: race, workout: race,", "{date: race, workout: race")
    result = run(["validate", str(path)], environment, tmp_path)
    assert result.exit_code == 2
    assert "invalid YAML, column" in result.stderr.splitlines()[0]


def test_tab_in_yaml(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(tmp_path, "  timezone: Europe/London", "\ttimezone: Europe/London")
    line = line_number(path, "\ttimezone: Europe/London")
    result = run(["validate", str(path)], environment, tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{path}:{line}: invalid YAML, column 1: found character '\\t' that cannot start any "
        f"token (while scanning for the next token); indent with spaces, not tabs: line {line} "
        "is '\\ttimezone: Europe/London'\n"
        f"{path}: invalid, 1 problem\n"
    )


def test_latin1_file(environment: dict[str, str], tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("name: Alex", "name: Ren\u00e9", 1)
    path = tmp_path / "calendar.yaml"
    path.write_bytes(text.encode("latin-1"))
    line = line_number(EXAMPLE, "name: Alex")
    result = run(["validate", str(path)], environment, tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{path}:{line}: failed to read the calendar: byte 0xe9 at column 12 is not valid "
        "UTF-8; save the file as UTF-8 (an editor's Save As offers the encoding)"
    )


def test_show_invalid_date(environment: dict[str, str], tmp_path: Path) -> None:
    result = run(["show", "2023-02-30"], environment, tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: DATE|WORKOUT: invalid date '2023-02-30': February has 28 days in 2023; write "
        "YYYY-MM-DD or race-19d (19 days before race day), or today\n"
    )


TRIAL_CALENDAR = """\
athlete:
  name: Sam
  timezone: Europe/London
  units: mi
  race_result: {distance: 10km, time: "40:00"}
race: {name: Spring Marathon, date: 2021-05-30, goal: "3:00:00"}
workouts:
  reps:
    text: |
      - 2mi @ E
      - 6 lots of:
      - 400m @ 3:20/km
      - 200m @ E
      - 1mi @ E
  long: {text: "20mi @ MP+30s/mi"}
sessions:
  - {date: race-10d, workout: reps}
  - {date: race-5d, workout: long}
"""


def test_show_unindented_repeat(environment: dict[str, str], tmp_path: Path) -> None:
    environment["PEAKBOT_CONFIG"] = str(write(tmp_path, TRIAL_CALENDAR))
    result = run(["show", "reps"], environment, tmp_path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "Total: 5.24 mi, about 37:55"


def test_validate_ambiguous_repeat(environment: dict[str, str], tmp_path: Path) -> None:
    text = TRIAL_CALENDAR.replace("      - 200m @ E\n      - 1mi @ E\n", "      - 200m @ 3:30/km\n")
    path = write(tmp_path, text)
    result = run(["validate", str(path)], environment, tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{path}:11: workouts.reps.text, line 2, column 3: the body of repeat '6 lots of:' is "
        "ambiguous: no rest or recovery step ends it, so every step after it would repeat; "
        "indent the steps to repeat under it, for example '6 lots of:' followed by "
        "'  400m @ 3:20/km' and '  200m @ 3:30/km' on the next lines, or write "
        "6x(400m @ 3:20/km, 200m @ 3:30/km)"
    )


def test_show_mile_offset(environment: dict[str, str], tmp_path: Path) -> None:
    environment["PEAKBOT_CONFIG"] = str(write(tmp_path, TRIAL_CALENDAR))
    result = run(["show", "long", "--json"], environment, tmp_path)
    assert result.exit_code == 0
    # Goal 3:00:00 sets MP to 6:51.8/mi, so MP+30s/mi is 7:21.8/mi.
    target = json.loads(result.stdout)["steps"][0]["target"]
    assert target["pace_per_mi"] == "7:22/mi"


# plan


def test_plan_reference_row(environment: dict[str, str], tmp_path: Path) -> None:
    result = run(["plan"], environment, tmp_path)
    row = next(line for line in result.stdout.splitlines() if line.startswith("2023-04-04"))
    assert row.split()[:5] == ["2023-04-04", "Tue", "19", "Speed", "Sharpen"]
    assert "9.67 km" in row
    assert "50:36" in row
    assert row.endswith(
        "5:00 warm-up @ 6:00/km, 2.0 km @ 4:00/km, 15 x (400 m @ 2:56/km, 60 s rest), "
        "5:00 cool-down @ 6:00/km"
    )


def test_plan_rows(environment: dict[str, str], tmp_path: Path) -> None:
    lines = run(["plan"], environment, tmp_path).stdout.splitlines()
    assert lines[0].split() == [
        "Date",
        "Day",
        "To",
        "race",
        "Session",
        "Distance",
        "Time",
        "Workout",
    ]
    assert len(lines) == 36


def test_plan_from(environment: dict[str, str], tmp_path: Path) -> None:
    lines = run(["plan", "--from", "race-1d"], environment, tmp_path).stdout.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["2023-04-22", "2023-04-23"]


def test_plan_from_invalid(environment: dict[str, str], tmp_path: Path) -> None:
    result = run(["plan", "--from", "soon"], environment, tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --from: invalid date 'soon'; write YYYY-MM-DD or race-19d (19 days before race "
        "day), or today\n"
    )


def test_plan_json(environment: dict[str, str], tmp_path: Path) -> None:
    sessions = json.loads(run(["plan", "--json"], environment, tmp_path).stdout)
    reference = next(s for s in sessions if s["id"] == "speed-sharpen-4")
    assert len(sessions) == 35
    assert set(reference) == {
        "id",
        "date",
        "weekday",
        "days_to_race",
        "workout",
        "title",
        "summary",
        "distance_m",
        "duration_s",
        "text",
        "calendar_text",
        "tuned",
        "note",
        "steps",
    }
    assert reference["date"] == "2023-04-04"
    assert reference["days_to_race"] == 19
    assert reference["distance_m"] == pytest.approx(9666.7)
    assert reference["duration_s"] == pytest.approx(3036.0)
    assert reference["tuned"] is None


def test_plan_shows_tuned(environment: dict[str, str], tmp_path: Path) -> None:
    analyses = pytest.importorskip("bot.store.analyses")
    from bot.config.load import load_calendar

    text = load_calendar(EXAMPLE).workouts["speed-sharpen"].text
    tuned_text = text.replace("15 lots of:", "16 lots of:")
    store = Store(tmp_path / "data" / "peakbot.sqlite3")
    analyses.save_tuned(
        store, TunedPrescription("speed-sharpen-4", tuned_text, text, "All 15 reps on target.")
    )
    store.close()

    lines = run(["plan"], environment, tmp_path).stdout.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("2023-04-04"))
    assert "tuned: 5:00 warm-up @ 6:00/km, 2.0 km @ 4:00/km, 16 x (" in lines[index]
    assert (
        lines[index + 1]
        .strip()
        .startswith("calendar: 5:00 warm-up @ 6:00/km, 2.0 km @ 4:00/km, 15 x (")
    )
    assert lines[index + 2].strip() == "why: All 15 reps on target."


def test_plan_json_tuned(environment: dict[str, str], tmp_path: Path) -> None:
    analyses = pytest.importorskip("bot.store.analyses")
    from bot.config.load import load_calendar

    text = load_calendar(EXAMPLE).workouts["speed-sharpen"].text
    tuned_text = text.replace("15 lots of:", "16 lots of:")
    store = Store(tmp_path / "data" / "peakbot.sqlite3")
    analyses.save_tuned(store, TunedPrescription("speed-sharpen-4", tuned_text, text, "Reason."))
    store.close()

    sessions = json.loads(run(["plan", "--json"], environment, tmp_path).stdout)
    reference = next(s for s in sessions if s["id"] == "speed-sharpen-4")
    assert reference["text"] == tuned_text
    assert reference["calendar_text"] == text
    assert reference["tuned"]["reason"] == "Reason."


def test_plan_creates_no_store(environment: dict[str, str], tmp_path: Path) -> None:
    run(["plan"], environment, tmp_path)
    assert not (tmp_path / "data").exists()


# show


def test_show_reference(environment: dict[str, str], tmp_path: Path) -> None:
    result = run(["show", "race-19d"], environment, tmp_path)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Speed Sharpen: Tue 2023-04-04, 19 days to race (session speed-sharpen-4)",
        "  Step                 Length    Pace/km    Pace/mi  Per 400 m  Band",
        "  1. warm-up             5:00    6:00/km    9:39/mi    144.0 s  5:58-6:02/km",
        "  2. run               2.0 km    4:00/km    6:26/mi     96.0 s  3:58-4:02/km",
        "  3. 15 x:",
        "     run                400 m    2:56/km    4:43/mi     70.4 s  2:54-2:58/km",
        "     rest                60 s",
        "  4. cool-down           5:00    6:00/km    9:39/mi    144.0 s  5:58-6:02/km",
        "Total: 9.67 km, about 50:36",
    ]


@pytest.mark.parametrize("target", ["2023-04-04", "speed-sharpen-4", "race-19d"])
def test_show_finds_session(environment: dict[str, str], tmp_path: Path, target: str) -> None:
    result = run(["show", target], environment, tmp_path)
    assert result.stdout.startswith("Speed Sharpen: Tue 2023-04-04")


def test_show_workout_key(environment: dict[str, str], tmp_path: Path) -> None:
    result = run(["show", "speed-sharpen"], environment, tmp_path)
    lines = result.stdout.splitlines()
    assert lines[0] == "Speed Sharpen (workout speed-sharpen)"
    assert lines[-1] == "Total: 9.67 km, about 50:36"


def test_show_label_band(environment: dict[str, str], tmp_path: Path) -> None:
    lines = run(["show", "threshold"], environment, tmp_path).stdout.splitlines()
    rep = next(line for line in lines if line.strip().startswith("run"))
    assert rep.endswith("(T)")


def test_show_race_workout(environment: dict[str, str], tmp_path: Path) -> None:
    lines = run(["show", "race"], environment, tmp_path).stdout.splitlines()
    assert lines[0] == "London Marathon (workout race)"


def test_show_race_day(environment: dict[str, str], tmp_path: Path) -> None:
    lines = run(["show", "2023-04-23"], environment, tmp_path).stdout.splitlines()
    assert lines[0] == "London Marathon: Sun 2023-04-23, race day (session race-1)"
    assert lines[1] == "Note: Race day. Start at MP, not faster."


def test_show_rest_day(environment: dict[str, str], tmp_path: Path) -> None:
    result = run(["show", "2023-03-17"], environment, tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no session on 2023-03-17 (Friday); it is a rest day. `peakbot plan` lists "
        "every session.\n"
    )


def test_show_unknown(environment: dict[str, str], tmp_path: Path) -> None:
    result = run(["show", "tempo"], environment, tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no session or workout 'tempo'; give a date")


def test_show_json(environment: dict[str, str], tmp_path: Path) -> None:
    (session,) = json.loads(run(["show", "race-19d", "--json"], environment, tmp_path).stdout)
    warmup, block, repeat, cooldown = session["steps"]
    assert warmup["kind"] == "warmup"
    assert warmup["end"] == {"kind": "time", "value": 300.0}
    assert block["target"]["pace_per_km"] == "4:00/km"
    assert repeat["type"] == "repeat"
    assert repeat["count"] == 15
    assert cooldown["kind"] == "cooldown"


def test_show_json_rep_target(environment: dict[str, str], tmp_path: Path) -> None:
    (session,) = json.loads(run(["show", "race-19d", "--json"], environment, tmp_path).stdout)
    rep, rest = session["steps"][2]["steps"]
    assert rep["target"] == {
        "fast_s_per_km": 174.0,
        "slow_s_per_km": 178.0,
        "mid_s_per_km": 176.0,
        "fast_s_per_mi": 280.03,
        "slow_s_per_mi": 286.46,
        "mid_s_per_mi": 283.24,
        "label": "2'56''/km",
        "pace_per_km": "2:56/km",
        "pace_per_mi": "4:43/mi",
        "time_per_400m_s": 70.4,
    }
    assert rest == {
        "type": "step",
        "kind": "rest",
        "end": {"kind": "time", "value": 60.0},
        "target": None,
    }


def test_show_json_workout(environment: dict[str, str], tmp_path: Path) -> None:
    payload = json.loads(run(["show", "speed-sharpen", "--json"], environment, tmp_path).stdout)
    assert payload["workout"] == "speed-sharpen"
    assert payload["distance_m"] == pytest.approx(9666.7)
    assert len(payload["steps"]) == 4


# help


@pytest.mark.parametrize(
    ("command", "fragment"),
    [
        ("validate", "CONFIG defaults to --config, then $PEAKBOT_CONFIG"),
        ("plan", "--from DATE"),
        ("plan", "--json"),
        ("show", "time per 400 m lap"),
        ("show", "--json"),
    ],
)
def test_help(environment: dict[str, str], tmp_path: Path, command: str, fragment: str) -> None:
    result = run([command, "--help"], environment, tmp_path)
    assert result.exit_code == 0
    assert fragment in " ".join(result.stdout.split())


def test_readme_show_output(environment: dict[str, str], tmp_path: Path) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("$ peakbot show race-19d\n") + len("$ peakbot show race-19d\n")
    documented = readme[start : readme.index("```", start)]
    assert run(["show", "race-19d"], environment, tmp_path).stdout == documented


def test_show_after_race(environment: dict[str, str], tmp_path: Path) -> None:
    result = run(["show", "2023-05-01"], environment, tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no session on 2023-05-01 (Monday): the calendar ends on race day, 2023-04-23\n"
    )


def test_show_before_block(environment: dict[str, str], tmp_path: Path) -> None:
    result = run(["show", "race-60d"], environment, tmp_path)
    assert result.stderr == (
        "error: no session on 2023-02-22 (Wednesday): the first session is on 2023-03-13\n"
    )


def test_show_in_miles(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(tmp_path, "  units: km", "  units: mi")
    lines = run(["--config", str(path), "show", "race-19d"], environment, tmp_path).stdout
    rows = lines.splitlines()
    assert rows[3].split()[:4] == ["2.", "run", "1.24", "mi"]
    assert rows[5].split()[:3] == ["run", "400", "m"]
    assert rows[-1] == "Total: 6.01 mi, about 50:36"


def test_plan_in_miles(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(tmp_path, "  units: km", "  units: mi")
    result = run(["--config", str(path), "plan", "--from", "race-19d"], environment, tmp_path)
    row = result.stdout.splitlines()[1]
    assert "6.01 mi" in row
    assert "15 x (400 m @ 4:43/mi, 60 s rest)" in row


HALF_SECONDS_CALENDAR = """\
athlete:
  name: Test Runner
  timezone: UTC
  race_result: {distance: 10km, time: "33:45"}
race: {name: Test Marathon, date: 2023-04-23}
workouts:
  laps: {title: Laps, text: "15x400m @ 70-71s / 60s jog"}
  race-paces: {title: Race paces, text: "10km @ 10k; 2km @ MP; 1km @ I"}
sessions:
  - {date: race-5d, workout: laps}
  - {date: race-3d, workout: race-paces}
"""


def test_show_lap_time_band(environment: dict[str, str], tmp_path: Path) -> None:
    path = write(tmp_path, HALF_SECONDS_CALENDAR)
    lines = run(["--config", str(path), "show", "laps"], environment, tmp_path).stdout.splitlines()
    rep = next(line for line in lines if line.strip().startswith("run"))
    assert rep.endswith("2:55.0-2:57.5/km")


def test_show_race_pace_tenths(environment: dict[str, str], tmp_path: Path) -> None:
    path = write(tmp_path, HALF_SECONDS_CALENDAR)
    result = run(["--config", str(path), "show", "race-paces"], environment, tmp_path)
    first = next(line for line in result.stdout.splitlines() if line.strip().startswith("1."))
    assert "3:22.5/km" in first
    assert first.endswith("3:20.5-3:24.5/km (10k)")


def test_show_band_in_miles(environment: dict[str, str], tmp_path: Path) -> None:
    path = example_with(tmp_path, "  units: km", "  units: mi")
    rows = run(["--config", str(path), "show", "race-19d"], environment, tmp_path).stdout
    rep_row = rows.splitlines()[5]
    assert rep_row.endswith("4:40.0-4:46.5/mi")


def test_plan_json_step_targets(environment: dict[str, str], tmp_path: Path) -> None:
    sessions = json.loads(run(["plan", "--json"], environment, tmp_path).stdout)
    reference = next(s for s in sessions if s["id"] == "speed-sharpen-4")
    rep = reference["steps"][2]["steps"][0]
    assert rep["target"]["time_per_400m_s"] == 70.4


def test_untargeted_steps_at_easy_pace(environment: dict[str, str], tmp_path: Path) -> None:
    # The 10 km in 40:00 race result gives an E pace, which estimates the easy 6 mi.
    text = TRIAL_CALENDAR.replace("  long: {", '  easy: {text: "6mi easy"}\n  long: {')
    environment["PEAKBOT_CONFIG"] = str(write(tmp_path, text))
    result = run(["show", "easy"], environment, tmp_path)
    assert result.stdout.splitlines()[-1] == "Total: 6.00 mi, about 47:54"
