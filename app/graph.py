"""Turn an evaluated program into the API's JSON answer and into Graphviz DOT. Nothing is recomputed."""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

import orjson

from engine.program import GraphResult, evaluate


def graph_payload(result: GraphResult) -> dict:
    """The REST contract's answer for one evaluated program."""
    by_uid = result.by_uid
    grads = result.grads
    nodes = [
        {
            "id": node.id,
            "kind": node.kind,
            "op": node.op,
            "label": node.label,
            "value": node.scalar.data,
            "grad": grads[node.id],
            "inputs": list(node.inputs),
            "span": node.span.as_dict() if node.span is not None else {},
        }
        for node in result.nodes
    ]
    backward = [
        {
            "node": by_uid[step.node.unique_id].id,
            "grad": step.grad,
            "contributions": [
                {"input": by_uid[c.input.unique_id].id, "local": c.local, "contribution": c.contribution}
                for c in step.contributions
            ],
        }
        for step in result.trace.steps
    ]
    payload = {
        "output": result.output.id,
        "value": result.output.value,
        "gradients": result.gradients,
        "nodes": nodes,
        "forward": [node.id for node in result.nodes],
        "backward": backward,
    }
    if result.check is not None:
        payload["check"] = {
            name: {"analytic": c.analytic, "numeric": c.numeric, "ok": c.ok}
            for name, c in result.check.items()
        }
    return payload


def payload_json(payload: dict) -> bytes:
    """The API's bytes for an answer. orjson: answers for big programs are megabytes, and the
    standard library's encoder is several times slower. The engine lets no NaN or infinity through."""
    return orjson.dumps(payload)


_gc_lock = threading.Lock()
_gc_holders = 0


@contextmanager
def cyclic_gc_paused():
    """Pause the cycle collector while a graph is built and serialized.

    A 50,000-node program allocates a few hundred thousand objects that all stay alive until the
    answer is sent; the collector would walk them again and again (40% of the time) and find
    nothing: graphs hold no reference cycles, so reference counting frees them. Requests that
    overlap share one pause; the last one out resumes collection.
    """
    global _gc_holders
    with _gc_lock:
        _gc_holders += 1
        if _gc_holders == 1:
            gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0:
                gc.enable()


def graph_json(expression: str, values: dict | None = None, check: bool = False) -> bytes:
    """Evaluate and serialize in one go: the hot path of POST /api/graph."""
    with cyclic_gc_paused():
        return payload_json(graph_payload(evaluate(expression, values, check)))


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def graph_dot(result: GraphResult) -> str:
    """micrograd's picture: a record `label | data | grad` per value, a small node per operation."""
    lines = ["digraph backprop {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for node in result.nodes:
        grad = result.grads[node.id]
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
