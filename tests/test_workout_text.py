"""Workout text: the reference notation, the compact form, targets, errors, rendering."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserInputError
from bot.workouts.athlete import AthletePaces
from bot.workouts.model import (
    Block,
    EndCondition,
    PaceRange,
    Repeat,
    Step,
    StepKind,
    Workout,
)
from bot.workouts.text import (
    WorkoutTextError,
    parse_pace_target,
    parse_workout,
    render_workout,
)

REFERENCE = """\
- 5min @ 6'00''/km
- 2.0km @ 4'00''/km
- 15 lots of:
- 400m @ 2'56''/km
- 1min rest
- 5min @ 6'00''/km
"""

ATHLETE = AthletePaces.from_race(10000.0, 33 * 60 + 45)


def band(pace: float, tolerance: float = 2.0) -> PaceRange:
    return PaceRange(pace - tolerance, pace + tolerance)


def reps(count: int, rep: Step, recovery: Step) -> Repeat:
    return Repeat(count, (rep, recovery))


# --- the reference session ------------------------------------------------------------------


def test_reference_structure() -> None:
    workout = parse_workout(REFERENCE, name="Speed Sharpen")
    assert workout == Workout(
        "Speed Sharpen",
        (
            Step(StepKind.WARMUP, EndCondition.time(300), band(360)),
            Step(StepKind.ACTIVE, EndCondition.distance(2000), band(240)),
            reps(
                15,
                Step(StepKind.ACTIVE, EndCondition.distance(400), band(176)),
                Step(StepKind.REST, EndCondition.time(60)),
            ),
            Step(StepKind.COOLDOWN, EndCondition.time(300), band(360)),
        ),
    )


def test_reference_flat_steps() -> None:
    assert len(parse_workout(REFERENCE).flat_steps()) == 33


def test_reference_distance() -> None:
    # 2 x 5 min at 6:00/km is 1666.7 m, plus 2 km, plus 15 x 400 m.
    assert parse_workout(REFERENCE).distance_m() == pytest.approx(1000 / 0.6 + 2000 + 6000)


def test_reference_duration() -> None:
    # 15 x (70.4 s + 60 s) plus 8 min for the 2 km plus 10 min of warm-up and cool-down.
    assert parse_workout(REFERENCE).duration_s() == pytest.approx(15 * 130.4 + 480 + 600)


def test_reference_labels_kept() -> None:
    step = parse_workout(REFERENCE).steps[1]
    assert isinstance(step, Step) and step.target is not None
    assert step.target.label == "4'00''/km"


def test_reference_with_athlete_paces() -> None:
    workout = parse_workout(REFERENCE, paces=ATHLETE)
    assert workout == parse_workout(REFERENCE)


@pytest.mark.parametrize("header", ["15 lots of:", "15x:", "15 x:", "repeat 15:", "15 times:"])
def test_repeat_headers(header: str) -> None:
    text = REFERENCE.replace("15 lots of:", header)
    assert parse_workout(text) == parse_workout(REFERENCE)


def test_bullets_optional() -> None:
    text = REFERENCE.replace("- ", "* ", 2).replace("- ", "")
    assert parse_workout(text) == parse_workout(REFERENCE)


def test_double_quote_seconds() -> None:
    text = REFERENCE.replace("''", '"')
    assert parse_workout(text) == parse_workout(REFERENCE)


def test_indented_body_wins() -> None:
    text = "5min easy\n3 times:\n  1km @ 4:00/km\n  1km @ 4:30/km\n10min easy"
    workout = parse_workout(text)
    assert workout.steps[1] == Repeat(
        3,
        (
            Step(StepKind.ACTIVE, EndCondition.distance(1000), band(240)),
            Step(StepKind.ACTIVE, EndCondition.distance(1000), band(270)),
        ),
    )
    assert workout.steps[2] == Step(StepKind.COOLDOWN, EndCondition.time(600))


def test_indented_nested_repeats() -> None:
    text = "2x:\n  3x:\n    400m @ 1:30/km\n    1min rest\n  5min jog\n10min easy"
    inner = reps(
        3,
        Step(StepKind.ACTIVE, EndCondition.distance(400), band(90, 0)),
        Step(StepKind.REST, EndCondition.time(60)),
    )
    workout = parse_workout(text, tolerance_s_per_km=0)
    assert workout.steps[0] == Repeat(2, (inner, Step(StepKind.RECOVERY, EndCondition.time(300))))


def test_unindented_body_stops_before_cooldown() -> None:
    workout = parse_workout("3 times:\n1km @ 4:00/km\n1km @ 4:30/km\n5min easy")
    assert workout.steps[-1] == Step(StepKind.COOLDOWN, EndCondition.time(300))
    assert isinstance(workout.steps[0], Repeat)
    assert len(workout.steps[0].steps) == 2


TRIAL = """\
- 2mi @ E
- 6 lots of:
- 400m @ 3:20/km
- 200m @ E
- 1mi @ E
"""


def test_unindented_easy_step_closes_body() -> None:
    workout = parse_workout(TRIAL, paces=ATHLETE)
    assert workout.steps[1] == reps(
        6,
        Step(StepKind.ACTIVE, EndCondition.distance(400), band(200)),
        Step(StepKind.RECOVERY, EndCondition.distance(200), band(253.5)),
    )


def test_unindented_easy_step_cooldown_outside() -> None:
    workout = parse_workout(TRIAL, paces=ATHLETE)
    assert workout.steps[2] == Step(StepKind.COOLDOWN, EndCondition.distance(1609.344), band(253.5))


def test_unindented_easy_step_distance() -> None:
    workout = parse_workout(TRIAL, paces=ATHLETE)
    assert workout.distance_m() == pytest.approx(2 * 1609.344 + 6 * 600 + 1609.344)


def test_unindented_slower_than_marathon_pace() -> None:
    text = "5min easy\n6x:\n400m @ 3:20/km\n200m @ 4:00/km\n5min @ 5:00/km"
    workout = parse_workout(text, paces=ATHLETE)
    assert workout.steps[1] == reps(
        6,
        Step(StepKind.ACTIVE, EndCondition.distance(400), band(200)),
        Step(StepKind.RECOVERY, EndCondition.distance(200), band(240)),
    )


def test_unindented_margin_without_paces() -> None:
    text = "6x:\n400m @ 3:20/km\n200m @ 4:40/km\n1km @ 3:30/km\n2min rest"
    workout = parse_workout(text, tolerance_s_per_km=0)
    assert workout.steps[0] == reps(
        6,
        Step(StepKind.ACTIVE, EndCondition.distance(400), band(200, 0)),
        Step(StepKind.RECOVERY, EndCondition.distance(200), band(280, 0)),
    )


def test_unindented_kind_word_kept() -> None:
    text = "6x:\n400m @ 3:20/km\n200m @ E active\n1min rest"
    workout = parse_workout(text, paces=ATHLETE)
    assert isinstance(workout.steps[0], Repeat)
    assert len(workout.steps[0].steps) == 3


def test_unindented_body_ambiguous() -> None:
    text = "- 5min easy\n- 6 lots of:\n- 400m @ 3:20/km\n- 400m @ 3:30/km\n"
    with pytest.raises(WorkoutTextError) as caught:
        parse_workout(text)
    assert str(caught.value) == (
        "line 2, column 3: the body of repeat '6 lots of:' is ambiguous: no rest or "
        "recovery step ends it, so every step after it would repeat; indent the steps to "
        "repeat under it, for example '6 lots of:' followed by '  400m @ 3:20/km' and "
        "'  400m @ 3:30/km' on the next lines, or write 6x(400m @ 3:20/km, 400m @ 3:30/km)"
    )


def test_unindented_single_step_to_end() -> None:
    workout = parse_workout("5min easy\n6x:\n400m @ 3:20/km")
    assert workout.steps[1] == Repeat(
        6, (Step(StepKind.ACTIVE, EndCondition.distance(400), band(200)),)
    )


def test_unindented_pairs_end_at_first_rest() -> None:
    workout = parse_workout("6 lots of:\n400m\n90s rest\n400m\n2min rest")
    assert workout.steps == (
        reps(
            6,
            Step(StepKind.ACTIVE, EndCondition.distance(400)),
            Step(StepKind.REST, EndCondition.time(90)),
        ),
        Step(StepKind.RECOVERY, EndCondition.distance(400)),
        Step(StepKind.REST, EndCondition.time(120)),
    )


def test_indented_pairs_repeat_together() -> None:
    text = "6 lots of:\n  400m\n  90s rest\n  400m\n  2min rest"
    workout = parse_workout(text)
    assert workout.steps[0] == Repeat(
        6,
        (
            Step(StepKind.ACTIVE, EndCondition.distance(400)),
            Step(StepKind.REST, EndCondition.time(90)),
            Step(StepKind.RECOVERY, EndCondition.distance(400)),
            Step(StepKind.REST, EndCondition.time(120)),
        ),
    )


# --- the compact form -----------------------------------------------------------------------


def test_compact_lap_times() -> None:
    workout = parse_workout("15x400m @ 70-71s / 60s jog")
    assert workout.steps == (
        reps(
            15,
            Step(StepKind.ACTIVE, EndCondition.distance(400), PaceRange(175.0, 177.5)),
            Step(StepKind.RECOVERY, EndCondition.time(60)),
        ),
    )


def test_compact_lap_time_label() -> None:
    repeat = parse_workout("15x400m @ 70-71s / 60s jog").steps[0]
    assert isinstance(repeat, Repeat)
    step = repeat.steps[0]
    assert isinstance(step, Step) and step.target is not None
    assert step.target.label == "70-71s"


def test_compact_bare_metres_and_comma() -> None:
    workout = parse_workout("20x400 @ 2:55-2:57/km, 60s rest")
    assert workout.steps == (
        reps(
            20,
            Step(StepKind.ACTIVE, EndCondition.distance(400), PaceRange(175.0, 177.0)),
            Step(StepKind.REST, EndCondition.time(60)),
        ),
    )


def test_compact_whole_workout() -> None:
    text = "5min easy; 2km @ 10k; 15x400m @ 70-71s / 60s rest; 5min easy"
    assert parse_workout(text, paces=ATHLETE).steps == (
        Step(StepKind.WARMUP, EndCondition.time(300)),
        Step(StepKind.ACTIVE, EndCondition.distance(2000), PaceRange(200.5, 204.5)),
        reps(
            15,
            Step(StepKind.ACTIVE, EndCondition.distance(400), PaceRange(175.0, 177.5)),
            Step(StepKind.REST, EndCondition.time(60)),
        ),
        Step(StepKind.COOLDOWN, EndCondition.time(300)),
    )


@pytest.mark.parametrize("separator", ["; ", " + ", "\n", ", "])
def test_compact_separators(separator: str) -> None:
    text = separator.join(["5min easy", "2km @ 4:00/km", "5min easy"])
    assert parse_workout(text) == parse_workout("5min easy; 2km @ 4:00/km; 5min easy")


def test_compact_nested() -> None:
    workout = parse_workout("3x(4x400m @ I / 200m jog, 3min rest)", paces=ATHLETE)
    interval = round(ATHLETE.pace_s_per_km("I"), 1)
    inner = reps(
        4,
        Step(StepKind.ACTIVE, EndCondition.distance(400), band(interval)),
        Step(StepKind.RECOVERY, EndCondition.distance(200)),
    )
    assert workout.steps == (Repeat(3, (inner, Step(StepKind.REST, EndCondition.time(180)))),)


def test_untargeted_rep_is_active() -> None:
    assert parse_workout("6x20s / 40s jog").steps == (
        reps(
            6,
            Step(StepKind.ACTIVE, EndCondition.time(20)),
            Step(StepKind.RECOVERY, EndCondition.time(40)),
        ),
    )


def test_inline_repeat_without_recovery() -> None:
    workout = parse_workout("5min easy; 4x1km @ 4:00/km; 5min easy")
    assert workout.steps[1] == Repeat(
        4, (Step(StepKind.ACTIVE, EndCondition.distance(1000), band(240)),)
    )
    assert workout.steps[2] == Step(StepKind.COOLDOWN, EndCondition.time(300))


def test_header_body_first_step_active() -> None:
    workout = parse_workout("5 times:\n200m\n200m jog\n5min easy")
    assert workout.steps[0] == reps(
        5,
        Step(StepKind.ACTIVE, EndCondition.distance(200)),
        Step(StepKind.RECOVERY, EndCondition.distance(200)),
    )


@pytest.mark.parametrize("text", ["lap", "until lap"])
def test_lap_button_end(text: str) -> None:
    step = parse_workout(f"10min @ 4:00/km; {text} cooldown").steps[1]
    assert step == Step(StepKind.COOLDOWN, EndCondition.lap_button())


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("5min", 300), ("90s", 90), ("1:30", 90), ("1h", 3600), ("1:05:00", 3900)],
)
def test_durations(text: str, seconds: float) -> None:
    step = parse_workout(f"{text} rest").steps[0]
    assert step == Step(StepKind.REST, EndCondition.time(seconds))


@pytest.mark.parametrize(
    ("text", "metres"),
    [("400m", 400), ("2km", 2000), ("2.0km", 2000), ("1mi", 1609.344), ("1.5km", 1500)],
)
def test_distances(text: str, metres: float) -> None:
    step = parse_workout(f"{text} jog").steps[0]
    assert step == Step(StepKind.RECOVERY, EndCondition.distance(metres))


def test_spaced_units() -> None:
    spaced = "5 min easy; 2 km @ 4:00/km; 15 x 400 m @ 70-71s / 60 s jog; 5 min easy"
    joined = "5min easy; 2km @ 4:00/km; 15x400m @ 70-71s / 60s jog; 5min easy"
    assert parse_workout(spaced) == parse_workout(joined)


@pytest.mark.parametrize(
    ("word", "metres"),
    [
        ("marathon", 42195.0),
        ("half", 21097.5),
        ("Half-Marathon", 21097.5),
        ("halfmarathon", 21097.5),
    ],
)
def test_named_distance_step(word: str, metres: float) -> None:
    workout = parse_workout(f"{word} @ MP", paces=ATHLETE)
    assert workout.steps[0].end == EndCondition.distance(metres)


def test_named_distance_round_trip() -> None:
    workout = parse_workout("5min easy; half @ 4:00/km; 5min easy")
    assert parse_workout(render_workout(workout)) == workout


def test_middle_easy_is_recovery() -> None:
    workout = parse_workout("1km @ 4:00/km; 2min easy; 1km @ 4:00/km")
    assert workout.steps[1] == Step(StepKind.RECOVERY, EndCondition.time(120))


def test_slow_first_step_with_marathon_pace() -> None:
    workout = parse_workout("2km @ 4:00/km; 1km @ 3:30/km", paces=ATHLETE)
    step = workout.steps[0]
    assert isinstance(step, Step)
    assert step.kind is StepKind.WARMUP


def test_fast_single_step_active() -> None:
    step = parse_workout("2km @ 4:00/km").steps[0]
    assert isinstance(step, Step)
    assert step.kind is StepKind.ACTIVE


# --- targets --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "rep_m", "fast", "slow"),
    [
        ("4:00/km", None, 238.0, 242.0),
        ("4'00''/km", None, 238.0, 242.0),
        ("4'00\"/km", None, 238.0, 242.0),
        ("2:55-2:57/km", None, 175.0, 177.0),
        ("2:57-2:55/km", None, 175.0, 177.0),
        ("2:55.5/km", None, 173.5, 177.5),
        ("4:42/mi", None, 173.2, 177.2),
        ("70s", 400.0, 173.0, 177.0),
        ("1:10", 400.0, 173.0, 177.0),
        ("70-71s", 400.0, 175.0, 177.5),
        ("10k", None, 200.5, 204.5),
        ("10k+2%", None, 204.6, 208.6),
        ("MP-5s", None, 214.7, 218.7),
        ("T+3s/km", None, 211.6, 215.6),
        ("MP+30s", None, 249.7, 253.7),
        ("MP+30s/km", None, 249.7, 253.7),
        ("MP+30s/mi", None, 238.3, 242.3),
        ("MP-10s/mile", None, 213.5, 217.5),
        ("E+20sec/mi", None, 263.9, 267.9),
    ],
)
def test_pace_targets(expr: str, rep_m: float | None, fast: float, slow: float) -> None:
    target = parse_pace_target(expr, paces=ATHLETE, rep_distance_m=rep_m)
    assert (target.fast_s_per_km, target.slow_s_per_km) == (fast, slow)
    assert target.label == expr


def test_tolerance_configurable() -> None:
    target = parse_pace_target("4:00/km", tolerance_s_per_km=5.0)
    assert (target.fast_s_per_km, target.slow_s_per_km) == (235.0, 245.0)


def test_range_ignores_tolerance() -> None:
    target = parse_pace_target("2:55-2:57/km", tolerance_s_per_km=5.0)
    assert (target.fast_s_per_km, target.slow_s_per_km) == (175.0, 177.0)


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "5min easy\n2km @ 4:00/km\n- 400m @ 0:00/km",
            "line 3, column 10: invalid pace '0:00/km': a pace must be between 1:30/km and "
            "20:00/km; for example 4:00/km or 70-71s per rep",
        ),
        (
            "",
            "line 1, column 1: empty workout: write at least one step, for example 5min "
            "easy, 2km @ 4:00/km, 15x400m @ 70-71s / 60s jog",
        ),
        (
            "5min easy; 0x400m @ 70s",
            "line 1, column 12: invalid repeat count 0: a repeat runs 1 to 999 times; "
            "for example 15x400m",
        ),
        (
            "5min easy\n15 lots of:",
            "line 2, column 1: repeat '15 lots of:' has no steps: put the steps after it, "
            "indented or in brackets, for example 15x(400m @ 70-71s, 60s rest)",
        ),
        (
            "5min easy\n  2km fast",
            "line 2, column 7: unknown word 'fast' in step '2km fast'; for example 5min "
            "easy, 2km @ 4:00/km, 15x400m @ 70-71s / 60s jog",
        ),
        (
            "2km @ 10k",
            "line 1, column 7: the target '10k' is relative to the runner's paces, and the "
            "athlete's paces are needed: give the athlete a race result or explicit paces, "
            "or write an absolute pace such as 4:00/km",
        ),
        (
            "3x(400m @ 70s, 60s rest",
            "line 1, column 3: missing ')': a '(' is never closed; for example 3x(400m, 60s rest)",
        ),
        (
            "5min easy jog",
            "line 1, column 11: conflicting step kinds 'easy' and 'jog': keep one",
        ),
        (
            "5min @ 70s",
            "line 1, column 8: invalid pace target '70s': a lap time needs a distance step, "
            "for example 400m @ 70-71s; for a pace per km write 2:55/km",
        ),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(WorkoutTextError) as caught:
        parse_workout(text)
    assert str(caught.value) == message


def test_error_position_attributes() -> None:
    with pytest.raises(WorkoutTextError) as caught:
        parse_workout("5min easy\n2km @ 4:00/km\n- 400m @ 0:00/km")
    assert (caught.value.line, caught.value.column) == (3, 10)
    assert caught.value.text == "- 400m @ 0:00/km"


def test_error_is_user_input_error() -> None:
    with pytest.raises(UserInputError):
        parse_workout("banana")


def test_target_error_column() -> None:
    with pytest.raises(WorkoutTextError) as caught:
        parse_pace_target("  fast")
    assert str(caught.value) == (
        "line 1, column 3: invalid pace target 'fast'; for example 4:00/km, 2:55-2:57/km, "
        "70-71s per rep, 10k or MP-5s"
    )


def test_repeat_unroll_limit() -> None:
    with pytest.raises(WorkoutTextError) as caught:
        parse_workout("5min easy; 999x(999x(400m @ 4:00/km))")
    assert str(caught.value) == (
        "line 1, column 12: repeat '999x' unrolls to more than 10000 steps; use fewer repeats"
    )


@pytest.mark.parametrize(
    "text",
    [
        "400m @ 1:20/km",
        "400m @ 21:00/km",
        "0min easy",
        "400m @ 2:75/km",
        "1:75 rest",
        "400m)",
        "(",
        "@",
    ],
)
def test_rejected_text(text: str) -> None:
    with pytest.raises(WorkoutTextError):
        parse_workout(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_only_workout_errors(text: str) -> None:
    with contextlib.suppress(WorkoutTextError):
        parse_workout(text, paces=ATHLETE)


NOTATION = st.lists(
    st.sampled_from(
        [
            *"0123456789 x:;,/+()@'\"-.\nmskhi",
            *["min", "km", "rest", "jog", "lap", "MP", "  ", "- ", "lots of", "times"],
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(NOTATION)
def test_notation_like_text_only_workout_errors(text: str) -> None:
    with contextlib.suppress(WorkoutTextError):
        parse_workout(text)


# --- rendering ------------------------------------------------------------------------------


def test_render_reference() -> None:
    assert render_workout(parse_workout(REFERENCE)) == (
        "5min @ 5:58-6:02/km warmup; 2km @ 3:58-4:02/km; "
        "15x(400m @ 2:54-2:58/km, 60s rest); 5min @ 5:58-6:02/km cooldown"
    )


def test_render_half_seconds() -> None:
    assert render_workout(parse_workout("15x400m @ 70-71s / 60s jog")) == (
        "15x(400m @ 2:55-2:57.5/km, 60s jog)"
    )


def test_render_reference_round_trip() -> None:
    workout = parse_workout(REFERENCE)
    assert parse_workout(render_workout(workout)) == workout


# Paces on the 0.1 s/km grid that parse_workout rounds to; durations and distances
# are any decimal the renderer writes exactly.
PACES = st.integers(900, 12000).map(lambda tenths: tenths / 10)
ENDS = st.one_of(
    st.integers(1, 36000).map(lambda tenths: EndCondition.time(tenths / 10)),
    st.integers(1, 100000).map(lambda metres: EndCondition.distance(float(metres))),
    st.integers(1, 4000).map(lambda quarter: EndCondition.distance(quarter * 0.25)),
    st.just(EndCondition.lap_button()),
)


@st.composite
def targets(draw: st.DrawFn) -> PaceRange:
    fast = draw(PACES)
    slow = draw(PACES.filter(lambda pace: pace >= fast))
    return PaceRange(fast, slow)


STEPS = st.builds(Step, st.sampled_from(list(StepKind)), ENDS, st.one_of(st.none(), targets()))


def unrolled(block: Block) -> int:
    if isinstance(block, Step):
        return 1
    return block.count * sum(unrolled(child) for child in block.steps)


# Repeats stay within the parser's 10 000 unrolled steps.
BLOCKS: st.SearchStrategy[Block] = st.recursive(
    STEPS,
    lambda children: st.builds(
        Repeat, st.integers(1, 30), st.lists(children, min_size=1, max_size=4).map(tuple)
    ).filter(lambda repeat: unrolled(repeat) <= 10_000),
    max_leaves=12,
)
WORKOUTS = st.builds(
    Workout, st.text(max_size=10), st.lists(BLOCKS, min_size=1, max_size=6).map(tuple)
)


@settings(max_examples=200, deadline=None)
@given(WORKOUTS)
def test_render_parse_round_trip(workout: Workout) -> None:
    text = render_workout(workout)
    assert parse_workout(text, name=workout.name) == workout


@settings(max_examples=100, deadline=None)
@given(WORKOUTS)
def test_round_trip_with_paces(workout: Workout) -> None:
    text = render_workout(workout)
    assert parse_workout(text, paces=ATHLETE, name=workout.name) == workout


def test_error_message_without_position() -> None:
    with pytest.raises(WorkoutTextError) as caught:
        parse_workout("5min foo")
    assert caught.value.message.startswith("unknown word 'foo'")


@pytest.mark.parametrize("text", ["32km @ 4:30/km", "45min easy", "10km", "1h @ 5:00-5:10/km"])
def test_one_step_workout_is_active(text: str) -> None:
    workout = parse_workout(text)
    assert len(workout.steps) == 1
    step = workout.steps[0]
    assert isinstance(step, Step)
    assert step.kind is StepKind.ACTIVE


def test_pace_seconds_over_59() -> None:
    with pytest.raises(WorkoutTextError) as caught:
        parse_workout("400m @ 2'96''/km")
    assert str(caught.value) == (
        "line 1, column 8: invalid pace '2'96''/km': seconds must be below 60; "
        "for example 2'56''/km or 2:56/km"
    )


def test_lap_time_seconds_over_59() -> None:
    with pytest.raises(WorkoutTextError) as caught:
        parse_workout("400m @ 1:70")
    assert "invalid lap time '1:70': seconds must be below 60" in str(caught.value)
