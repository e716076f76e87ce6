"""Every error from /api/* has the same JSON shape: {"detail": {code, message, line, column, names}}.

The engine's errors carry a code only; the HTTP status of each code is decided here, once.

A body that does not fit the schema keeps FastAPI's list-shaped detail, without echoing the input
(which may hold a NaN that JSON cannot carry, or megabytes of text).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from engine.language import ProgramError

#: The HTTP status of each error code, for every 4xx/5xx the API answers; any other code is 422.
STATUS_BY_CODE = {"too_large": 413, "busy": 503, "internal_error": 500}


def status_of(code: str) -> int:
    return STATUS_BY_CODE.get(code, 422)


def error_detail(code: str, message: str, names: Sequence[str] = (), line: int | None = None,
                 column: int | None = None) -> dict:  # fmt: skip
    """The ``detail`` object of every error answer: ``{code, message, line, column, names}``."""
    return {"code": code, "message": message, "line": line, "column": column, "names": list(names)}


def program_error_detail(error: ProgramError) -> dict:
    return error_detail(error.code, error.message, error.names, error.line, error.column)


class ApiError(HTTPException):
    """An error answer with our detail shape; its status comes from STATUS_BY_CODE."""

    def __init__(self, code: str, message: str, names: Sequence[str] = (),
                 headers: dict[str, str] | None = None) -> None:  # fmt: skip
        super().__init__(status_of(code), error_detail(code, message, names), headers)


class AsciiJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: a name in ``values`` may hold a lone surrogate
    ("\\ud800" is valid JSON), which UTF-8 cannot encode and which would otherwise end in a 500."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def error_response(
    code: str,
    message: str,
    names: Sequence[str] = (),
    line: int | None = None,
    column: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An error answer: ``{"detail": error_detail(...)}``, the code's status from STATUS_BY_CODE."""
    detail = error_detail(code, message, names, line, column)
    return AsciiJSONResponse({"detail": detail}, status_code=status_of(code), headers=headers)


async def program_error_handler(request: Request, exc: ProgramError) -> JSONResponse:
    return error_response(exc.code, exc.message, exc.names, exc.line, exc.column)


async def validation_error_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    detail = [
        {
            "type": str(e.get("type", "")),
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
        }
        for e in exc.errors()
    ]
    return AsciiJSONResponse({"detail": detail}, status_code=422)


#: What FastAPI answers (400) when reading the JSON body fails other than by a JSONDecodeError:
#: bytes that are not UTF-8, JSON nested too deep for the decoder's recursion.
_BODY_PARSE_FAILURE = "There was an error parsing the body"


async def http_error_handler(request: Request, exc: HTTPException):
    """A body FastAPI could not decode is a malformed body like any other: 422, list-shaped."""
    if exc.status_code == 400 and exc.detail == _BODY_PARSE_FAILURE:
        detail = [{"type": "json_invalid", "loc": ["body"], "msg": "the body is not valid JSON (UTF-8)"}]
        return AsciiJSONResponse({"detail": detail}, status_code=422)
    return await http_exception_handler(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProgramError, program_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(HTTPException, http_error_handler)
