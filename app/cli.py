"""The ``backprop-explorer`` command.

    backprop-explorer serve [--host H] [--port P] [--workers N]    serve the page and the API
    backprop-explorer grad 'a = 2; b = -3; L = a*b' [-v a=4] [--check] [--json]
    backprop-explorer open program.txt [--url http://127.0.0.1:8000] [--no-browser]
    backprop-explorer healthcheck                                   exit 0 when /healthz answers ok

``grad`` gives the answer ``POST /api/graph`` gives: a table of the output and every variable's gradient,
or with ``--json`` the API's JSON itself. A program error prints the API's message after its code and
exits 2, as does a malformed command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

EXIT_UNHEALTHY = 1
EXIT_USAGE = 2


def _name_value(text: str) -> tuple[str, float]:
    """``-v name=value`` → (name, value); argparse turns the ValueError into a usage error (exit 2)."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected name=value, got {text!r}")
    try:
        return name, float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name}: {value.strip()!r} is not a number") from None


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _port(text: str) -> int:
    number = int(text)
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {number}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backprop-explorer",
        description="Reverse-mode automatic differentiation, step by step: serve the explorer or "
        "differentiate a program in the terminal.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve the page and the API (app.main:app) with uvicorn",
        description="Serve the page and the API. Defaults come from the HOST, PORT and WORKERS "
        "environment variables, else 127.0.0.1, 8000 and 1.",
    )
    serve.add_argument("--host", help="address to listen on (default: $HOST or 127.0.0.1)")
    serve.add_argument("--port", type=_port, help="port to listen on (default: $PORT or 8000)")
    serve.add_argument("--workers", type=_positive, help="worker processes (default: $WORKERS or 1)")
    serve.set_defaults(run=run_serve, parser=serve)

    grad = commands.add_parser(
        "grad",
        help="print a program's output value and every variable's gradient",
        description="Evaluate a program of the expression language and backpropagate from its last "
        "statement. Statements are separated by ';' or newlines; '-' reads the program from stdin.",
    )
    grad.add_argument("expression", metavar="EXPR", help="the program, e.g. 'x = 2; y = x*x + 1'")
    grad.add_argument(
        "-v",
        "--value",
        dest="values",
        action="append",
        type=_name_value,
        default=[],
        metavar="NAME=VALUE",
        help="a variable's value (repeatable): sets a free variable or overrides a declared one",
    )
    grad.add_argument("--check", action="store_true", help="compare with central differences, per variable")
    grad.add_argument("--json", action="store_true", help="print the API's JSON answer instead of a table")
    grad.set_defaults(run=run_grad, parser=grad)

    open_ = commands.add_parser(
        "open",
        help="open the explorer on a program file",
        description="Check a program file of the expression language and open the explorer on it: the "
        "page's state lives in its URL, which is printed too. Free variables start at 1.0 there. "
        "'-' reads the program from stdin. From Python, engine.explore(scalar) does the same for a graph.",
    )
    open_.add_argument("file", metavar="FILE", help="the program, one statement per line")
    open_.add_argument("--url", help="the explorer's address (default: http://127.0.0.1:$PORT)")
    open_.add_argument("--no-browser", action="store_true", help="only print the URL")
    open_.set_defaults(run=run_open, parser=open_)

    health = commands.add_parser(
        "healthcheck",
        help="exit 0 if the local server's /healthz answers ok (for container health checks)",
        description="GET http://127.0.0.1:$PORT/healthz; exit 0 on {'status': 'ok'}, else 1.",
    )
    health.add_argument("--url", help="the URL to check (default: http://127.0.0.1:$PORT/healthz)")
    health.add_argument("--timeout", type=float, default=3.0, help="seconds (default: 3)")
    health.set_defaults(run=run_healthcheck, parser=health)
    return parser


def _settings(parser: argparse.ArgumentParser):
    from pydantic import ValidationError

    from app.settings import get_settings

    try:
        return get_settings()
    except ValidationError as exc:
        parser.error(f"invalid settings in the environment: {exc}")


def run_serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import uvicorn

    settings = _settings(parser)
    uvicorn.run(
        "app.main:app",
        host=args.host if args.host is not None else settings.host,
        port=args.port if args.port is not None else settings.port,
        workers=args.workers if args.workers is not None else settings.workers,
    )
    return 0


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.10g}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Names left-aligned, numbers right-aligned, two spaces between columns."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        numbers = [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        cells = [row[0].ljust(widths[0]), *numbers]
        lines.append("  ".join(cells).rstrip())
    return lines


def format_result(result) -> str:
    """The terminal view of a GraphResult: ``L = -8`` then one row per variable."""
    output = result.output
    name = output.label or "output"
    lines = [f"{name} = {_number(output.value)}"]
    if result.variables:
        header = ["variable", "value", "gradient"]
        if result.check is not None:
            header += ["numeric", "check"]
        rows = []
        for variable, node in result.variables.items():
            row = [variable, _number(node.value), _number(result.gradients[variable])]
            if result.check is not None:
                check = result.check[variable]
                row += [_number(check.numeric), "ok" if check.ok else "MISMATCH"]
            rows.append(row)
        lines += ["", *_table(header, rows)]
    return "\n".join(lines)


def run_grad(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from app.serialize import graph_payload, payload_json
    from engine.language import ProgramError, evaluate

    values: dict[str, float] = {}
    for name, value in args.values:
        if name in values:
            parser.error(f"-v {name}=... given twice")
        values[name] = value
    source = sys.stdin.read() if args.expression == "-" else args.expression
    try:
        result = evaluate(source, values, args.check)
    except ProgramError as exc:
        if args.json:
            print(json.dumps({"detail": exc.as_dict()}))
        print(f"{exc.code}: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        # The same bytes POST /api/graph sends.
        sys.stdout.write(payload_json(graph_payload(result)).decode() + "\n")
    else:
        print(format_result(result))
    return 0


def run_open(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import webbrowser

    from engine.language import ProgramError, evaluate, explorer_url

    try:
        with open(0 if args.file == "-" else args.file, encoding="utf-8") as file:
            source = file.read()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        evaluate(source, default_value=1.0)  # the page's own request: refuse what it would refuse
    except ProgramError as exc:
        print(f"{exc.code}: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    url = explorer_url(source, args.url or f"http://127.0.0.1:{_settings(parser).port}")
    print(url)
    if not args.no_browser:
        webbrowser.open(url)
    return 0


def run_healthcheck(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import urllib.request

    url = args.url or f"http://127.0.0.1:{_settings(parser).port}/healthz"
    # No proxies: a container's HTTP_PROXY must not capture a request to itself.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=args.timeout) as response:
            body = json.load(response)
    except (OSError, ValueError) as exc:
        print(f"unhealthy: {url}: {exc}", file=sys.stderr)
        return EXIT_UNHEALTHY
    if not isinstance(body, dict) or body.get("status") != "ok":
        print(f"unhealthy: {url} answered {body!r}", file=sys.stderr)
        return EXIT_UNHEALTHY
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Each command gets its own subparser, so a usage error shows that command's usage line.
    return args.run(args, args.parser)


if __name__ == "__main__":
    sys.exit(main())
