"""The built-in lessons: every ``content/<track>/<NN-name>.md``, in the order of their file names.

A lesson's id is ``<track>-<file name without .md>``; the files are read and parsed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from .parse import Lesson, parse_lesson

#: The tracks, in the order the page lists them.
LESSON_TRACKS = ("micrograd", "minitorch")


@dataclass(frozen=True)
class BuiltinLesson:
    id: str
    track: str
    markdown: str
    lesson: Lesson


@cache
def builtin_lessons() -> tuple[BuiltinLesson, ...]:
    root = files(__package__).joinpath("content")
    found = []
    for track in LESSON_TRACKS:
        entries = sorted(
            (e for e in root.joinpath(track).iterdir() if e.name.endswith(".md")), key=lambda e: e.name
        )
        for entry in entries:
            text = entry.read_text(encoding="utf-8")
            found.append(BuiltinLesson(f"{track}-{entry.name[:-3]}", track, text, parse_lesson(text)))
    return tuple(found)


def builtin_lesson(lesson_id: str) -> BuiltinLesson | None:
    return next((entry for entry in builtin_lessons() if entry.id == lesson_id), None)
