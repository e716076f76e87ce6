"""The expression language: program text in, a differentiated graph out.

One module per stage, each stage's output the next one's input (docs/architecture.md):

    syntax    text → Program (tokens, a parser to postfix code, source positions)
    analysis  Program + values → Analysis (declared and free variables, their values, warnings)
    build     Analysis → Graph (graph.py: the nodes as columns — kinds, labels, spans, values,
              gradients — and the recorded backward pass, the engine's FlatTrace)
    check     Graph → a CheckResult per variable (central differences of the whole program)

``evaluate`` runs them all. User text is only ever read by the parser: never eval, exec or compile.
"""

from __future__ import annotations

from collections.abc import Mapping

from .analysis import MAX_NODES, MAX_VALUES, Analysis, ProgramWarning, analyze
from .build import build
from .check import MAX_CHECK_EVALUATIONS, numeric_check
from .errors import (
    DuplicateVariableError,
    ParseError,
    ProgramError,
    ProgramMathError,
    ReservedNameError,
    TooLargeError,
    UnboundVariableError,
    UnknownVariableError,
)
from .graph import CheckResult, Graph, Node, Partial
from .syntax import MAX_NESTING, MAX_SOURCE_CHARS, Program, SourceMap, Span, parse, tokenize
from .unparse import UnsupportedOperationError, explore, explorer_url, to_program


def evaluate(source: str, values: Mapping[str, float] | None = None, check: bool = False,
             default_value: float | None = None) -> Graph:  # fmt: skip
    """Parse ``source``, give its variables ``values`` (free ones missing from it ``default_value``),
    build the graph, backpropagate from the last statement and, if asked, check every gradient.

    Raises a ``ProgramError`` subclass for anything wrong with the program or its values.
    """
    graph = build(analyze(parse(source), values, default_value))
    if check:
        graph.check = numeric_check(graph)
    return graph


__all__ = [
    "MAX_CHECK_EVALUATIONS",
    "MAX_NESTING",
    "MAX_NODES",
    "MAX_SOURCE_CHARS",
    "MAX_VALUES",
    "Analysis",
    "CheckResult",
    "DuplicateVariableError",
    "Graph",
    "Node",
    "ParseError",
    "Partial",
    "Program",
    "ProgramError",
    "ProgramMathError",
    "ProgramWarning",
    "ReservedNameError",
    "SourceMap",
    "Span",
    "TooLargeError",
    "UnboundVariableError",
    "UnknownVariableError",
    "UnsupportedOperationError",
    "analyze",
    "build",
    "evaluate",
    "explore",
    "explorer_url",
    "numeric_check",
    "parse",
    "to_program",
    "tokenize",
]  # fmt: skip
