"""One version number: pyproject.toml's, which the OpenAPI document shows and nothing else repeats."""

from __future__ import annotations

import json
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_api_shows_the_package_version(client):
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version("backprop-explorer") == declared
    assert client.get("/openapi.json").json()["info"]["version"] == declared


def test_the_front_end_package_declares_no_version_of_its_own():
    assert "version" not in json.loads((ROOT / "package.json").read_text())
