"""The analysis stage: which names are variables, where each comes from, what value each takes.

Input: a parsed ``Program`` and the request's ``values`` (and ``default_value``). Output: an
``Analysis`` — the program, its declared and free variables, every variable's value, and warnings
about names that look like mistakes — which the build stage turns into a graph. Nothing here makes a
Scalar: a program over a limit is refused before any work is spent on it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import (
    DuplicateVariableError,
    ProgramError,
    TooLargeError,
    UnboundVariableError,
    UnknownVariableError,
)
from .syntax import Binary, Call, Name, Number, Program, Span, Unary
from .vocabulary import NODES_MADE

MAX_NODES = 50_000
MAX_VALUES = 10_000


@dataclass(slots=True)
class ProgramWarning:
    """Something legal that is probably not what the author meant; same fields as an error's detail."""

    code: str  # possible_typo | unused_variable | unreachable_statement
    message: str
    line: int
    column: int
    names: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "line": self.line, "column": self.column,
                "names": self.names}  # fmt: skip


@dataclass(slots=True)
class Analysis:
    """A program with its names resolved: what the build stage needs, and nothing it must recompute."""

    program: Program
    declared: dict[str, Span]  # name = <number>: where each is declared
    free: dict[str, Span]  # used before (or without) any assignment: where first used
    values: dict[str, float]  # every variable's value: `values`, else its number, else the default
    warnings: list[ProgramWarning]


def _walk(expr) -> tuple[list[Name], int]:
    """The Name uses in an expression, left to right, and how many nodes the rest will make;
    without recursion."""
    found, stack, nodes = [], [expr], 0
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            found.append(node)
            continue
        nodes += 1
        if isinstance(node, Binary):
            stack.extend((node.right, node.left))
            nodes += NODES_MADE.get(node.op, 1) - 1  # a - b makes two: a neg, then an add
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Call):
            stack.extend(reversed(node.arguments))
    return found, nodes


def analyze(program: Program, values: Mapping[str, float] | None = None,
            default_value: float | None = None) -> Analysis:  # fmt: skip
    """Resolve the program's names against ``values``; refuse a variable made twice, a program over
    the node limit, unknown or non-finite values and free variables left without a value."""
    values = dict(values or {})
    span = program.source_map.span
    declared: dict[str, Span] = {}
    free: dict[str, Span] = {}
    numbers: dict[str, float] = {}
    bound: set[str] = set()
    used: set[str] = set()
    nodes = 0
    for statement in program.statements:
        uses, made = _walk(statement.expr)
        nodes += made
        for use in uses:
            used.add(use.name)
            if use.name not in bound and use.name not in free:
                free[use.name] = span(use.loc)
                nodes += 1
        if nodes > MAX_NODES:
            where = span(statement.loc)
            raise TooLargeError(
                f"line {where.line}: the program makes more than {MAX_NODES:,} nodes",
                where.line,
                where.column,
            )
        target = statement.target
        if target is None:
            continue
        if isinstance(statement.expr, Number):
            where = span(statement.target_loc)
            earlier = declared.get(target) or free.get(target)
            if earlier is not None:
                how = "declared" if target in declared else "used"
                raise DuplicateVariableError(
                    f"line {where.line}, column {where.column}: {target!r} is already a variable "
                    f"({how} on line {earlier.line}); give this one another name",
                    where.line,
                    where.column,
                    [target],
                )
            declared[target] = span(statement.loc)
            numbers[target] = statement.expr.value
        bound.add(target)
    _check_values(declared, free, values, default_value)
    resolved = {}
    for name in (*declared, *free):
        resolved[name] = float(values[name]) if name in values else numbers.get(name, default_value)
    warnings = _typo_warnings(free, bound) + _unused_warnings(program, declared, used)
    return Analysis(program, declared, free, resolved, warnings)


def _check_values(
    declared: dict, free: dict, values: Mapping[str, float], default_value: float | None
) -> None:
    """Every key must name a variable, every value be finite, every free variable have a value."""
    if len(values) > MAX_VALUES:
        raise ProgramError(f"'values' has {len(values):,} names; the limit is {MAX_VALUES:,}")
    unknown = [name for name in values if name not in declared and name not in free]
    if unknown:
        shown = ", ".join(repr(n) for n in unknown[:10])
        raise UnknownVariableError(
            f"'values' names {shown}, which the program never uses as a variable", names=unknown
        )
    for name, value in values.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            raise ProgramError(f"the value of {name!r} must be a finite number", names=[name])
    if default_value is not None and (isinstance(default_value, bool) or not math.isfinite(default_value)):
        raise ProgramError("'default_value' must be a finite number")
    missing = [name for name in free if name not in values]
    if missing and default_value is None:
        first = free[missing[0]]
        shown = ", ".join(repr(n) for n in missing[:10])
        one = len(missing) == 1
        raise UnboundVariableError(
            f"line {first.line}, column {first.column}: {shown} {'has' if one else 'have'} no value: "
            f"assign {'it' if one else 'them'} (e.g. {missing[0]} = 1.0) or send "
            f"{'it' if one else 'them'} in 'values'",
            first.line,
            first.column,
            missing,
        )


# -- warnings -----------------------------------------------------------------------------------------


def one_edit_apart(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with one character inserted, deleted, replaced, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(differ) == 1:
            return True
        i, j = differ[0], differ[-1]
        return len(differ) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def _typo_warnings(free: dict[str, Span], bound: set[str]) -> list[ProgramWarning]:
    """A free name one edit away from a name the program assigns is probably that name, mistyped.
    Two one-letter names (``a``, ``b``) are too alike by nature to say so."""
    warnings = []
    for name, where in free.items():
        close = sorted(
            other for other in bound if max(len(name), len(other)) > 1 and one_edit_apart(name, other)
        )
        if close:
            guess = " or ".join(f"'{other}'" for other in close[:3])
            warnings.append(ProgramWarning(
                "possible_typo",
                f"line {where.line}, column {where.column}: '{name}' is not assigned, so it is a free "
                f"variable — did you mean {guess}?",
                where.line, where.column, [name, *close[:3]],
            ))  # fmt: skip
    return warnings


def _unused_warnings(program: Program, declared: dict[str, Span], used: set[str]) -> list[ProgramWarning]:
    """A declared variable that no statement uses (and that is not itself the output)."""
    last = program.statements[-1]
    output_name = last.target if last.target is not None else getattr(last.expr, "name", None)
    warnings = []
    for name, where in declared.items():
        if name not in used and name != output_name:
            warnings.append(ProgramWarning(
                "unused_variable",
                f"line {where.line}, column {where.column}: '{name}' is declared but never used",
                where.line, where.column, [name],
            ))  # fmt: skip
    return warnings
