"""The JSON API: /api/graph, /api/graph/dot, /api/ops, /api/examples."""

from __future__ import annotations

import inspect

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.background import BackgroundTask

from app.errors import AsciiJSONResponse, program_error_detail, status_of
from app.examples import EXAMPLES
from app.schemas import (
    ColumnsResponse,
    DerivedOp,
    DotResponse,
    ErrorResponse,
    ExamplesResponse,
    GraphRequest,
    GraphResponse,
    Op,
    OpsResponse,
    UnprocessableResponse,
)
from app.serialize import graph_answer, graph_dot, partial_payload
from engine import BUILTINS, DERIVED
from engine.language import ProgramMathError, evaluate

router = APIRouter(prefix="/api", tags=["graph"])

ERRORS = {
    413: {"model": ErrorResponse, "description": "too_large: the program or the body is over a limit"},
    422: {
        "model": UnprocessableResponse,
        "description": "parse_error, reserved_name, duplicate_variable, unbound_variable, unknown_variable "
        "or math_error "
        "(a malformed body gets FastAPI's list-shaped detail instead)",
    },
}


@router.post("/graph", response_model=GraphResponse | ColumnsResponse, responses=ERRORS)
def create_graph(request: GraphRequest) -> Response:
    """Evaluate a program: values, every node's gradient, and the backward pass step by step."""
    try:
        body, made_from = graph_answer(request.expression, request.values, request.check,
                                       request.default_value, request.format)  # fmt: skip
    except ProgramMathError as error:
        if not (request.partial and error.partial is not None):
            raise
        answer = {"detail": program_error_detail(error), "partial": partial_payload(error.partial)}
        return AsciiJSONResponse(answer, status_code=status_of(error.code))
    # The graph is freed once the answer is sent, in the thread pool (a sync task runs there).
    return Response(body, media_type="application/json", background=BackgroundTask(made_from.clear))


@router.post("/graph/dot", response_model=DotResponse, responses=ERRORS)
def create_graph_dot(request: GraphRequest) -> DotResponse:
    """The same graph as Graphviz DOT, in micrograd's `data | grad` record look."""
    return DotResponse(
        dot=graph_dot(evaluate(request.expression, request.values, False, request.default_value))
    )


@router.get("/ops", response_model=OpsResponse)
def list_ops() -> OpsResponse:
    """Every built-in function and operator with its derivative rules and its backward step as code."""
    ops = [
        Op(name=op.name, symbol=op.symbol, formula=op.formula, rules=list(op.rules), arity=op.arity,
           description=inspect.getdoc(op) or "", display=op.display, call=op.call, domain=op.domain.text,
           micrograd=list(op.code.micrograd), micrograd_native=op.code.micrograd_native,
           minitorch=op.code.minitorch, minitorch_native=op.code.minitorch_native, code_note=op.code.note)
        for op in BUILTINS
    ]  # fmt: skip
    derived = [DerivedOp(name=d.name, symbol=d.symbol, formula=d.formula, uses=list(d.uses)) for d in DERIVED]
    return OpsResponse(ops=ops, derived=derived)


@router.get("/examples", response_model=ExamplesResponse)
def list_examples() -> ExamplesResponse:
    """Example programs for the page's menu."""
    return ExamplesResponse(examples=EXAMPLES)
