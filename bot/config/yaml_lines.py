"""YAML read as a node tree, so every key and value keeps its line in the file.

The calendar loader walks these nodes instead of plain Python values for two
reasons: each error can name the line it comes from, and scalars keep the text the
runner wrote. PyYAML's YAML 1.1 resolver would otherwise turn `33:45` into the
base-60 integer 2025 and `no` into False before any check could see them.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "YamlSyntaxError",
    "compose_yaml",
    "line_of",
    "scalar_first_line",
]


@dataclass(frozen=True)
class YamlSyntaxError(Exception):
    """The text is not valid YAML; `line` and `column` count from 1.

    `problem` is PyYAML's explanation, with the line where the enclosing construct
    starts when that is another line; `hint` says how to fix it.
    """

    line: int | None
    column: int | None
    problem: str
    hint: str = ""

    def __str__(self) -> str:
        return f"{self.problem}; {self.hint}" if self.hint else self.problem


def compose_yaml(text: str) -> Node | None:
    """Parse one YAML document into its node tree; None for an empty document.

    Raises YamlSyntaxError with the position PyYAML reports for the problem.
    """
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, text) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(None, None, str(error), _GENERIC_HINT) from None


_GENERIC_HINT = (
    "check the indentation and the colon after each key on this line and the line "
    "above it, and quote values that contain ': ' or start with [, {, * or &"
)


def _syntax_error(error: yaml.MarkedYAMLError, text: str) -> YamlSyntaxError:
    problem_mark = error.problem_mark
    context_mark = error.context_mark
    mark = problem_mark or context_mark
    problem = error.problem or error.context or "invalid YAML"
    context_line = context_mark.line + 1 if context_mark is not None else None
    if error.context and error.problem:
        problem = f"{error.problem} ({error.context})"
        # PyYAML marks where it noticed the problem; the cause, such as an unclosed
        # bracket or quote, is often where the enclosing construct starts.
        if (
            context_mark is not None
            and problem_mark is not None
            and context_mark.line != problem_mark.line
        ):
            problem = (
                f"{error.problem} ({error.context} that starts on line {context_line}, "
                f"column {context_mark.column + 1})"
            )
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return YamlSyntaxError(line, column, problem, _hint(error, text, line, context_line))


def _hint(
    error: yaml.MarkedYAMLError, text: str, line: int | None, context_line: int | None
) -> str:
    """Return how to fix the syntax error, naming the line where the cause usually is."""
    problem = error.problem or ""
    context = error.context or ""
    if "'\\t'" in problem:
        lines = text.splitlines()
        shown = ""
        if line is not None and 1 <= line <= len(lines):
            shown = f": line {line} is {lines[line - 1]!r}"
        return f"indent with spaces, not tabs{shown}"
    if "flow sequence" in context and context_line is not None:
        return f"close the '[' opened on line {context_line} with ']'"
    if "flow mapping" in context and context_line is not None:
        return f"close the '{{' opened on line {context_line} with '}}'"
    if "quoted scalar" in context and context_line is not None:
        return f"close the quote opened on line {context_line}"
    return _GENERIC_HINT


def line_of(node: Node) -> int:
    """Line of the node's first character, counting from 1."""
    return int(node.start_mark.line) + 1


def scalar_first_line(node: ScalarNode) -> int | None:
    """File line of the scalar's first line of text, counting from 1.

    Exact for literal block scalars (`|`) and for scalars on one line, where a line of
    the text is a line of the file. None for folded (`>`) and multi-line flow scalars,
    whose lines YAML joins, so a line within the value has no single line in the file.
    """
    if node.style == "|":
        # The text starts on the line after the `|` indicator.
        return line_of(node) + 1
    if node.start_mark.line == node.end_mark.line:
        return line_of(node)
    return None
