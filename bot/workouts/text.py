"""Workout text language: parse a runner's notation into a Workout and render it back.

Two notations are read, alone or mixed:

- one step per line, with optional "- ", "* " or "• " bullets and repeat headers
  ("15 lots of:", "15x:", "15 x:", "15 times:", "repeat 15:"):

      - 5min @ 6'00''/km
      - 2.0km @ 4'00''/km
      - 15 lots of:
      - 400m @ 2'56''/km
      - 1min rest
      - 5min @ 6'00''/km

- the compact form, with steps separated by ";", " + ", ",", "/" or new lines:
  "5min easy; 2km @ 10k; 15x400m @ 70-71s / 60s jog; 5min easy" and nested
  "3x(4x400m @ I / 200m jog, 3min rest)".

Repeat bodies:

- "Nx(...)" repeats what the brackets contain.
- A header whose following lines are indented deeper repeats those lines.
- A header whose body is not indented repeats the following steps through the first
  rest or recovery step, stopping before a warm-up or cool-down step. A step at an
  easy pace without a kind word ("200m @ E") that follows a faster step counts as
  that recovery. A body of several steps that nothing ends is an error, because it
  would run to the end of its level and the runner may mean fewer steps: indentation
  or brackets show which steps repeat.
- "Nx<step>" ("15x400m @ 70s") repeats that step, together with the rest or recovery
  step that directly follows it ("/ 60s jog", ", 60s rest").
- The first step of a repeat body is active even without a target ("6x20s / 40s jog").

Step kinds: the words "warmup", "cooldown", "jog" (recovery), "rest" and "active"
set the kind. Otherwise a step with no target, or with the word "easy", is a warm-up
when it is the first step of the workout, a cool-down when it is the last, and a
recovery in between. A first or last step with a target is a warm-up or cool-down
when its pace is easy: slower than marathon pace when the athlete's paces have one,
otherwise at least EASY_MARGIN_S_PER_KM slower than every other pace target.
The only step of a one-step workout ("32km @ MP+30s") is active: it is the run itself.

Values: a step ends after a duration ("5min", "90s", "1:30", "1h"), a distance
("400m", "2.0km", "1mi", "half", "marathon"; a bare number after a repeat count is
metres) or at a lap press ("lap", "until lap"). A target follows "@": a pace
("4:00/km", "4'00''/km", "6:26/mi", "2:55.5/km"), a range ("2:55-2:57/km"), a lap
time for a distance step ("70s", "1:10", "70-71s"), or a label of the athlete's paces
with an optional offset ("10k", "MP-5s", "10k+2%", "T+3s/km", "MP+30s/mi"); an offset
without a unit is seconds per km. A "+" separates steps only after a space, so offsets
are written without one. Paces must lie between 1:30/km and 20:00/km.

render_workout writes the compact form with every kind spelled out and every pace
as an absolute range, so that parse_workout(render_workout(w)) == w for paces on the
0.1 s/km grid that parsing rounds to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from bot.errors import UserInputError
from bot.workouts.athlete import AthletePaces, UnknownPaceLabelError
from bot.workouts.model import (
    Block,
    EndCondition,
    EndKind,
    PaceRange,
    Repeat,
    Step,
    StepKind,
    Workout,
)
from bot.workouts.text_values import (
    ValueTextError,
    decimal_of,
    parse_distance_m,
    parse_duration_s,
    parse_target,
)

# Without a marathon pace, a first or last step counts as easy when it is at least
# this much slower than every other pace target of the workout, in s/km.
EASY_MARGIN_S_PER_KM = 75.0

MAX_REPEAT_COUNT = 999
MAX_NESTING = 10
# Largest number of steps one repeat may unroll to; the runner's watch and the
# analysis walk every unrolled step.
MAX_FLAT_STEPS = 10_000

STEP_EXAMPLES = "for example 5min easy, 2km @ 4:00/km, 15x400m @ 70-71s / 60s jog"

_EASY = "easy"
_KIND_WORDS: dict[str, StepKind | str] = {
    "warmup": StepKind.WARMUP,
    "warm-up": StepKind.WARMUP,
    "wu": StepKind.WARMUP,
    "cooldown": StepKind.COOLDOWN,
    "cool-down": StepKind.COOLDOWN,
    "cd": StepKind.COOLDOWN,
    "jog": StepKind.RECOVERY,
    "recovery": StepKind.RECOVERY,
    "rec": StepKind.RECOVERY,
    "rest": StepKind.REST,
    "active": StepKind.ACTIVE,
    "easy": _EASY,
}

_HEADER_WORDS = r"(?:x|×|times|lots\s+of|sets\s+of|rounds\s+of)"
_HEADER = re.compile(
    rf"^(?:(?P<count>[0-9]+)\s*{_HEADER_WORDS}|repeat\s+(?P<repeat>[0-9]+)(?:\s*{_HEADER_WORDS})?)"
    r"\s*(?P<colon>:)?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_INLINE = re.compile(r"^(?P<count>[0-9]+)\s*[x×]\s*(?P<step>[^\s:(].*)$", re.IGNORECASE)
# A target written as easy pace: "E", "e", "E+15s".
_EASY_LABEL = re.compile(r"^e(?:[+-]|$)", re.IGNORECASE)
_UNIT_AFTER_SLASH = re.compile(r"\s*(?:km|mi|mile)\b", re.IGNORECASE)
_WORDS = re.compile(r"@|[^\s@]+")
_BULLETS = "-*•"


class WorkoutTextError(UserInputError):
    """Workout text that cannot be read.

    `line` and `column` count from 1 within the text; `text` is that source line and
    `message` the explanation without the position.
    """

    def __init__(self, message: str, *, line: int, column: int, text: str) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.message = message
        self.line = line
        self.column = column
        self.text = text


@dataclass(frozen=True)
class _Item:
    """One step or repeat header of the source, before its structure is known."""

    text: str
    line: int
    column: int
    indent: int
    first_on_line: bool
    depth: int
    source: str


@dataclass(frozen=True)
class _Bracket:
    opening: bool
    line: int
    column: int
    source: str


_Token = _Item | _Bracket


def parse_workout(
    text: str,
    *,
    paces: AthletePaces | None = None,
    tolerance_s_per_km: float = 2.0,
    name: str = "",
) -> Workout:
    """Parse workout text into a Workout; raise WorkoutTextError with line and column.

    Relative targets ("10k", "MP-5s", "I") need `paces`. A single pace becomes a band
    of ± `tolerance_s_per_km` (ValueError if that is negative).
    """
    _check_tolerance(tolerance_s_per_km)
    tokens = _tokenize(text)
    if not any(isinstance(token, _Item) for token in tokens):
        raise WorkoutTextError(
            f"empty workout: write at least one step, {STEP_EXAMPLES}",
            line=1,
            column=1,
            text=text.split("\n", 1)[0],
        )
    parser = _Parser(tokens, paces, tolerance_s_per_km)
    return Workout(name, parser.parse())


def parse_pace_target(
    expr: str,
    *,
    paces: AthletePaces | None = None,
    tolerance_s_per_km: float = 2.0,
    rep_distance_m: float | None = None,
) -> PaceRange:
    """Parse one pace target ("4:00/km", "2:55-2:57/km", "70-71s", "10k", "MP-5s").

    Lap times ("70s", "1:10") need `rep_distance_m`. Errors are WorkoutTextError on
    line 1 with the column within `expr`.
    """
    _check_tolerance(tolerance_s_per_km)
    stripped = expr.strip()
    leading = len(expr) - len(expr.lstrip())
    try:
        return parse_target(
            stripped,
            paces=paces,
            tolerance_s_per_km=tolerance_s_per_km,
            rep_distance_m=rep_distance_m,
        )
    except ValueTextError as error:
        raise WorkoutTextError(
            error.message, line=1, column=leading + error.offset + 1, text=expr
        ) from None


def render_workout(workout: Workout, *, decimals: int = 1) -> str:
    """Render a workout in the compact one-line form with absolute pace ranges.

    Example: "5min warmup; 2km @ 3:58-4:02/km; 15x(400m @ 2:54-2:58/km, 60s rest);
    5min cooldown". Pace seconds are rounded to `decimals` places, with trailing zeros
    dropped. parse_workout rounds pace bounds to 0.1 s/km, so with decimals >= 1 the
    result parses back to an equal workout whenever the paces lie on that grid, as
    every parsed pace does; durations and distances are written exactly.
    """
    parts: list[str] = []
    last = len(workout.steps) - 1
    for index, block in enumerate(workout.steps):
        parts.append(_render_block(block, decimals, at_edge=index in (0, last)))
    return "; ".join(parts)


def _check_tolerance(tolerance_s_per_km: float) -> None:
    if not 0 <= tolerance_s_per_km < 600:
        raise ValueError(f"pace tolerance must be between 0 and 600 s/km, got {tolerance_s_per_km}")


# --- tokenizing ---------------------------------------------------------------------------


def _tokenize(text: str) -> list[_Token]:
    """Split text into items and brackets, each with its 1-based line and column."""
    tokens: list[_Token] = []
    depth = 0
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for line_number, source in enumerate(lines, start=1):
        start = len(source) - len(source.lstrip())
        indent = len(source[:start].expandtabs(4))
        if start < len(source) and source[start] in _BULLETS:
            after = start + 1
            if after == len(source) or source[after].isspace():
                start = after
        first_on_line = True
        segment_start = start
        for index in range(start, len(source) + 1):
            char = source[index] if index < len(source) else "\n"
            if not _is_separator(source, index, char, segment_start):
                continue
            for item in _items_of(source, segment_start, index, line_number, indent, depth):
                tokens.append(replace(item, first_on_line=first_on_line))
                first_on_line = False
            if char in "()":
                tokens.append(_Bracket(char == "(", line_number, index + 1, source))
                first_on_line = False
                depth = depth + 1 if char == "(" else max(depth - 1, 0)
            segment_start = index + 1
    return tokens


def _is_separator(source: str, index: int, char: str, segment_start: int) -> bool:
    if char in ";,()\n":
        return True
    if char == "/":
        return _UNIT_AFTER_SLASH.match(source, index + 1) is None
    if char == "+":
        return index == segment_start or source[index - 1].isspace()
    return False


def _items_of(source: str, start: int, end: int, line: int, indent: int, depth: int) -> list[_Item]:
    """Return the item in source[start:end], split in two after a header's colon."""
    raw = source[start:end]
    text = raw.strip()
    if not text:
        return []
    column = start + len(raw) - len(raw.lstrip()) + 1
    header = _HEADER.match(text)
    if header and header["colon"] and header["rest"]:
        rest_at = header.start("rest")
        head = text[:rest_at].rstrip()
        return [
            _Item(head, line, column, indent, False, depth, source),
            _Item(header["rest"].rstrip(), line, column + rest_at, indent, False, depth, source),
        ]
    return [_Item(text, line, column, indent, False, depth, source)]


# --- parsing ------------------------------------------------------------------------------


@dataclass
class _StepDraft:
    """A step as written, and whether a kind word set its kind."""

    step: Step
    explicit: bool
    easy_word: bool = False


class _Parser:
    """Recursive-descent parser from tokens to blocks; see the module docstring for the rules."""

    def __init__(
        self, tokens: list[_Token], paces: AthletePaces | None, tolerance_s_per_km: float
    ) -> None:
        self.tokens = tokens
        self.position = 0
        self.paces = paces
        self.tolerance_s_per_km = tolerance_s_per_km
        self.nesting = 0
        items = [index for index, token in enumerate(tokens) if isinstance(token, _Item)]
        self.first_index = items[0]
        self.last_index = items[-1]
        first = tokens[items[0]]
        last = tokens[items[-1]]
        assert isinstance(first, _Item) and isinstance(last, _Item)
        if first.depth > 0:
            self.first_index = -1
        if last.depth > 0 or last.indent > first.indent:
            self.last_index = -1
        # Token index of a first or last step that has a target but no kind word,
        # mapped to its place (0 or -1). Such a step becomes a warm-up or cool-down
        # once the whole workout shows whether its pace is easy.
        self.auto_steps: dict[int, int] = {}

    def parse(self) -> tuple[Block, ...]:
        blocks = self._parse_level(closing=None, indent_floor=None)
        if self.position < len(self.tokens):
            token = self.tokens[self.position]
            raise self._error(token, 0, "unmatched ')': there is no '(' before it")
        return self._settle_edges(blocks)

    # A level ends at the end of the text, at a ')' (inside brackets), or at a line
    # indented no deeper than an indented header.
    def _at_level_end(self, indent_floor: int | None) -> bool:
        if self.position >= len(self.tokens):
            return True
        token = self.tokens[self.position]
        if isinstance(token, _Bracket):
            return not token.opening
        return indent_floor is not None and token.first_on_line and token.indent <= indent_floor

    def _parse_level(
        self, closing: _Bracket | None, indent_floor: int | None, *, repeat_body: bool = False
    ) -> list[Block]:
        blocks: list[Block] = []
        while not self._at_level_end(indent_floor):
            blocks.append(self._parse_block(indent_floor, opens_repeat=repeat_body and not blocks))
        if closing is not None:
            if self.position >= len(self.tokens):
                raise self._error(
                    closing, 0, "missing ')': a '(' is never closed; for example 3x(400m, 60s rest)"
                )
            self.position += 1
        return blocks

    def _parse_block(self, indent_floor: int | None, *, opens_repeat: bool = False) -> Block:
        token = self.tokens[self.position]
        if isinstance(token, _Bracket):
            raise self._error(
                token,
                0,
                "unexpected '(': brackets follow a repeat count, for example 3x(400m, 60s rest)",
            )
        header = _HEADER.match(token.text)
        if header and not header["rest"]:
            return self._parse_header(token, header, indent_floor)
        inline = _INLINE.match(token.text)
        if inline:
            return self._parse_inline(token, inline, indent_floor)
        self.position += 1
        return self._step_at(self.position - 1, opens_repeat=opens_repeat)

    def _parse_header(
        self, token: _Item, header: re.Match[str], indent_floor: int | None
    ) -> Repeat:
        count = self._count(token, header["count"] or header["repeat"])
        self.position += 1
        self._enter(token)
        following = self.tokens[self.position] if self.position < len(self.tokens) else None
        if isinstance(following, _Bracket) and following.opening:
            self.position += 1
            body = self._parse_level(closing=following, indent_floor=None, repeat_body=True)
        elif (
            isinstance(following, _Item)
            and following.first_on_line
            and following.indent > token.indent
        ):
            body = self._parse_level(closing=None, indent_floor=token.indent, repeat_body=True)
        else:
            body = self._parse_unindented_body(token, indent_floor)
        self.nesting -= 1
        if not body:
            raise self._error(
                token,
                0,
                f"repeat '{token.text}' has no steps: put the steps after it, indented or "
                "in brackets, for example 15x(400m @ 70-71s, 60s rest)",
            )
        return self._checked_repeat(token, count, body)

    def _parse_unindented_body(self, header: _Item, indent_floor: int | None) -> list[Block]:
        """Read the steps after a header whose body is not indented.

        The body ends after its first rest or recovery step, where an easy-paced step
        that follows a faster one counts as the recovery. It also ends before a warm-up
        or cool-down. A body of several steps that nothing ends is rejected, because
        the runner may mean to repeat only some of them.
        """
        body: list[Block] = []
        texts: list[str] = []
        while not self._at_level_end(indent_floor):
            upcoming = self._peek_step(opens_repeat=not body)
            if upcoming is not None and upcoming.kind in (StepKind.WARMUP, StepKind.COOLDOWN):
                return body
            token = self.tokens[self.position]
            texts.append(token.text if isinstance(token, _Item) else "")
            block = self._parse_block(indent_floor, opens_repeat=not body)
            if isinstance(block, Step) and self._closes_body(block, texts[-1], body):
                body.append(replace(block, kind=StepKind.RECOVERY))
                return body
            body.append(block)
            if isinstance(block, Step) and block.kind in (StepKind.REST, StepKind.RECOVERY):
                return body
        if len(body) > 1:
            raise self._error(header, 0, _ambiguous_body_message(header.text, texts))
        return body

    def _closes_body(self, step: Step, text: str, body: list[Block]) -> bool:
        """Return whether `step`, written as `text` without a kind word, is a recovery.

        It must follow an active step that is faster or has no target, and be easy:
        labelled E, slower than marathon pace when the athlete's paces have one, or
        else at least EASY_MARGIN_S_PER_KM slower than that active step.
        """
        if not body or step.kind is not StepKind.ACTIVE or step.target is None:
            return False
        if any(word.lower() in _KIND_WORDS for word in text.split()):
            return False
        previous = body[-1]
        if not isinstance(previous, Step) or previous.kind is not StepKind.ACTIVE:
            return False
        pace = step.target.mid_s_per_km
        faster = previous.target.mid_s_per_km if previous.target is not None else None
        if faster is not None and faster >= pace:
            return False
        if _EASY_LABEL.match(step.target.label or ""):
            return True
        if self.paces is not None:
            try:
                return pace > self.paces.pace_s_per_km("MP")
            except UnknownPaceLabelError:
                pass
        return faster is not None and pace >= faster + EASY_MARGIN_S_PER_KM

    def _parse_inline(
        self, token: _Item, inline: re.Match[str], indent_floor: int | None
    ) -> Repeat:
        count = self._count(token, inline["count"])
        offset = inline.start("step")
        draft = self._draft(token, inline["step"], offset, bare_metres=True)
        rep = draft.step
        if not draft.explicit and rep.target is None and not draft.easy_word:
            rep = replace(rep, kind=StepKind.ACTIVE)
        self.position += 1
        body: list[Block] = [rep]
        if not self._at_level_end(indent_floor):
            upcoming = self._peek_step()
            if upcoming is not None and upcoming.kind in (StepKind.REST, StepKind.RECOVERY):
                body.append(upcoming)
                self.position += 1
        return self._checked_repeat(token, count, body)

    def _peek_step(self, *, opens_repeat: bool = False) -> Step | None:
        """Return the next token as a plain step, or None if it is a repeat or bracket."""
        token = self.tokens[self.position]
        if not isinstance(token, _Item) or _HEADER.match(token.text) or _INLINE.match(token.text):
            return None
        return self._step_at(self.position, opens_repeat=opens_repeat)

    def _step_at(self, index: int, *, opens_repeat: bool = False) -> Step:
        """Read the step at token `index` and settle the kind of a step with no kind word.

        The first step of a repeat body with neither target nor kind word is the rep
        itself, so it is active ("6x20s / 40s jog").
        """
        token = self.tokens[index]
        assert isinstance(token, _Item)
        draft = self._draft(token, token.text, 0, bare_metres=False)
        step = draft.step
        if draft.explicit:
            return step
        if opens_repeat and step.target is None and not draft.easy_word:
            return replace(step, kind=StepKind.ACTIVE)
        if index == self.first_index == self.last_index:
            # A one-step workout ("32km @ MP+30s", "45min easy") is the run itself.
            return replace(step, kind=StepKind.ACTIVE)
        easy = step.kind is StepKind.RECOVERY
        if index == self.first_index:
            if easy:
                return replace(step, kind=StepKind.WARMUP)
            self.auto_steps[index] = 0
        elif index == self.last_index:
            if easy:
                return replace(step, kind=StepKind.COOLDOWN)
            self.auto_steps[index] = -1
        return step

    def _draft(self, token: _Item, text: str, offset: int, *, bare_metres: bool) -> _StepDraft:
        """Read '<end> [@ <target>] [kind words]' at `offset` within the token."""
        words = [(match.group(), match.start() + offset) for match in _WORDS.finditer(text)]
        end, position = self._end_condition(token, words, bare_metres)
        rep_distance = end.value if end.kind is EndKind.DISTANCE else None
        kind_word: str | None = None
        target: PaceRange | None = None

        while position < len(words):
            word, at = words[position]
            position += 1
            if word == "@":
                if position >= len(words):
                    raise self._error(token, at, f"missing pace target after '@'; {_TARGETS}")
                word, at = words[position]
                position += 1
                if word.lower() not in _KIND_WORDS:
                    if target is not None:
                        raise self._error(
                            token, at, f"a step takes one pace target, got a second: '{word}'"
                        )
                    target = self._target(token, word, at, rep_distance)
                    continue
            if word.lower() not in _KIND_WORDS:
                raise self._error(
                    token, at, f"unknown word '{word}' in step '{text}'; {STEP_EXAMPLES}"
                )
            if kind_word is not None and _KIND_WORDS[kind_word] != _KIND_WORDS[word.lower()]:
                raise self._error(
                    token, at, f"conflicting step kinds '{kind_word}' and '{word}': keep one"
                )
            kind_word = word.lower()

        kind = _KIND_WORDS[kind_word] if kind_word is not None else None
        if isinstance(kind, StepKind):
            return _StepDraft(Step(kind, end, target), explicit=True)
        # Until its position is known, an easy step is a recovery.
        easy = kind == _EASY or target is None
        default = StepKind.RECOVERY if easy else StepKind.ACTIVE
        return _StepDraft(Step(default, end, target), explicit=False, easy_word=kind == _EASY)

    def _end_condition(
        self, token: _Item, words: list[tuple[str, int]], bare_metres: bool
    ) -> tuple[EndCondition, int]:
        if not words or words[0][0] == "@":
            at = words[0][1] if words else 0
            raise self._error(token, at, f"missing duration or distance; {STEP_EXAMPLES}")
        first, at = words[0]
        lowered = first.lower()
        if lowered == "lap":
            return EndCondition.lap_button(), 1
        if lowered == "until" and len(words) > 1 and words[1][0].lower() == "lap":
            return EndCondition.lap_button(), 2
        used = 1
        # "2 km" and "5 min" read like "2km" and "5min".
        if len(words) > 1 and _BARE_NUMBER.match(first) and _UNIT.match(words[1][0]):
            first = first + words[1][0]
            used = 2
        try:
            seconds = parse_duration_s(first)
            if seconds is not None:
                return EndCondition.time(seconds), used
            metres = parse_distance_m(first, bare_metres=bare_metres)
        except ValueTextError as error:
            raise self._error(token, at + error.offset, error.message) from None
        if metres is not None:
            return EndCondition.distance(metres), used
        hint = " (a bare number is metres only after a repeat count, as in 20x400)"
        raise self._error(
            token,
            at,
            f"invalid step '{first}': a step starts with a duration, a distance or 'lap'"
            f"{hint if _BARE_NUMBER.match(first) else ''}; {STEP_EXAMPLES}",
        )

    def _target(self, token: _Item, word: str, at: int, rep_distance_m: float | None) -> PaceRange:
        try:
            return parse_target(
                word,
                paces=self.paces,
                tolerance_s_per_km=self.tolerance_s_per_km,
                rep_distance_m=rep_distance_m,
            )
        except ValueTextError as error:
            raise self._error(token, at + error.offset, error.message) from None

    def _count(self, token: _Item, digits: str) -> int:
        count = Decimal(digits)
        if not 1 <= count <= MAX_REPEAT_COUNT:
            raise self._error(
                token,
                0,
                f"invalid repeat count {digits}: a repeat runs 1 to {MAX_REPEAT_COUNT} times; "
                "for example 15x400m",
            )
        return int(count)

    def _checked_repeat(self, token: _Item, count: int, body: list[Block]) -> Repeat:
        repeat = Repeat(count, tuple(body))
        if _flat_count(repeat) > MAX_FLAT_STEPS:
            raise self._error(
                token,
                0,
                f"repeat '{token.text}' unrolls to more than {MAX_FLAT_STEPS} steps; "
                "use fewer repeats",
            )
        return repeat

    def _enter(self, token: _Item) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self._error(token, 0, f"repeats nested more than {MAX_NESTING} deep")

    def _settle_edges(self, blocks: list[Block]) -> tuple[Block, ...]:
        """Make an easy-paced first or last step without a kind word a warm-up or cool-down."""
        settled = list(blocks)
        edges: dict[int, Step] = {}
        for where in self.auto_steps.values():
            block = settled[where]
            if isinstance(block, Step) and block.kind is StepKind.ACTIVE:
                edges[where] = block
        others = [
            step.target.mid_s_per_km
            for step in _steps_of(blocks)
            if step.target is not None
            and step.kind is StepKind.ACTIVE
            and all(step is not edge for edge in edges.values())
        ]
        for where, step in edges.items():
            if self._is_easy(step, others):
                kind = StepKind.WARMUP if where == 0 else StepKind.COOLDOWN
                settled[where] = replace(step, kind=kind)
        return tuple(settled)

    def _is_easy(self, step: Step, other_paces_s_per_km: list[float]) -> bool:
        assert step.target is not None
        pace = step.target.mid_s_per_km
        if self.paces is not None:
            try:
                return pace > self.paces.pace_s_per_km("MP")
            except UnknownPaceLabelError:
                pass
        if not other_paces_s_per_km:
            return False
        return pace >= max(other_paces_s_per_km) + EASY_MARGIN_S_PER_KM

    def _error(self, token: _Token, offset: int, message: str) -> WorkoutTextError:
        return WorkoutTextError(
            message, line=token.line, column=token.column + offset, text=token.source
        )


def _ambiguous_body_message(header: str, texts: list[str]) -> str:
    count = _HEADER.match(header)
    digits = (count["count"] or count["repeat"]) if count else "6"
    first, second = texts[0], texts[1]
    return (
        f"the body of repeat '{header}' is ambiguous: no rest or recovery step ends it, "
        f"so every step after it would repeat; indent the steps to repeat under it, for "
        f"example '{header}' followed by '  {first}' and '  {second}' on the next lines, "
        f"or write {digits}x({first}, {second})"
    )


def _steps_of(blocks: list[Block] | tuple[Block, ...]) -> list[Step]:
    """Return every step written in `blocks`, once each, without unrolling repeats."""
    steps: list[Step] = []
    for block in blocks:
        if isinstance(block, Step):
            steps.append(block)
        else:
            steps.extend(_steps_of(block.steps))
    return steps


def _flat_count(block: Block) -> int:
    if isinstance(block, Step):
        return 1
    return block.count * sum(_flat_count(child) for child in block.steps)


_TARGETS = "for example 4:00/km, 2:55-2:57/km, 70-71s per rep, 10k or MP-5s"
_BARE_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
_UNIT = re.compile(
    r"^(?:s|sec|secs|seconds?|min|mins|minutes?|h|hr|hrs|hours?|m|metres?|meters?|km|k|mi|miles?)$",
    re.IGNORECASE,
)


# --- rendering ----------------------------------------------------------------------------

_KIND_TEXT = {
    StepKind.WARMUP: "warmup",
    StepKind.COOLDOWN: "cooldown",
    StepKind.RECOVERY: "jog",
    StepKind.REST: "rest",
    StepKind.ACTIVE: "active",
}


def _render_block(block: Block, decimals: int, *, at_edge: bool) -> str:
    if isinstance(block, Repeat):
        inner = ", ".join(_render_block(child, decimals, at_edge=False) for child in block.steps)
        return f"{block.count}x({inner})"
    parts = [_render_end(block.end)]
    if block.target is not None:
        parts.append(f"@ {_render_range(block.target, decimals)}")
    if block.kind is not StepKind.ACTIVE or block.target is None or at_edge:
        parts.append(_KIND_TEXT[block.kind])
    return " ".join(parts)


def _render_end(end: EndCondition) -> str:
    if end.kind is EndKind.LAP_BUTTON or end.value is None:
        return "lap"
    value = decimal_of(end.value)
    if end.kind is EndKind.TIME:
        if value >= 120 and value % 60 == 0:
            return f"{_plain(value / 60)}min"
        return f"{_plain(value)}s"
    if value >= 1000 and value % 1000 == 0:
        return f"{_plain(value / 1000)}km"
    return f"{_plain(value)}m"


def _render_range(target: PaceRange, decimals: int) -> str:
    fast = _render_pace(target.fast_s_per_km, decimals)
    slow = _render_pace(target.slow_s_per_km, decimals)
    return f"{fast}-{slow}/km"


def _render_pace(pace_s_per_km: float, decimals: int) -> str:
    exact = decimal_of(pace_s_per_km)
    places = max(decimals, 0)
    value = exact.quantize(Decimal(1).scaleb(-places))
    for fewer in range(places):
        rounded = exact.quantize(Decimal(1).scaleb(-fewer))
        if float(rounded) == pace_s_per_km:
            value = rounded
            break
    minutes = int(value // 60)
    seconds = value - minutes * 60
    text = _plain(seconds)
    whole = text.split(".")[0]
    return f"{minutes}:{'0' * (2 - len(whole))}{text}"


def _plain(value: Decimal) -> str:
    """Format a decimal without exponent and without trailing zeros after the point."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
