"""The JS tests' fixtures are the API's real answers: regenerated in memory, they match the files."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_script():
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "scripts" / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_fixture_is_what_the_api_answers_now():
    script = load_script()
    assert script.stale_fixtures() == [], "stale JS fixtures: run `make fixtures`"


def test_a_changed_missing_or_extra_fixture_is_reported(tmp_path):
    script = load_script()
    for path in script.FIXTURE_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    lecture = tmp_path / "lecture.json"
    lecture.write_text(lecture.read_text(encoding="utf-8").replace("-8.0", "-8.5", 1), encoding="utf-8")
    (tmp_path / "reuse.json").unlink()
    (tmp_path / "leftover.json").write_text("{}\n", encoding="utf-8")
    assert script.stale_fixtures(tmp_path) == ["lecture", "leftover", "reuse"]
