"""The lessons: GET /api/lessons, GET /api/lessons/{id}, POST /api/lessons/parse."""

from __future__ import annotations

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool

from app.errors import AsciiJSONResponse
from app.lessons import LessonInvalid, LessonTooLarge, builtin_lesson, builtin_lessons, parse_lesson
from app.lessons.answer import lesson_answer
from app.lessons.parse import MAX_LESSON_CHARS, MAX_STEPS
from app.schemas.lessons import (
    LessonErrorResponse,
    LessonResponse,
    LessonsResponse,
    LessonSummary,
    LessonUnprocessable,
    ParseRequest,
)

router = APIRouter(prefix="/api/lessons", tags=["lessons"])
# POST /parse is declared before GET /{lesson_id}: a request to /parse with another method is then
# answered with the methods /parse takes.


def refusal(status: int, code: str, message: str, issues=()) -> AsciiJSONResponse:
    errors = [{"line": issue.line, "message": issue.message} for issue in issues]
    line = errors[0]["line"] if errors else None
    detail = {"code": code, "message": message, "line": line, "errors": errors}
    return AsciiJSONResponse({"detail": detail}, status_code=status)


@router.get("", response_model=LessonsResponse)
def list_lessons() -> LessonsResponse:
    """The built-in lessons: id, track, title and number of steps, in the tracks' order."""
    return LessonsResponse(
        lessons=[
            LessonSummary(
                id=entry.id, track=entry.track, title=entry.lesson.title, steps=len(entry.lesson.steps)
            )
            for entry in builtin_lessons()
        ]
    )


@router.post(
    "/parse",
    response_model=LessonResponse,
    responses={
        413: {
            "model": LessonErrorResponse,
            "description": f"too_large: over {MAX_LESSON_CHARS:,} characters or {MAX_STEPS} steps",
        },
        422: {"model": LessonUnprocessable, "description": "invalid_lesson: every mistake with its line"},
    },
)
async def parse_lesson_text(request: ParseRequest):
    """Parse a teacher's lesson: the same form as a built-in one, or every mistake with its line."""
    try:
        # Every program is evaluated: off the event loop, as the graph routes are.
        lesson = await run_in_threadpool(parse_lesson, request.markdown)
    except LessonTooLarge as error:
        return refusal(413, "too_large", str(error))
    except LessonInvalid as error:
        count = len(error.issues)
        return refusal(422, "invalid_lesson", f"{count} mistake{'s' * (count != 1)}: {error}", error.issues)
    return lesson_answer(lesson)


@router.get("/{lesson_id}", response_model=LessonResponse, responses={404: {"model": LessonErrorResponse}})
def get_lesson(
    lesson_id: str = Path(json_schema_extra={"enum": [entry.id for entry in builtin_lessons()]}),
):
    """A built-in lesson, parsed: each step's prose as sanitised HTML, its set-up and checkpoint as data."""
    if lesson_id == "parse":  # POST /parse's path: another method gets what any route answers it
        return AsciiJSONResponse({"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": "POST"})
    entry = builtin_lesson(lesson_id)
    if entry is None:
        return refusal(
            404, "not_found", f"there is no lesson `{lesson_id[:80]}` (GET /api/lessons lists them)"
        )
    return lesson_answer(entry.lesson, entry.id, entry.track)
