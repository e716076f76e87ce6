"""Shared fixtures: an in-process client of the real ASGI app."""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.fixture(scope="session")
def api():
    from app.main import app

    with TestClient(app) as client:
        yield client
