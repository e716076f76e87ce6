"""/api/train under a real uvicorn with room for one training: a hang-up frees the slot, the next gets 503."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.conftest import uvicorn_server

# A training that computes for minutes: 2,000 epochs of the full micrograd model on 200 points.
HEAVY = {"preset": "micrograd", "points": 200, "hidden": 16, "epochs": 2000}
LIGHT = {"preset": "minitorch", "points": 10, "epochs": 3}


@pytest.fixture(scope="module")
def one_slot_server():
    with uvicorn_server({"MAX_TRAININGS": "1", "TRAINING_RETRY_AFTER": "3"}) as url:
        yield url


def test_a_hang_up_frees_the_only_slot_and_meanwhile_others_get_503(one_slot_server):
    url = one_slot_server
    with httpx.Client(base_url=url, timeout=30) as client:
        with client.stream("POST", "/api/train", json=HEAVY) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"] == "application/x-ndjson"
            lines = stream.iter_lines()
            assert json.loads(next(lines))["type"] == "start"
            assert json.loads(next(lines))["type"] == "frame"
            # Training computes on its own thread: the event loop still answers.
            assert client.get("/healthz").json() == {"status": "ok"}
            refused = client.post("/api/train", json=LIGHT)
            assert refused.status_code == 503
            assert refused.headers["retry-after"] == "3"
            assert refused.json()["detail"]["code"] == "busy"
        # The stream is closed long before its 2,000 epochs: the slot must come back within a few epochs.
        deadline = time.monotonic() + 15
        while True:
            answer = client.post("/api/train", json=LIGHT)
            if answer.status_code == 200:
                break
            assert answer.status_code == 503
            assert time.monotonic() < deadline, "the hung-up training kept its slot"
            time.sleep(0.1)
        assert json.loads(answer.text.splitlines()[-1])["final"] is True
