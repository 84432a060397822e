from bot.workouts.model import EndCondition, PaceRange, Repeat, Step, StepKind, Workout


def reference_workout() -> Workout:
    rep = PaceRange(175.0, 177.5)
    return Workout(
        "Speed Sharpen",
        (
            Step(StepKind.WARMUP, EndCondition.time(300)),
            Step(StepKind.ACTIVE, EndCondition.distance(2000), PaceRange(238, 242)),
            Repeat(
                15,
                (
                    Step(StepKind.ACTIVE, EndCondition.distance(400), rep),
                    Step(StepKind.REST, EndCondition.time(60)),
                ),
            ),
            Step(StepKind.COOLDOWN, EndCondition.time(300)),
        ),
    )


def test_flat_steps_unrolls_reference_session() -> None:
    flat = reference_workout().flat_steps()
    assert len(flat) == 33
    assert flat[2].iteration == 1
    assert flat[-2].iteration == 15
    assert flat[-1].step.kind is StepKind.COOLDOWN


def test_distance_and_duration_estimates() -> None:
    workout = reference_workout()
    # 2 x 5 min at the 6:00/km easy pace is 1,666.7 m; 2 km; 15 x 400 m; rests add nothing.
    assert abs(workout.distance_m() - (2 * 300 / 360 * 1000 + 2000 + 6000)) < 1e-6
    assert abs(workout.duration_s() - (600 + 2 * 240 + 15 * (0.4 * 176.25 + 60))) < 1e-6
