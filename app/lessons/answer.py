"""A parsed lesson as the API answers it (the models are app/schemas/lessons.py's)."""

from __future__ import annotations

from .parse import TASK_TOLERANCE, Lesson, Step


def lesson_answer(lesson: Lesson, lesson_id: str | None = None, track: str | None = None) -> dict:
    return {
        "id": lesson_id,
        "track": track,
        "title": lesson.title,
        "intro": lesson.intro,
        "steps": [step_answer(step) for step in lesson.steps],
    }


def step_answer(step: Step) -> dict:
    setup, checkpoint = step.setup, step.checkpoint
    return {
        "title": step.title,
        "html": step.html,
        "line": step.line,
        "program": step.program,
        "values": dict(setup.values),
        "at": step.at_index,
        "mode": setup.mode,
        "nudge": setup.nudge,
        "view": setup.view or "explorer",
        "train": setup.train,
        "checkpoint": None
        if checkpoint is None
        else {
            "kind": checkpoint.kind,
            "question": checkpoint.question,
            "names": checkpoint.names,
            "target": checkpoint.target,
            "tolerance": TASK_TOLERANCE if checkpoint.target is not None else None,
            "solution": checkpoint.solution,
            "explain": checkpoint.explain,
        },
    }
