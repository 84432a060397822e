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
    """The text is not valid YAML; `line` and `column` count from 1."""

    line: int | None
    column: int | None
    problem: str

    def __str__(self) -> str:
        return self.problem


def compose_yaml(text: str) -> Node | None:
    """Parse one YAML document into its node tree; None for an empty document.

    Raises YamlSyntaxError with the position PyYAML reports for the problem.
    """
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if error.context and error.problem:
            problem = f"{error.problem} ({error.context})"
        if mark is None:
            raise YamlSyntaxError(None, None, problem) from None
        raise YamlSyntaxError(mark.line + 1, mark.column + 1, problem) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(None, None, str(error)) from None


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
