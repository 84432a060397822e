"""Which steps of a workout are its reps and recoveries.

The main set is the repeat block with the most iterations that contains an active
step. Its first active step is the rep, and its recovery or rest step is the
recovery. A workout without a repeat block treats its active steps as reps.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.workouts.model import Block, Repeat, Step, StepKind, Workout

RECOVERY_KINDS = (StepKind.RECOVERY, StepKind.REST)


def main_repeat(workout: Workout) -> Repeat | None:
    """Return the repeat block with the most iterations that contains an active step."""
    best: Repeat | None = None
    for repeat in workout.repeats():
        if not any(isinstance(s, Step) and s.kind is StepKind.ACTIVE for s in repeat.steps):
            continue
        if best is None or repeat.count > best.count:
            best = repeat
    return best


def rep_step(repeat: Repeat) -> Step:
    for block in repeat.steps:
        if isinstance(block, Step) and block.kind is StepKind.ACTIVE:
            return block
    raise ValueError("repeat block has no active step")


def recovery_step(repeat: Repeat) -> Step | None:
    for block in repeat.steps:
        if isinstance(block, Step) and block.kind in RECOVERY_KINDS:
            return block
    return None


def rep_flat_indices(workout: Workout) -> tuple[list[int], list[int]]:
    """Return the flat indices of the reps and of the recoveries of the main set."""
    repeat = main_repeat(workout)
    flat = workout.flat_steps()
    if repeat is None:
        return [f.index for f in flat if f.step.kind is StepKind.ACTIVE], []
    rep = rep_step(repeat)
    recovery = recovery_step(repeat)
    reps: list[int] = []
    recoveries: list[int] = []
    for position, first, last in _repeat_spans(workout.steps, 0):
        if position is not repeat:
            continue
        for f in flat[first:last]:
            if f.step is rep:
                reps.append(f.index)
            elif recovery is not None and f.step is recovery:
                recoveries.append(f.index)
        break
    return reps, recoveries


def _repeat_spans(blocks: tuple[Block, ...], start: int) -> Iterator[tuple[Repeat, int, int]]:
    """Yield each repeat block with the flat index range [first, last) it unrolls to."""
    index = start
    for block in blocks:
        size = _flat_size(block)
        if isinstance(block, Repeat):
            yield block, index, index + size
            body = index
            for _ in range(block.count):
                yield from _repeat_spans(block.steps, body)
                body += sum(_flat_size(b) for b in block.steps)
        index += size


def _flat_size(block: Block) -> int:
    if isinstance(block, Step):
        return 1
    return block.count * sum(_flat_size(b) for b in block.steps)


def fit_step_indices(workout: Workout) -> list[int]:
    """Return, for each flat step, its index in the FIT workout_step list.

    A FIT workout lists each step once, depth first, with a repeat step after the
    steps it repeats; laps record that index as wkt_step_index.
    """
    result: list[int] = []

    def walk(blocks: tuple[Block, ...], counter: int) -> tuple[list[list[int]], int]:
        # Returns, per block, the FIT indices of one pass over it, and the next free index.
        per_block: list[list[int]] = []
        for block in blocks:
            if isinstance(block, Step):
                per_block.append([counter])
                counter += 1
            else:
                inner, counter = walk(block.steps, counter)
                counter += 1  # the repeat step itself
                one_pass = [i for part in inner for i in part]
                per_block.append(one_pass * block.count)
        return per_block, counter

    blocks, _ = walk(workout.steps, 0)
    for part in blocks:
        result.extend(part)
    return result
