"""The analysis stage: which names are variables, where each comes from, what value each takes.

Input: a parsed ``Program`` and the request's ``values`` (and ``default_value``). Output: an
``Analysis`` — the program, its declared and free variables, every variable's value, and warnings
about names that look like mistakes — which the build stage turns into a graph. Nothing here makes a
Scalar: a program over a limit is refused before any work is spent on it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, compress, filterfalse, groupby, repeat
from operator import concat, itemgetter, lt

from .errors import (
    DuplicateVariableError,
    ProgramError,
    TooLargeError,
    UnboundVariableError,
    UnknownVariableError,
)
from .syntax import NAME, NUMBER, Program
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
    declared: dict[str, tuple[int, int]]  # name = <number>: where each declaration is (offsets)
    free: dict[str, tuple[int, int]]  # used before (or without) any assignment: where first used
    values: dict[str, float]  # every variable's value: `values`, else its number, else the default
    warnings: list[ProgramWarning]


def analyze(program: Program, values: Mapping[str, float] | None = None,
            default_value: float | None = None) -> Analysis:  # fmt: skip
    """Resolve the program's names against ``values``; refuse a variable made twice, a program over
    the node limit, unknown or non-finite values and free variables left without a value."""
    values = dict(values or {})
    code = program.code
    kinds, arguments, starts, ends = code.kinds, code.arguments, code.starts, code.ends
    statements = program.statements
    # The names the program uses, where each is first used, and the statement that first assigns
    # each: every pass over the code is a map or a dict made in C, none a Python loop per instruction
    # (a program has up to 200,000 of them).
    name_at = list(compress(range(len(kinds)), map(NAME.__eq__, kinds)))
    names = list(map(arguments.__getitem__, name_at))
    used = list(dict.fromkeys(names))  # in order of first use
    first_use = dict(zip(reversed(names), reversed(name_at), strict=True))  # the last write is the first use
    targets = [statement.target for statement in statements]
    statement_ends = [statement.end for statement in statements]
    # name -> where the first statement that assigns it ends (an instruction's index)
    first_assigned = dict(zip(reversed(targets), reversed(statement_ends), strict=True))
    # A name is free when it is used before any statement assigns it; a use in the statement that
    # assigns it (x = x + 1) comes first.
    assigned_by = map(first_assigned.get, used, repeat(len(kinds) + 1))  # (never: past the last)
    free_names = compress(used, map(lt, map(first_use.__getitem__, used), assigned_by))
    free = {name: (starts[first_use[name]], ends[first_use[name]]) for name in free_names}
    # Every instruction makes a node, but a name (which uses one) and a derived operator (which makes
    # one per operation it is made of: a > b makes one lt); each free variable is one.
    nodes = len(kinds) - len(name_at) + len(free)
    nodes += sum((made - 1) * kinds.count(symbol) for symbol, made in NODES_MADE.items())
    if nodes > MAX_NODES:
        _refuse_in_order(program)  # raises the first refusal, in the order the statements come
    declared: dict[str, tuple[int, int]] = {}
    numbers: dict[str, float] = {}
    for statement in statements:
        target = statement.target
        if target is None or program.lone(statement) != NUMBER:
            continue
        if target in declared or (target in free and first_use[target] < statement.begin):
            _refuse_duplicate(program, statement, declared.get(target) or free[target], target in declared)
        declared[target] = statement.loc
        numbers[target] = arguments[statement.begin]
    _check_values(program, declared, free, values, default_value)
    # Each variable's value: its number, or the default for a free one; then the ones in `values`
    # (every name in `values` is a variable: _check_values said so).
    resolved = dict(numbers)
    resolved.update(zip(free, repeat(default_value)))
    resolved.update(zip(values, map(float, values.values()), strict=True))
    bound = first_assigned.keys() - {None}
    warnings = _typo_warnings(program, free, bound) + _unused_warnings(program, declared, set(names))
    return Analysis(program, declared, free, resolved, warnings)


def _refuse_duplicate(program: Program, statement, earlier: tuple[int, int], was_declared: bool) -> None:
    where = program.source_map.span(statement.target_loc)
    earlier_line = program.source_map.position(earlier[0])[0]
    target = statement.target
    how = "declared" if was_declared else "used"
    raise DuplicateVariableError(
        f"line {where.line}, column {where.column}: {target!r} is already a variable "
        f"({how} on line {earlier_line}); give this one another name",
        where.line,
        where.column,
        [target],
    )


def _refuse_in_order(program: Program) -> None:
    """For a program over the node limit: statement by statement, count its nodes and check its
    declaration, and raise at the first statement that goes over the limit or declares a variable
    again (whichever comes first, as a reader meets them)."""
    kinds, arguments = program.code.kinds, program.code.arguments
    declared: dict[str, tuple[int, int]] = {}
    free: dict[str, tuple[int, int]] = {}
    bound: set[str] = set()
    nodes = 0
    for statement in program.statements:
        for i in range(statement.begin, statement.end):
            kind = kinds[i]
            if kind != NAME:
                nodes += NODES_MADE.get(kind, 1)
            elif arguments[i] not in bound and arguments[i] not in free:
                free[arguments[i]] = (program.code.starts[i], program.code.ends[i])
                nodes += 1
        if nodes > MAX_NODES:
            where = program.source_map.span(statement.loc)
            raise TooLargeError(
                f"line {where.line}: the program makes more than {MAX_NODES:,} nodes",
                where.line,
                where.column,
            )
        target = statement.target
        if target is None:
            continue
        if program.lone(statement) == NUMBER:
            if target in declared or target in free:
                _refuse_duplicate(
                    program, statement, declared.get(target) or free[target], target in declared
                )
            declared[target] = statement.loc
        bound.add(target)
    raise AssertionError("a program over the node limit was not refused")  # counted twice the same way


def _check_values(program: Program, declared: dict, free: dict, values: Mapping[str, float],
                  default_value: float | None) -> None:  # fmt: skip
    """Every key must name a variable, every value be finite, every free variable have a value."""
    if len(values) > MAX_VALUES:
        raise ProgramError(f"'values' has {len(values):,} names; the limit is {MAX_VALUES:,}")
    unknown = [name for name in values if name not in declared and name not in free] if (
        values.keys() - declared.keys() - free.keys()) else []  # fmt: skip
    if unknown:
        shown = ", ".join(repr(n) for n in unknown[:10])
        raise UnknownVariableError(
            f"'values' names {shown}, which the program never uses as a variable", names=unknown
        )
    # Floats whose sum is finite are all finite (a NaN or an infinity makes the sum one); otherwise
    # each value is looked at.
    if not (set(map(type, values.values())) <= {float} and math.isfinite(sum(values.values()))):
        for name, value in values.items():
            if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
                raise ProgramError(f"the value of {name!r} must be a finite number", names=[name])
    if default_value is not None and (isinstance(default_value, bool) or not math.isfinite(default_value)):
        raise ProgramError("'default_value' must be a finite number")
    missing = list(filterfalse(values.__contains__, free))
    if missing and default_value is None:
        first = program.source_map.span(free[missing[0]])
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


#: Longer names are not checked for typos: the keys below cost a name its length squared.
TYPO_MAX_LENGTH = 32


def _deletions(name: str) -> list[str]:
    """``name`` with each one of its characters left out, and (last, with none left out) ``name``."""
    return [name[:i] + name[i + 1 :] for i in range(len(name) + 1)]


def _typo_warnings(
    program: Program, free: dict[str, tuple[int, int]], bound: set[str]
) -> list[ProgramWarning]:
    """A free name one edit away from a name the program assigns is probably that name, mistyped.
    Two one-letter names (``a``, ``b``) are too alike by nature to say so.

    Two names one edit apart (insertion, deletion, replacement, swap of neighbours) always share a
    string made by leaving out at most one character of each (``_deletions``), so only names that
    share one are compared: a program with thousands of free and assigned names must not compare
    every pair. The keys are made a character position at a time for all names at once (``map``s,
    in C); only the names and keys that two names share are looked at one by one.
    """
    names = [name for name in free if len(name) <= TYPO_MAX_LENGTH]
    lengths = set(map(len, names))
    others = [other for other in bound if len(other) in lengths or len(other) - 1 in lengths
              or len(other) + 1 in lengths]  # fmt: skip
    names = _first_letter_suspects(names, others) if names and others else []
    if not names:
        return []
    name_groups, other_groups = _by_length(names), _by_length(others)
    other_keys = set(chain.from_iterable(_all_deletions(other_groups)))
    shared: defaultdict[str, list[str]] = defaultdict(list)  # free name -> its keys an assigned name has
    for group, keys in zip(_repeated(name_groups), _all_deletions(name_groups), strict=True):
        keys = list(keys)
        for name, key in compress(zip(group, keys, strict=True), map(other_keys.__contains__, keys)):
            shared[name].append(key)
    if not shared:
        return []
    shared_keys = set(chain.from_iterable(shared.values()))
    by_deletion: defaultdict[str, list[str]] = defaultdict(list)  # such a key -> the assigned names with it
    for group, keys in zip(_repeated(other_groups), _all_deletions(other_groups), strict=True):
        keys = list(keys)
        for other, key in compress(zip(group, keys, strict=True), map(shared_keys.__contains__, keys)):
            by_deletion[key].append(other)
    warnings = []
    for name in names:
        keys = shared.get(name)
        if keys is None:
            continue
        candidates = set(chain.from_iterable(map(by_deletion.__getitem__, keys)))
        close = sorted(
            other for other in candidates if max(len(name), len(other)) > 1 and one_edit_apart(name, other)
        )
        if close:
            where = program.source_map.span(free[name])
            guess = " or ".join(f"'{other}'" for other in close[:3])
            warnings.append(ProgramWarning(
                "possible_typo",
                f"line {where.line}, column {where.column}: '{name}' is not assigned, so it is a free "
                f"variable — did you mean {guess}?",
                where.line, where.column, [name, *close[:3]],
            ))  # fmt: skip
    return warnings


def _first_letter_suspects(names: list[str], others: list[str]) -> list[str]:
    """The ``names`` that may be one edit from one of ``others`` (non-empty names), by a test of
    their first letters that costs a few maps in C: a name is one edit from another only when they
    start alike, or the edit is at the start (the first letter replaced, left out or put in, or
    swapped with the second)."""
    others_set = set(others)
    firsts = set(map(_first, others))
    tails = set(map(_tail, others))  # each name without its first letter
    name_tails = list(map(_tail, names))
    return list(compress(names, map(any, zip(
        map(firsts.__contains__, map(_first, names)),  # they start alike
        map(tails.__contains__, name_tails),  # the first letter replaced
        map(others_set.__contains__, name_tails),  # ... left out of the name
        map(tails.__contains__, names),  # ... put in front of it
        map(firsts.__contains__, map(_second, names)),  # the first two swapped
        strict=True,
    ))))  # fmt: skip


_first, _second, _tail = itemgetter(slice(0, 1)), itemgetter(slice(1, 2)), itemgetter(slice(1, None))


def _by_length(names: list[str]) -> list[tuple[int, list[str]]]:
    """The names grouped by their length: [(length, names), ...]."""
    return [(length, list(group)) for length, group in groupby(sorted(names, key=len), key=len)]


def _all_deletions(groups: list[tuple[int, list[str]]]) -> Iterator[Iterator[str]]:
    """For each group of names of one length and each position in them, and past their end: the
    group's names with that character left out (past the end: the names themselves). Together,
    every name's ``_deletions``, a column at a time."""
    for length, names in groups:
        for i in range(length + 1):
            before, after = itemgetter(slice(None, i)), itemgetter(slice(i + 1, None))
            yield map(concat, map(before, names), map(after, names))


def _repeated(groups: list[tuple[int, list[str]]]) -> Iterator[list[str]]:
    """Each group's names once per column ``_all_deletions`` gives for it."""
    for length, names in groups:
        yield from repeat(names, length + 1)


def _unused_warnings(program: Program, declared: dict[str, tuple[int, int]],
                     used: set[str]) -> list[ProgramWarning]:  # fmt: skip
    """A declared variable that no statement uses (and that is not itself the output)."""
    last = program.statements[-1]
    output_name = last.target
    if output_name is None and program.lone(last) == NAME:
        output_name = program.code.arguments[last.begin]
    warnings = []
    for name, loc in declared.items():
        if name not in used and name != output_name:
            where = program.source_map.span(loc)
            warnings.append(ProgramWarning(
                "unused_variable",
                f"line {where.line}, column {where.column}: '{name}' is declared but never used",
                where.line, where.column, [name],
            ))  # fmt: skip
    return warnings
