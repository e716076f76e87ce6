"""The `backprop-explorer` command: the same answers as the API, in a terminal."""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from app import cli

ROOT = Path(__file__).resolve().parents[2]
LECTURE_TABLE = """\
L = -8

variable  value  gradient
a             2         6
b            -3        -4
c            10        -2
f            -2         4
"""


def run(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command as a user runs it: a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def values_args(values: dict[str, float]) -> list[str]:
    return [arg for name, value in values.items() for arg in ("-v", f"{name}={value!r}")]


def test_grad_prints_the_lecture_table(lecture):
    result = run("grad", lecture.one_line)
    assert result.returncode == 0, result.stderr
    assert result.stdout == LECTURE_TABLE
    assert result.stderr == ""


def test_grad_in_process(capsys, lecture):
    assert cli.main(["grad", lecture.source]) == 0
    assert capsys.readouterr().out == LECTURE_TABLE


def test_values_set_free_variables_and_override_declared_ones(capsys):
    assert cli.main(["grad", "a = 2; y = a*x", "-v", "x=5", "--value", "a=-1.5"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "y = -7.5"
    assert out.splitlines()[3].split() == ["a", "-1.5", "5"]
    assert out.splitlines()[4].split() == ["x", "5", "-1.5"]


def test_unnamed_output_and_no_variables(capsys):
    assert cli.main(["grad", "2 * 3"]) == 0
    assert capsys.readouterr().out == "output = 6\n"


def test_check_adds_the_numeric_gradient(capsys):
    assert cli.main(["grad", "x = 0.5; y = sin(2*x)", "--check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].split() == ["variable", "value", "gradient", "numeric", "check"]
    name, value, analytic, numeric, verdict = lines[3].split()
    assert (name, value, verdict) == ("x", "0.5", "ok")
    assert float(numeric) == pytest.approx(float(analytic), rel=1e-6)


def test_program_from_stdin():
    result = run("grad", "-", stdin="x = 3\n# a comment\ny = x*x\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "y = 9"
    assert result.stdout.splitlines()[3].split() == ["x", "3", "6"]


@pytest.mark.parametrize(
    ("expression", "values", "check"),
    [
        ("lecture", {}, False),
        ("o = tanh(x1*w1 + x2*w2 + b)", {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.88}, False),
        ("x = 3; b = x + x; c = b*b", {}, True),
    ],
)
def test_json_is_the_api_answer_byte_for_byte(client, lecture, expression, values, check):
    expression = lecture.source if expression == "lecture" else expression
    response = client.post("/api/graph", json={"expression": expression, "values": values, "check": check})
    assert response.status_code == 200
    result = run("grad", expression, *values_args(values), *(["--check"] if check else []), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == response.json()
    assert result.stdout.rstrip("\n").encode() == response.content


@pytest.mark.parametrize(
    ("expression", "values", "code"),
    [
        ("a = 2\nb = a *", {}, "parse_error"),
        ("x * y", {"x": 1.0}, "unbound_variable"),
        ("x = 1; x + 1", {"q": 2.0}, "unknown_variable"),
        ("log = 1", {}, "reserved_name"),
        ("x = 0; log(x)", {}, "math_error"),
        ("x = 2; y = x", {"x": float("nan")}, "invalid_request"),
    ],
)
def test_errors_exit_2_with_the_api_message(client, expression, values, code):
    result = run("grad", expression, *values_args(values))
    assert result.returncode == 2
    assert result.stdout == ""
    if code == "invalid_request":  # JSON cannot carry NaN, so the API cannot be asked this one
        assert result.stderr == "invalid_request: the value of 'x' must be a finite number\n"
        return
    response = client.post("/api/graph", json={"expression": expression, "values": values})
    detail = response.json()["detail"]
    assert detail["code"] == code
    assert result.stderr == f"{code}: {detail['message']}\n"


def test_json_errors_print_the_api_error_body(client, capsys):
    expression = "x = 1\ny = x +* 2"
    response = client.post("/api/graph", json={"expression": expression})
    assert cli.main(["grad", expression, "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out) == response.json()
    assert captured.err == f"parse_error: {response.json()['detail']['message']}\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["grad", "x", "-v", "x"], "expected name=value, got 'x'"),
        (["grad", "x", "-v", "=3"], "expected name=value, got '=3'"),
        (["grad", "x", "-v", "x=abc"], "x: 'abc' is not a number"),
        (["grad", "x", "-v", "x=1", "-v", "x=2"], "-v x=... given twice"),
        (["grad"], "the following arguments are required: EXPR"),
        (["serve", "--workers", "0"], "must be at least 1"),
        (["serve", "--port", "70000"], "not a port number"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_command_lines_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: backprop-explorer")
    assert message in err


def test_serve_help():
    result = run("serve", "--help")
    assert result.returncode == 0
    for option in ("--host", "--port", "--workers", "HOST", "PORT", "WORKERS"):
        assert option in result.stdout


def test_console_script_is_installed(lecture):
    script = Path(sys.executable).with_name("backprop-explorer")
    if not script.exists():
        pytest.skip("the project is not installed in this environment (pip install -e .)")
    result = subprocess.run([script, "grad", lecture.one_line], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, LECTURE_TABLE)


@pytest.fixture
def uvicorn_calls(monkeypatch):
    """Record what `serve` hands to uvicorn instead of serving."""
    import uvicorn

    from app.settings import get_settings

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append((app, kwargs)))
    for name in ("HOST", "PORT", "WORKERS"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield calls
    get_settings.cache_clear()


def test_serve_defaults_come_from_settings(uvicorn_calls, monkeypatch):
    assert cli.main(["serve"]) == 0
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9001")
    monkeypatch.setenv("WORKERS", "3")
    from app.settings import get_settings

    get_settings.cache_clear()
    assert cli.main(["serve"]) == 0
    assert cli.main(["serve", "--host", "::1", "--port", "8123", "--workers", "2"]) == 0
    assert uvicorn_calls == [
        ("app.main:app", {"host": "127.0.0.1", "port": 8000, "workers": 1}),
        ("app.main:app", {"host": "0.0.0.0", "port": 9001, "workers": 3}),
        ("app.main:app", {"host": "::1", "port": 8123, "workers": 2}),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_serves_and_healthcheck_sees_it(lecture):
    port = free_port()
    env = {**os.environ, "PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while run("healthcheck", env={"PORT": str(port)}).returncode != 0:
            assert server.poll() is None, "serve exited"
            assert time.monotonic() < deadline, "serve did not answer /healthz within 30 s"
            time.sleep(0.2)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/graph",
            data=json.dumps({"expression": lecture.source}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with opener.open(request, timeout=10) as response:
            assert json.load(response)["gradients"] == lecture.gradients
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_healthcheck_fails_when_nothing_answers(capsys):
    url = f"http://127.0.0.1:{free_port()}/healthz"
    assert cli.main(["healthcheck", "--url", url, "--timeout", "2"]) == 1
    assert capsys.readouterr().err.startswith(f"unhealthy: {url}: ")


def test_healthcheck_fails_on_a_wrong_answer(capsys):
    class NotOk(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"status": "starting"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with http.server.HTTPServer(("127.0.0.1", 0), NotOk) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/healthz"
            assert cli.main(["healthcheck", "--url", url]) == 1
        finally:
            server.shutdown()
    assert "answered {'status': 'starting'}" in capsys.readouterr().err


def test_open_prints_the_explorer_url_of_a_program_file(tmp_path):
    from urllib.parse import parse_qs, urlsplit

    program = tmp_path / "neuron.txt"
    program.write_text("x1 = 2\nw1 = -3\nn = x1*w1 + b\no = tanh(n)\n")
    result = run("open", str(program), "--no-browser", "--url", "http://127.0.0.1:9999")
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    parts = urlsplit(url)
    assert parts.netloc == "127.0.0.1:9999"
    assert parse_qs(parts.fragment)["e"] == [program.read_text()]


def test_open_refuses_a_broken_program_or_a_missing_file(tmp_path):
    result = run("open", "-", "--no-browser", stdin="x = 2\ny = x *\n")
    assert result.returncode == 2
    assert result.stderr.startswith("parse_error: line 2, column 8")
    result = run("open", str(tmp_path / "nothing.txt"), "--no-browser")
    assert result.returncode == 2 and "cannot read" in result.stderr


def test_open_opens_the_browser_unless_told_not_to(monkeypatch, tmp_path, capsys):
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    program = tmp_path / "p.txt"
    program.write_text("a = 2; a*a")
    assert cli.main(["open", str(program)]) == 0
    assert opened == [capsys.readouterr().out.strip()]
    assert cli.main(["open", str(program), "--no-browser"]) == 0
    assert len(opened) == 1
