"""The rules every answer of the fuzzed API must follow, and sending one fuzz request, timed.

The inputs come from ``tests/fuzzgen.py``; ``tests/app/test_fuzz.py`` and ``bench/fuzz.py`` send
them with ``send`` and judge each answer with ``check_answer``.
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass

from fuzzgen import ERROR_CODES, Request

# -- what every answer must look like ---------------------------------------------------------------

_ID = re.compile(r"n\d+")


def _finite(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_answer(request: Request, status: int, content_type: str, body: bytes) -> list[str]:
    """Everything wrong with one answer (an empty list when it is fine)."""
    problems: list[str] = []
    if not content_type.startswith("application/json"):
        return [f"content-type {content_type!r}"]
    try:
        data = json.loads(body)
    except ValueError as exc:
        return [f"body is not JSON: {exc}"]
    if status == 200:
        if request.path == "/api/graph/dot":
            if not (isinstance(data, dict) and isinstance(data.get("dot"), str)):
                problems.append("dot answer without a 'dot' string")
            elif not data["dot"].startswith("digraph"):
                problems.append("dot text does not start with 'digraph'")
            return problems
        asked_check = isinstance(request.body, dict) and request.body.get("check") is True
        return check_graph(data, asked_check)
    if status not in (413, 422):
        return [f"status {status}"]
    return check_error(status, data)


def check_error(status: int, data) -> list[str]:
    if not isinstance(data, dict) or set(data) != {"detail"}:
        return ["error body is not {'detail': ...}"]
    detail = data["detail"]
    if isinstance(detail, list):
        if status != 422:
            return [f"list-shaped detail with status {status}"]
        for item in detail:
            if not (isinstance(item, dict) and {"type", "loc", "msg"} <= set(item)):
                return [f"list-shaped detail item {item!r}"]
            if not all(isinstance(p, str) for p in item["loc"]):
                return [f"loc is not a list of strings: {item['loc']!r}"]
        return [] if detail else ["empty list-shaped detail"]
    if not isinstance(detail, dict) or set(detail) != {"code", "message", "line", "column", "names"}:
        return [f"detail has keys {sorted(detail) if isinstance(detail, dict) else type(detail)}"]
    problems = []
    code = detail["code"]
    if ERROR_CODES.get(code) != status:
        problems.append(f"code {code!r} with status {status}")
    if not isinstance(detail["message"], str) or not detail["message"]:
        problems.append("empty message")
    for key in ("line", "column"):
        v = detail[key]
        if v is not None and not (isinstance(v, int) and v >= 1):
            problems.append(f"{key} = {v!r}")
    if not (isinstance(detail["names"], list) and all(isinstance(n, str) for n in detail["names"])):
        problems.append(f"names = {detail['names']!r}")
    if code == "unbound_variable" and not detail["names"]:
        problems.append("unbound_variable without names")
    return problems


def check_graph(data: dict, asked_check: bool) -> list[str]:
    """The REST contract's structural rules for a 200 answer of POST /api/graph."""
    problems: list[str] = []
    expected_keys = {"output", "value", "gradients", "nodes", "forward", "backward", "warnings"}
    if asked_check:
        expected_keys.add("check")
    if set(data) != expected_keys:
        return [f"keys {sorted(data)}, expected {sorted(expected_keys)}"]
    for warning in data["warnings"]:
        if set(warning) != {"code", "message", "line", "column", "names"} or not warning["message"]:
            problems.append(f"warning {warning!r}")
    nodes = {}
    for node in data["nodes"]:
        if not _ID.fullmatch(node["id"]) or node["id"] in nodes:
            problems.append(f"bad or repeated node id {node['id']!r}")
        nodes[node["id"]] = node
        if not _finite(node["value"]):
            problems.append(f"{node['id']}: value {node['value']!r}")
        kind = node["kind"]
        if kind == "constant":
            if node["grad"] is not None or node["inputs"]:
                problems.append(f"{node['id']}: constant with grad or inputs")
        else:
            if not _finite(node["grad"]):
                problems.append(f"{node['id']}: grad {node['grad']!r}")
            if kind == "variable" and (node["inputs"] or node["op"] is not None or not node["label"]):
                problems.append(f"{node['id']}: variable with inputs, op or no label")
            if kind == "variable" and not isinstance(node.get("free"), bool):
                problems.append(f"{node['id']}: variable without a boolean 'free'")
            if kind == "operation" and (not node["inputs"] or not node["op"]):
                problems.append(f"{node['id']}: operation without inputs or op")
    if problems:
        return problems
    forward = data["forward"]
    if sorted(forward) != sorted(nodes) or len(forward) != len(set(forward)):
        return ["forward is not every node once"]
    if forward[-1] != data["output"]:
        problems.append("output is not last in forward")
    position = {node_id: i for i, node_id in enumerate(forward)}
    for node in data["nodes"]:
        for input_id in node["inputs"]:
            if input_id not in position or position[input_id] >= position[node["id"]]:
                problems.append(f"{node['id']}: input {input_id} missing or not before it")
    output = nodes[data["output"]]
    if data["value"] != output["value"]:
        problems.append("value is not the output node's value")
    operations = [n for n in forward if nodes[n]["kind"] == "operation"]
    steps = data["backward"]
    if sorted(s["node"] for s in steps) != sorted(operations):
        return [*problems, "backward is not one step per operation node"]
    if steps and output["kind"] == "operation" and steps[0]["node"] != output["id"]:
        problems.append("backward does not start at the output")
    done = set()
    received = {n: 0.0 for n in nodes}
    if output["kind"] != "constant":
        received[output["id"]] = 1.0
    for step in steps:
        node = nodes[step["node"]]
        for input_id in node["inputs"]:
            if input_id in done:
                problems.append(f"step {node['id']} after its input {input_id}")
        done.add(node["id"])
        if step["grad"] != node["grad"]:
            problems.append(f"step {node['id']}: grad {step['grad']} but the node has {node['grad']}")
        if not math.isclose(received[node["id"]], step["grad"], rel_tol=1e-9, abs_tol=1e-300):
            problems.append(f"step {node['id']}: grad {step['grad']} is not the sum {received[node['id']]}")
        contributions = step["contributions"]
        if [c["input"] for c in contributions] != node["inputs"]:
            problems.append(f"step {node['id']}: contributions do not follow the inputs")
            continue
        for c in contributions:
            if c["local"] is None or c["contribution"] is None:
                if nodes[c["input"]]["kind"] != "constant":
                    problems.append(f"step {node['id']}: null local for a non-constant input")
                continue
            if c["contribution"] != step["grad"] * c["local"]:
                problems.append(f"step {node['id']}: contribution is not grad × local")
            if nodes[c["input"]]["kind"] != "constant":
                received[c["input"]] += c["contribution"]
    for node_id, node in nodes.items():
        if node["kind"] == "variable" and not math.isclose(
            received[node_id], node["grad"], rel_tol=1e-9, abs_tol=1e-300
        ):
            problems.append(f"{node_id}: grad {node['grad']} is not the sum {received[node_id]}")
    variables = {n["label"]: n for n in data["nodes"] if n["kind"] == "variable"}
    if set(data["gradients"]) != set(variables):
        problems.append("gradients does not have every variable")
    else:
        for name, grad in data["gradients"].items():
            if grad != variables[name]["grad"]:
                problems.append(f"gradients[{name!r}] is not the variable's grad")
    if asked_check:
        if set(data["check"]) != set(data["gradients"]):
            problems.append("check does not have every variable")
        for name, c in data["check"].items():
            if c["analytic"] != data["gradients"][name] or not isinstance(c["ok"], bool):
                problems.append(f"check[{name!r}] disagrees with gradients")
    return problems


# -- sending ---------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    seconds: float


def send(client, request: Request) -> Answer:
    """POST ``request`` with an httpx-style client (``TestClient`` or ``httpx.Client``), timed."""
    start = time.perf_counter()
    response = client.post(
        request.path, content=request.encoded(), headers={"content-type": request.content_type}
    )
    seconds = time.perf_counter() - start
    return Answer(response.status_code, response.headers.get("content-type", ""), response.content, seconds)
