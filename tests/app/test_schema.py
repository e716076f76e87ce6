"""schemathesis against the app's own /openapi.json, in process: the document must describe every answer.

A bounded, deterministic budget (50 examples per operation and phase, fixed seed). All checks are on;
``positive_data_acceptance`` is told that 413 and 422 are proper answers to a schema-valid body, because
a program that fits the JSON schema can still be wrong (a parse error, an unbound variable, too large).
``max_response_time`` is a guard against a pathological slowdown only, ten seconds: no test asserts
speed (the answers here take milliseconds; under CPU stress one took just over a second).

POST /api/train is left out of the generated cases: a schema-valid body may ask for a training that
streams for minutes (2,000 epochs of 200 points), by design. tests/app/test_train.py checks its
documented shapes instead: every streamed line against the line schema, the 422s and the 503.
"""

from __future__ import annotations

import schemathesis
from schemathesis.config import SchemathesisConfig

from app.main import app

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 6,
        "generation": {"max-examples": 50, "deterministic": True},
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "413", "422"]},
            "max_response_time": 10.0,
        },
    }
)
document = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
schema = document.exclude(path="/api/train", method="POST")


@schema.parametrize()
def test_api_conforms_to_its_openapi_document(case):
    case.call_and_validate()


def test_the_document_lists_every_api_operation():
    operations = {(result.ok().method.upper(), result.ok().path) for result in document.get_all_operations()}
    assert operations == {
        ("POST", "/api/graph"),
        ("POST", "/api/graph/dot"),
        ("GET", "/api/ops"),
        ("GET", "/api/examples"),
        ("POST", "/api/train"),
        ("POST", "/api/train/example"),
        ("POST", "/api/train/gradients"),
        ("GET", "/api/datasets"),
        ("GET", "/healthz"),
        ("GET", "/api/lessons"),
        ("GET", "/api/lessons/{lesson_id}"),
        ("POST", "/api/lessons/parse"),
    }


def test_errors_are_documented_with_both_shapes():
    document = app.openapi()
    for path in ("/api/graph", "/api/graph/dot"):
        responses = document["paths"][path]["post"]["responses"]
        assert {"200", "413", "422"} <= set(responses)
        ref = responses["422"]["content"]["application/json"]["schema"]["$ref"]
        detail = document["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]["detail"]
        assert len(detail["anyOf"]) == 2  # {code, message, line, column, names} or FastAPI's list
