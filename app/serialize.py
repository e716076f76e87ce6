"""Serialise a built program: the API's JSON answer and Graphviz DOT. Nothing is recomputed."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict
from itertools import chain, repeat
from operator import sub

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
    """The REST contract's answer (v1, the object form) for one evaluated program.

    Plain loops over the graph's columns: this runs once per node and per input of programs of up to
    50,000 nodes. Spans stay dataclasses, which orjson writes as objects field by field.
    """
    count = result.count
    ids = list(map("n{}".format, range(count)))
    types, type_codes, labels, grads = result.types, result.type_codes, result.labels, result.grads
    inputs, offsets, free = result.inputs, result.input_offsets, result.free_set
    values, spans = result.values, result.spans()
    nodes = []
    for i in range(count):
        kind, op = types[type_codes[i]]
        entry = {
            "id": ids[i],
            "kind": kind,
            "op": op,
            "label": labels[i],
            "value": values[i],
            "grad": grads[i],
            "inputs": [ids[j] for j in inputs[offsets[i] : offsets[i + 1]]],
            "span": spans[i],
        }
        if kind == "variable":
            entry["free"] = i in free
        nodes.append(entry)
    steps = result.backward
    backward = []
    share = 0  # where the current step's shares start in the flat lists
    for node, grad in zip(steps.nodes, steps.grads, strict=True):
        shares = []
        for j in inputs[offsets[node] : offsets[node + 1]]:
            shares.append({"input": ids[j], "local": steps.local_derivatives[share],
                           "contribution": steps.contributions[share]})  # fmt: skip
            share += 1
        backward.append({"node": ids[node], "grad": grad, "contributions": shares})
    payload = {
        "output": ids[-1],
        "value": values[-1],
        "gradients": result.gradients,
        "nodes": nodes,
        "forward": ids,
        "backward": backward,
        "warnings": [warning.as_dict() for warning in result.warnings],
    }
    if result.check is not None:
        payload["check"] = _check_payload(result)
    return payload


def _check_payload(result: Graph) -> dict:
    return {
        name: {"analytic": c.analytic, "numeric": c.numeric, "ok": c.ok} for name, c in result.check.items()
    }


def columns_payload(result: Graph) -> dict:
    """The same answer as columns ("format": "columns", docs/api-columns.md): one array per field,
    node ``i`` at index ``i``, numbers where the object form has ids, small codes where it has kinds
    and operations. What the object form repeats is left out and rebuilt by the reader: ids, the
    output, `forward`, `gradients`, a step's input ids and grad, and each contribution (grad × local).
    """
    starts, ends = result.starts, result.ends
    steps = result.backward
    payload = {
        "format": "columns",
        "node_types": [{"kind": kind, "op": op} for kind, op in result.types],
        "types": result.type_codes,
        "labels": result.labels,
        "values": result.values,
        "grads": result.grads,
        "free": result.free,
        "inputs": {"counts": result.input_counts, "nodes": result.inputs},
        # Each node's start as the difference from the previous node's (small numbers), and its length.
        "spans": {
            "starts": list(map(sub, starts, chain((0,), starts))),
            "lengths": list(map(sub, ends, starts)),
        },
        "lines": _lines_table(result),
        "backward": {"nodes": steps.nodes, "locals": steps.local_derivatives},
        "warnings": [warning.as_dict() for warning in result.warnings],
    }
    if result.check is not None:
        payload["check"] = _check_payload(result)
    return payload


def _lines_table(result: Graph) -> dict:
    """The lines any node's text is on, with the offset where each starts: enough to turn offsets into
    lines and columns, without a line table of the whole program (150,000 blank lines and one node)."""
    line_starts = result.source_map.line_starts
    last_characters = map(max, result.starts, map(sub, result.ends, repeat(1)))
    lines = set(map(bisect_right, repeat(line_starts), result.starts))
    lines.update(map(bisect_right, repeat(line_starts), last_characters))
    numbers = sorted(lines)
    return {"numbers": numbers, "starts": [line_starts[line - 1] for line in numbers]}


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
               default_value: float | None = None, format: str = "object") -> bytes:  # fmt: skip
    """Evaluate and serialise in one go: the hot path of POST /api/graph."""
    graph = evaluate(expression, values, check, default_value)
    return payload_json(columns_payload(graph) if format == "columns" else graph_payload(graph))


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
