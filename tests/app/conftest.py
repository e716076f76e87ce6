"""Fixtures for the app tests: an in-process client and the shared fuzz generator
(``tests/fuzzgen.py``) on the import path. The real uvicorn, ``live_server``, is in tests/conftest.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))  # for `import fuzzgen`


@pytest.fixture(scope="module")
def client():
    from app.main import app

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
