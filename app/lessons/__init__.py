"""Lessons: Markdown files that walk a learner through the explorer and the Train view, step by step.

``parse`` reads one (docs/lessons.md has the format), ``library`` finds the built-in ones shipped in
``content/<track>/`` (package data: an installed wheel has them), ``answer`` gives their JSON form.
"""

from .blocks import LessonIssue
from .library import LESSON_TRACKS, builtin_lesson, builtin_lessons
from .parse import MAX_LESSON_CHARS, Lesson, LessonInvalid, LessonTooLarge, parse_lesson

__all__ = [
    "LESSON_TRACKS",
    "MAX_LESSON_CHARS",
    "Lesson",
    "LessonInvalid",
    "LessonIssue",
    "LessonTooLarge",
    "builtin_lesson",
    "builtin_lessons",
    "parse_lesson",
]
