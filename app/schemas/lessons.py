"""The lesson routes' models (GET /api/lessons, GET /api/lessons/{id}, POST /api/lessons/parse).

docs/lessons.md says what each field of a step means and how a lesson file writes it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.lessons.parse import MAX_LESSON_CHARS

from .graph import Answer, ValidationIssue


class LessonSummary(Answer):
    id: str = Field(description="`<track>-<file name>`, e.g. `micrograd-01-nudging`.")
    track: str = Field(description="`micrograd` or `minitorch`.")
    title: str
    steps: int = Field(description="How many steps the lesson has.")


class LessonsResponse(Answer):
    """The built-in lessons, track by track, each track in its order."""

    lessons: list[LessonSummary]


class ParseRequest(BaseModel):
    """A lesson's Markdown, as a teacher wrote it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    # No max_length here: an over-long lesson gets the lesson's own 413, not a schema error.
    markdown: str = Field(description=f"The lesson file's text (at most {MAX_LESSON_CHARS:,} characters).")


class TrainSettings(Answer):
    """The Train view's settings a step gives; the rest are the preset's own."""

    preset: str | None = None
    dataset: str | None = None
    activation: str | None = None
    points: int | None = None
    hidden: int | None = None
    epochs: int | None = None
    seed: int | None = None
    learning_rate: float | None = None


class LessonCheckpoint(Answer):
    """A question whose answer the page reads from the API's graph of the step's program."""

    kind: Literal["value", "gradient", "larger", "task-value", "task-gradient"] = Field(
        description="value/gradient: a number; larger: which of `names` gets the larger |gradient|; "
        "task-…: change one value until the named value or gradient is `target`."
    )
    question: str
    names: list[str]
    target: float | None = Field(None, description="A task's wanted number.")
    tolerance: float | None = Field(None, description="A task is done within this of `target`.")
    solution: dict[str, float] | None = Field(None, description="A task's one value to change, that does it.")
    explain: str | None = Field(None, description="Shown once the checkpoint is answered or skipped.")


class LessonStep(Answer):
    title: str
    html: str = Field(description="The step's prose as sanitised HTML (no raw HTML, scripts or handlers).")
    line: int = Field(description="The line of its `## ` heading in the Markdown file.")
    program: str | None = Field(description="The program to open in the explorer; null: the explorer stays.")
    values: dict[str, float] = Field(description="Values for the program's variables.")
    at: int | None = Field(description="The timeline index to stand at (0: before the forward pass); null: "
                           "where a run stands, the end of the forward pass.")  # fmt: skip
    mode: Literal["predict", "bug", "nudge"] | None
    nudge: str | None = Field(description="In nudge mode, the variable to nudge.")
    view: Literal["explorer", "train"] = Field(description="Which view the step is shown beside.")
    train: TrainSettings | None
    checkpoint: LessonCheckpoint | None


class LessonResponse(Answer):
    """A lesson, parsed: its title, its introduction and its steps."""

    id: str | None = Field(None, description="The built-in lesson's id; null for a parsed one.")
    track: str | None = None
    title: str
    intro: str = Field(description="Sanitised HTML of what stands before the first step.")
    steps: list[LessonStep]


class LessonIssueModel(Answer):
    line: int = Field(description="1-based, in the Markdown file.")
    message: str


class LessonErrorDetail(Answer):
    code: Literal["invalid_lesson", "too_large", "not_found"]
    message: str
    line: int | None = Field(None, description="The first error's line.")
    errors: list[LessonIssueModel] = Field(default_factory=list, description="Every mistake, by line.")


class LessonErrorResponse(Answer):
    detail: LessonErrorDetail


class LessonUnprocessable(Answer):
    """422: a lesson with mistakes (``detail`` an object) or a malformed body (``detail`` a list)."""

    detail: LessonErrorDetail | list[ValidationIssue]
