"""A lesson step's two small blocks, `setup` and `checkpoint`: lines of ``key: value``, read here.

Each reader takes the block's lines with their line numbers in the Markdown file and gives the
block as data, or adds a `LessonIssue` per mistake (the line it is on and what is wrong). Nothing
here evaluates a program: `parse.py` checks what needs the engine (names, answers, solutions).
See docs/lessons.md for the syntax.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from engine.datasets import DATASETS
from engine.nn import ACTIVATIONS
from engine.presets import MAX_EPOCHS, MAX_HIDDEN, MAX_POINTS, PRESETS, RECOMMENDED

NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")
NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\Z")

MODES = ("predict", "bug", "nudge")
VIEWS = ("explorer", "train")
#: The training settings a step may give, and how each is read; the rest come from the preset.
TRAIN_FIELDS = {
    "preset": str,
    "dataset": str,
    "activation": str,
    "points": int,
    "hidden": int,
    "epochs": int,
    "seed": int,
    "learning_rate": float,
}
TRAIN_BOUNDS = {
    "points": (2, MAX_POINTS),
    "hidden": (1, MAX_HIDDEN),
    "epochs": (1, MAX_EPOCHS),
    "seed": (0, 2**32 - 1),
}
MAX_LEARNING_RATE = 100.0


@dataclass(frozen=True)
class LessonIssue:
    """One mistake in a lesson: its line in the Markdown file (1-based) and what is wrong."""

    line: int
    message: str


@dataclass
class Setup:
    values: dict[str, float] = field(default_factory=dict)
    at: str | None = None  # start | forward | end | backward N | N (a timeline index)
    mode: str | None = None
    nudge: str | None = None
    view: str | None = None
    train: dict[str, object] | None = None
    line: int = 0
    value_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Checkpoint:
    kind: str  # value | gradient | larger | task
    question: str
    names: list[str]
    target: float | None = None  # a task's wanted number
    solution: dict[str, float] | None = None
    explain: str | None = None
    line: int = 0


def read_pairs(
    lines: list[tuple[int, str]], issues: list[LessonIssue], block: str
) -> dict[str, tuple[int, str]]:
    """``key: value`` lines (blank lines and ``#`` comments skipped) → key → (line, value)."""
    pairs: dict[str, tuple[int, str]] = {}
    for number, text in lines:
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, colon, value = stripped.partition(":")
        key = key.strip().lower()
        if not colon or not key:
            issues.append(LessonIssue(number, f"a {block} line is `key: value`, not `{stripped[:60]}`"))
        elif key in pairs:
            issues.append(LessonIssue(number, f"`{key}` is given twice in this {block} block"))
        else:
            pairs[key] = (number, value.strip())
    return pairs


def read_number(text: str) -> float | None:
    clean = text.strip().replace("\u2212", "-")
    if not NUMBER.match(clean):
        return None
    value = float(clean)
    return value if math.isfinite(value) else None


def read_assignments(number: int, text: str, issues: list[LessonIssue], what: str) -> dict[str, float]:
    """``a = 2, b = -3`` → {"a": 2.0, "b": -3.0}."""
    found: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, equals, raw = (s.strip() for s in part.partition("="))
        value = read_number(raw)
        if not equals or not NAME.match(name) or value is None:
            issues.append(LessonIssue(number, f"{what}: `{part}` is not `name = number`"))
        elif name in found:
            issues.append(LessonIssue(number, f"{what}: `{name}` is given twice"))
        else:
            found[name] = value
    return found


def read_setup(start: int, lines: list[tuple[int, str]], issues: list[LessonIssue]) -> Setup:
    pairs = read_pairs(lines, issues, "setup")
    setup = Setup(line=start)
    for key, (number, value) in pairs.items():
        if key == "values":
            setup.values = read_assignments(number, value, issues, "values")
            setup.value_lines = dict.fromkeys(setup.values, number)
        elif key == "at":
            if not re.fullmatch(r"start|forward|end|backward \d+|\d+", value):
                issues.append(
                    LessonIssue(number, f"at: `{value}` is not start, forward, end, `backward N` or a number")
                )
            else:
                setup.at = value
        elif key == "mode":
            mode, _, name = value.partition(" ")
            if mode not in MODES:
                issues.append(LessonIssue(number, f"mode: `{value}` is not one of {', '.join(MODES)}"))
            elif mode == "nudge" and not NAME.match(name.strip()):
                issues.append(
                    LessonIssue(number, "mode: nudge names the variable to nudge (`mode: nudge a`)")
                )
            else:
                setup.mode = mode
                setup.nudge = name.strip() if mode == "nudge" else None
        elif key == "view":
            if value not in VIEWS:
                issues.append(LessonIssue(number, f"view: `{value}` is not one of {', '.join(VIEWS)}"))
            else:
                setup.view = value
        elif key == "train":
            setup.train = read_train(number, value, issues)
        else:
            issues.append(LessonIssue(number, f"setup has no `{key}` (values, at, mode, view, train)"))
    if setup.train is not None and setup.view is None:
        setup.view = "train"
    if setup.view == "train" and setup.train is None:
        issues.append(LessonIssue(start, "a step in the Train view gives its `train:` settings"))
    return setup


def read_train(number: int, text: str, issues: list[LessonIssue]) -> dict[str, object]:
    """``preset=micrograd dataset=moons hidden=16`` → the settings, each checked against the API's bounds.

    The word ``recommended`` takes the dataset's recommended settings (GET /api/datasets' own, from
    engine.presets); a key given as well wins."""
    settings: dict[str, object] = {}
    recommended = False
    for part in text.split():
        if part == "recommended":
            recommended = True
            continue
        key, equals, raw = part.partition("=")
        kind = TRAIN_FIELDS.get(key)
        if not equals or kind is None:
            issues.append(
                LessonIssue(number, f"train: `{part}` is not one of {', '.join(TRAIN_FIELDS)} as key=value")
            )
            continue
        if kind is str:
            allowed = {"preset": PRESETS, "dataset": DATASETS, "activation": ACTIVATIONS}[key]
            if raw not in allowed:
                issues.append(
                    LessonIssue(number, f"train: {key} `{raw}` is not one of {', '.join(sorted(allowed))}")
                )
                continue
            settings[key] = raw
            continue
        value = read_number(raw)
        low, high = TRAIN_BOUNDS.get(key, (0, MAX_LEARNING_RATE))
        whole = kind is int and value is not None and value.is_integer()
        if (
            value is None
            or (kind is int and not whole)
            or not low <= value <= high
            or (key == "learning_rate" and value == 0)
        ):
            issues.append(
                LessonIssue(number, f"train: {key} `{raw}` is not a {kind.__name__} from {low} to {high}")
            )
            continue
        settings[key] = int(value) if kind is int else value
    if recommended:
        if "dataset" not in settings:
            issues.append(LessonIssue(number, "train: recommended names its dataset (`dataset=xor`)"))
        else:
            settings = {**vars(RECOMMENDED[settings["dataset"]]), **settings}
    return settings


CHECKPOINT_KEYS = ("ask", "task", "question", "solution", "explain")


def read_checkpoint(start: int, lines: list[tuple[int, str]], issues: list[LessonIssue]) -> Checkpoint | None:
    pairs = read_pairs(lines, issues, "checkpoint")
    for key, (number, _) in pairs.items():
        if key not in CHECKPOINT_KEYS:
            issues.append(LessonIssue(number, f"checkpoint has no `{key}` ({', '.join(CHECKPOINT_KEYS)})"))
    question = pairs.get("question", (start, ""))[1]
    if not question:
        issues.append(LessonIssue(start, "a checkpoint asks a `question:`"))
    explain = pairs["explain"][1] if "explain" in pairs else None
    if ("ask" in pairs) == ("task" in pairs):
        issues.append(
            LessonIssue(start, "a checkpoint has one `ask:` (value, gradient, larger) or one `task:`")
        )
        return None
    if "ask" in pairs:
        number, value = pairs["ask"]
        kind, *names = value.split()
        bad = [n for n in names if not NAME.match(n)]
        if kind in ("value", "gradient") and len(names) == 1 and not bad:
            return Checkpoint(kind, question, names, explain=explain, line=number)
        if kind == "larger" and len(names) >= 2 and not bad and len(set(names)) == len(names):
            return Checkpoint(kind, question, names, explain=explain, line=number)
        issues.append(
            LessonIssue(number, f"ask: `{value}` is not `value NAME`, `gradient NAME` or `larger NAME NAME…`")
        )
        return None
    number, value = pairs["task"]
    found = re.fullmatch(r"(value|gradient)\s+([A-Za-z_][A-Za-z_0-9]*)\s*=\s*(\S+)", value)
    target = read_number(found.group(3)) if found else None
    if target is None:
        issues.append(
            LessonIssue(number, f"task: `{value}` is not `gradient NAME = NUMBER` or `value NAME = NUMBER`")
        )
        return None
    if "solution" not in pairs:
        issues.append(LessonIssue(number, "a task gives its `solution:` (the one value to change, `b = 0`)"))
        return None
    solution_line, solution_text = pairs["solution"]
    solution = read_assignments(solution_line, solution_text, issues, "solution")
    if len(solution) != 1:
        issues.append(LessonIssue(solution_line, "a task's solution changes exactly one value (`b = 0`)"))
        return None
    kind = "task-" + found.group(1)
    return Checkpoint(
        kind, question, [found.group(2)], target=target, solution=solution, explain=explain, line=number
    )
