"""A lesson's Markdown → its parsed form: the title, each step's prose as sanitised HTML, its program,
its set-up and its checkpoint, or every mistake with its line in the file.

The Markdown is read by markdown-it-py (raw HTML off: it comes out as text), and its HTML goes
through nh3 (Ammonia) as well, so no tag, attribute or URL scheme outside a short list survives
whatever the Markdown library lets through. Every program is evaluated by the engine's language,
and every checkpoint is answered from the graph the API would give, so a lesson that parses is one
whose questions have answers. The syntax: docs/lessons.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt

from engine.language import ProgramError, evaluate

from .blocks import Checkpoint, LessonIssue, Setup, read_checkpoint, read_setup

#: A long lesson is a few thousand characters; parsing 50,000 takes about a second on a busy machine.
MAX_LESSON_CHARS = 50_000
MAX_STEPS = 60
MAX_PROGRAM_CHARS = 4_000

#: The prose may hold these tags and nothing else (no images: the page loads nothing from elsewhere).
ALLOWED_TAGS = {
    "p", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "blockquote", "h3", "h4", "h5", "h6",
    "br", "hr", "table", "thead", "tbody", "tr", "th", "td", "s", "sub", "sup",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
URL_SCHEMES = {"http", "https", "mailto"}
#: Fenced blocks the lesson reads as data; any other fence is shown as code.
DATA_FENCES = ("program", "setup", "checkpoint")

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


class LessonTooLarge(ValueError):
    """A lesson over a size limit: the API answers 413."""


class LessonInvalid(ValueError):
    """A lesson with mistakes: the API answers 422 with every one of them."""

    def __init__(self, issues: list[LessonIssue]):
        self.issues = sorted(issues, key=lambda issue: issue.line)
        super().__init__("; ".join(f"line {i.line}: {i.message}" for i in self.issues))


@dataclass
class Step:
    title: str
    html: str
    line: int
    program: str | None = None
    program_line: int | None = None
    setup: Setup = field(default_factory=Setup)
    checkpoint: Checkpoint | None = None
    at_index: int | None = None  # the timeline index the step stands at, worked out from its graph


@dataclass
class Lesson:
    title: str
    intro: str
    steps: list[Step]


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(inline) -> str:
    """A heading's words without their Markdown (`+=` → +=): titles are shown as text."""
    parts = [child.content for child in inline.children or () if child.type in ("text", "code_inline")]
    return "".join(parts).strip()


def render(tokens) -> str:
    return sanitise(_markdown.renderer.render(tokens, _markdown.options, {}))


def parse_lesson(text: str) -> Lesson:
    """Parse and check a lesson; raises `LessonTooLarge` or `LessonInvalid`."""
    if len(text) > MAX_LESSON_CHARS:
        raise LessonTooLarge(
            f"the lesson has {len(text):,} characters; at most {MAX_LESSON_CHARS:,} are taken"
        )
    issues: list[LessonIssue] = []
    # Lines as the Markdown reader counts them (it reads \r\n and \r as \n, and nothing else).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    title, intro_tokens, raw_steps = _split(_markdown.parse(text), issues)
    if len(raw_steps) > MAX_STEPS:
        raise LessonTooLarge(f"the lesson has {len(raw_steps)} steps; at most {MAX_STEPS} are taken")
    steps = [_read_step(heading, tokens, lines, issues) for heading, tokens in raw_steps]
    if title is None:
        issues.append(LessonIssue(1, "a lesson starts with its title, a `# ` heading"))
    if not steps:
        last_line = max(1, len(lines) - text.endswith("\n"))
        issues.append(LessonIssue(last_line, "a lesson has at least one step, a `## ` heading"))
    for step in steps:
        _check_step(step, issues)
    if issues:
        raise LessonInvalid(issues)
    return Lesson(title=title or "", intro=render(intro_tokens), steps=steps)


def _split(tokens, issues):
    """The title, the tokens before the first step, and each step's (heading token, inline, body tokens)."""
    title = None
    intro: list = []
    steps: list[tuple[tuple[int, str], list]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open" and token.tag in ("h1", "h2"):
            line = token.map[0] + 1 if token.map else 1
            words = plain_text(tokens[index + 1])
            index += 3  # heading_open, inline, heading_close
            if token.tag == "h1":
                if title is not None or steps:
                    issues.append(LessonIssue(line, "a lesson has one `# ` title, at its start"))
                elif not words:
                    issues.append(LessonIssue(line, "the `# ` title is empty"))
                title = words
            else:
                if not words:
                    issues.append(LessonIssue(line, "a step's `## ` heading is empty"))
                steps.append(((line, words), []))
            continue
        (steps[-1][1] if steps else intro).append(token)
        index += 1
    for token in intro:
        if token.type == "fence" and token.info.strip().split(" ")[0] in DATA_FENCES:
            issues.append(LessonIssue(token.map[0] + 1, f"a `{token.info.strip()}` block belongs in a step"))
    return title, [t for t in intro if t.type != "fence" or t.info.strip() not in DATA_FENCES], steps


def _read_step(heading, tokens, lines, issues) -> Step:
    line, title = heading
    prose = []
    step = Step(title=title, html="", line=line)
    seen: dict[str, int] = {}
    for token in tokens:
        kind = token.info.strip() if token.type == "fence" else None
        if kind not in DATA_FENCES:
            prose.append(token)
            continue
        start = token.map[0] + 1  # the fence's own line, 1-based
        if kind in seen:
            issues.append(
                LessonIssue(start, f"a step has one `{kind}` block (another is on line {seen[kind]})")
            )
            continue
        seen[kind] = start
        if token.map[1] > len(lines) or not lines[token.map[1] - 1].lstrip().startswith(token.markup):
            issues.append(LessonIssue(start, f"the `{kind}` block is not closed"))
        body = [(start + 1 + i, text) for i, text in enumerate(token.content.splitlines())]
        if kind == "program":
            step.program, step.program_line = token.content, start
        elif kind == "setup":
            step.setup = read_setup(start, body, issues)
        else:
            step.checkpoint = read_checkpoint(start, body, issues)
    step.html = render(prose)
    return step


def _check_step(step: Step, issues: list[LessonIssue]) -> None:
    """Evaluate the step's program with its values; its checkpoint must have an answer there."""
    setup, checkpoint = step.setup, step.checkpoint
    if step.program is None:
        if setup.values or setup.at or setup.mode or checkpoint is not None:
            line = setup.line or (checkpoint.line if checkpoint else step.line)
            issues.append(
                LessonIssue(line, "values, at, mode and checkpoints need the step's `program` block")
            )
        return
    if len(step.program) > MAX_PROGRAM_CHARS:
        issues.append(
            LessonIssue(step.program_line, f"a lesson's program has at most {MAX_PROGRAM_CHARS:,} characters")
        )
        return
    if setup.view == "train":
        issues.append(
            LessonIssue(setup.line, "a step in the Train view has no program (put it in its own step)")
        )
    if setup.mode == "predict" and checkpoint is not None and checkpoint.kind in ("value", "gradient"):
        issues.append(
            LessonIssue(setup.line, "predict mode and a numeric checkpoint both ask for a number: use one")
        )
    try:
        graph = evaluate(step.program, setup.values)
    except ProgramError as error:
        issues.append(_program_issue(step, error))
        return
    found = _names(graph)
    if setup.mode == "nudge" and setup.nudge not in graph.variables_at:
        issues.append(
            LessonIssue(setup.line, f"mode: nudge `{setup.nudge}` is not a variable of the program")
        )
    step.at_index = _timeline_index(setup.at, graph, setup.line, issues)
    if checkpoint is not None:
        _check_checkpoint(step, checkpoint, graph, found, issues)


def _program_issue(step: Step, error: ProgramError) -> LessonIssue:
    """A program's error at its line in the Markdown file; a values error at the setup's line."""
    if error.line is not None:
        return LessonIssue(step.program_line + error.line, f"program: {error.message}")
    names = [n for n in error.names if n in step.setup.value_lines]
    line = step.setup.value_lines[names[0]] if names else step.program_line
    return LessonIssue(line, f"program: {error.message}")


def _names(graph) -> dict[str, int]:
    """Each name in the program → its node (the last node given that name)."""
    found: dict[str, int] = {}
    for index, label in enumerate(graph.labels):
        if label is not None:
            found[label] = index
    return found


def _timeline_index(at: str | None, graph, line: int, issues: list[LessonIssue]) -> int | None:
    """The page's timeline index (0: before the forward pass; nodes, then backward steps)."""
    forward, backward = graph.count, len(graph.backward.step_nodes)
    if at is None:
        return None
    if at == "start":
        return 0
    if at == "forward":
        return forward
    if at == "end":
        return forward + backward
    index = int(at.split()[-1]) + (forward if at.startswith("backward") else 0)
    if index > forward + backward:
        issues.append(
            LessonIssue(line, f"at: `{at}` is past the end ({forward} forward and {backward} backward steps)")
        )
        return None
    return index


def answer_of(checkpoint: Checkpoint, graph, found: dict[str, int]):
    """The checkpoint's answer on this graph: a number, or a name for `larger`."""
    if checkpoint.kind in ("value", "task-value"):
        return graph.values[found[checkpoint.names[0]]]
    if checkpoint.kind in ("gradient", "task-gradient"):
        return graph.grads[found[checkpoint.names[0]]]
    sizes = [abs(graph.grads[found[name]]) for name in checkpoint.names]
    return checkpoint.names[sizes.index(max(sizes))]


def _check_checkpoint(step: Step, checkpoint: Checkpoint, graph, found, issues) -> None:
    missing = [name for name in checkpoint.names if name not in found]
    if missing:
        issues.append(
            LessonIssue(checkpoint.line, f"checkpoint: the program has no `{'`, `'.join(missing)}`")
        )
        return
    if checkpoint.kind != "value" and any(graph.grads[found[n]] is None for n in checkpoint.names):
        issues.append(LessonIssue(checkpoint.line, "checkpoint: a constant has no gradient to ask about"))
        return
    if checkpoint.kind == "larger":
        sizes = sorted((abs(graph.grads[found[n]]) for n in checkpoint.names), reverse=True)
        if math.isclose(sizes[0], sizes[1], rel_tol=0.02, abs_tol=1e-9):
            issues.append(
                LessonIssue(checkpoint.line, "checkpoint: two of these gradients are (almost) as large")
            )
        return
    if not checkpoint.kind.startswith("task"):
        return
    name, value = next(iter(checkpoint.solution.items()))
    if name not in graph.variables_at:
        issues.append(LessonIssue(checkpoint.line, f"checkpoint: the solution's `{name}` is not a variable"))
        return
    if _meets(checkpoint, graph, found):
        issues.append(LessonIssue(checkpoint.line, "checkpoint: the task is already done before any change"))
    try:
        solved = evaluate(step.program, {**step.setup.values, name: value})
    except ProgramError as error:
        issues.append(LessonIssue(checkpoint.line, f"checkpoint: the solution fails: {error.message}"))
        return
    if not _meets(checkpoint, solved, _names(solved)):
        got = answer_of(checkpoint, solved, _names(solved))
        issues.append(
            LessonIssue(
                checkpoint.line, f"checkpoint: with the solution it is {got:g}, not {checkpoint.target:g}"
            )
        )


#: A task is done when the number is within this of its target (the page judges the same way).
TASK_TOLERANCE = 1e-6


def _meets(checkpoint: Checkpoint, graph, found) -> bool:
    return abs(answer_of(checkpoint, graph, found) - checkpoint.target) <= TASK_TOLERANCE
