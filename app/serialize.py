"""Serialise a built program: the API's JSON answer and Graphviz DOT. Nothing is recomputed."""

from __future__ import annotations

from dataclasses import asdict

import orjson

from engine.language import Graph, Node, evaluate
from engine.language.build import Partial


def _node_entry(node: Node) -> dict:
    entry = {
        "id": node.id,
        "kind": node.kind,
        "op": node.op,
        "label": node.label,
        "value": node.value,
        "grad": node.grad,
        "inputs": node.inputs,
        "span": node.span,
    }
    if node.kind == "variable":
        entry["free"] = node.free
    return entry


def graph_payload(result: Graph) -> dict:
    """The REST contract's answer for one evaluated program.

    Plain loops, not nested comprehensions: this runs once per node and per input of programs of
    up to 50,000 nodes. Spans stay dataclasses, which orjson writes as objects field by field.
    """
    ids = {uid: node.id for uid, node in result.by_uid.items()}
    nodes = [_node_entry(node) for node in result.nodes]
    backward = []
    for step_node, grad, contributions in result.trace.steps:
        shares = []
        for source, local, contribution in contributions:
            shares.append({"input": ids[source.unique_id], "local": local, "contribution": contribution})
        backward.append({"node": ids[step_node.unique_id], "grad": grad, "contributions": shares})
    payload = {
        "output": result.output.id,
        "value": result.output.value,
        "gradients": result.gradients,
        "nodes": nodes,
        "forward": [node.id for node in result.nodes],
        "backward": backward,
        "warnings": [warning.as_dict() for warning in result.warnings],
    }
    if result.check is not None:
        payload["check"] = {
            name: {"analytic": c.analytic, "numeric": c.numeric, "ok": c.ok}
            for name, c in result.check.items()
        }
    return payload


def partial_payload(partial: Partial) -> dict:
    """A failed program as far as it was built: v1 node objects without gradients, and the failing node
    (for a forward failure its value is null)."""
    nodes = []
    for node in partial.nodes:
        entry = _node_entry(node)
        entry["grad"] = None
        entry["span"] = asdict(node.span)  # error answers go through the standard library's encoder
        nodes.append(entry)
    return {"nodes": nodes, "forward": [node.id for node in partial.nodes], "failed": partial.failed.id,
            "phase": partial.phase}  # fmt: skip


def payload_json(payload: dict) -> bytes:
    """The API's bytes for an answer. orjson: answers for big programs are megabytes, and the
    standard library's encoder is several times slower. The engine lets no NaN or infinity through."""
    return orjson.dumps(payload)


def graph_json(expression: str, values: dict | None = None, check: bool = False,
               default_value: float | None = None) -> bytes:  # fmt: skip
    """Evaluate and serialise in one go: the hot path of POST /api/graph."""
    return payload_json(graph_payload(evaluate(expression, values, check, default_value)))


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def graph_dot(result: Graph) -> str:
    """micrograd's picture: a record `label | data | grad` per value, a small node per operation."""
    lines = ["digraph backprop {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for node in result.nodes:
        grad = node.grad
        name = node.label or ""
        if node.kind == "constant":
            lines.append(
                f'  {node.id} [shape=record, style=dashed, label="{{ const | data {_number(node.value)} }}"];'
            )
        else:
            lines.append(
                f'  {node.id} [shape=record, label="{{ {name} | data {_number(node.value)} '
                f'| grad {_number(grad)} }}"];'
            )
        if node.kind == "operation":
            lines.append(f'  {node.id}_op [shape=ellipse, label="{node.op}"];')
            lines.append(f"  {node.id}_op -> {node.id};")
            for input_id in node.inputs:
                lines.append(f"  {input_id} -> {node.id}_op;")
    lines.append("}")
    return "\n".join(lines) + "\n"
