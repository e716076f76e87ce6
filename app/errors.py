"""Every error from /api/* has the same JSON shape: {"detail": {code, message, line, column, names}}.

A body that does not fit the schema keeps FastAPI's list-shaped detail, without echoing the input
(which may hold a NaN that JSON cannot carry, or megabytes of text).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from engine.language import ProgramError


async def program_error_handler(request: Request, exc: ProgramError) -> JSONResponse:
    return JSONResponse({"detail": exc.as_dict()}, status_code=exc.status)


async def validation_error_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    detail = [
        {
            "type": str(e.get("type", "")),
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
        }
        for e in exc.errors()
    ]
    return JSONResponse({"detail": detail}, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProgramError, program_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
