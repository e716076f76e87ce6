"""Serialise a built program: the API's JSON answer and Graphviz DOT. Nothing is recomputed."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import asdict
from itertools import accumulate, chain, repeat
from operator import sub

import orjson

from engine import FlatTrace
from engine.language import Graph, Node, Partial, evaluate


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

    Built column by column: the ids, the spans' lines, the inputs' ids and the shares of the backward
    pass are each one pass over a whole column (mostly in C), and then one dict a node, a step, a
    share. At 50,000 nodes this is most of the time the object form takes; the columns form skips it.
    """
    count = result.count
    ids = list(map("n{}".format, range(count)))
    starts, ends, offsets = result.starts, result.ends, result.input_offsets
    line_starts = result.source_map.line_starts
    lines = list(map(bisect_right, repeat(line_starts), starts))
    last_lines = list(map(bisect_left, repeat(line_starts), ends))  # a node's text is never empty
    input_ids = list(map(ids.__getitem__, result.inputs))
    free = result.free_set
    types = map(result.types.__getitem__, result.type_codes)
    nodes = []
    for i, (kind, op), label, value, grad in zip(range(count), types, result.labels, result.values,
                                                 result.grads, strict=True):  # fmt: skip
        start, end, line, last_line = starts[i], ends[i], lines[i], last_lines[i]
        entry = {
            "id": ids[i],
            "kind": kind,
            "op": op,
            "label": label,
            "value": value,
            "grad": grad,
            "inputs": input_ids[offsets[i] : offsets[i + 1]],
            "span": {"line": line, "column": start - line_starts[line - 1] + 1, "end_line": last_line,
                     "end_column": end - line_starts[last_line - 1] + 1, "offset": start, "end_offset": end},
        }  # fmt: skip
        if kind == "variable":
            entry["free"] = i in free
        nodes.append(entry)
    backward = backward_steps(result.backward, ids, input_ids, offsets)
    payload = {
        "output": ids[-1],
        "value": result.values[-1],
        "gradients": result.gradients,
        "nodes": nodes,
        "forward": ids,
        "backward": backward,
        "warnings": [warning.as_dict() for warning in result.warnings],
    }
    if result.check is not None:
        payload["check"] = _check_payload(result)
    return payload


def backward_steps(trace: FlatTrace, ids: list[str], input_ids: list[str], offsets: list[int]) -> list[dict]:
    """The contract's backward steps (``{node, grad, contributions}``) of a recorded pass, output first:
    each step's node with its gradient, and one share per input of that node, in order. Node ``i``'s
    input ids are ``input_ids[offsets[i]:offsets[i + 1]]``."""
    step_nodes = trace.step_nodes
    step_inputs = chain.from_iterable(input_ids[offsets[node] : offsets[node + 1]] for node in step_nodes)
    shares = [{"input": input_id, "local": local, "contribution": contribution}
              for input_id, local, contribution in zip(step_inputs, trace.local_derivatives,
                                                       trace.contributions, strict=True)]  # fmt: skip
    share_offsets = accumulate((offsets[node + 1] - offsets[node] for node in step_nodes), initial=0)
    first = next(share_offsets)
    steps = []
    for node, grad, last in zip(step_nodes, trace.step_grads, share_offsets, strict=True):
        steps.append({"node": ids[node], "grad": grad, "contributions": shares[first:last]})
        first = last
    return steps


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
        "backward": {"nodes": result.backward.step_nodes, "locals": result.backward.local_derivatives},
        "warnings": [warning.as_dict() for warning in result.warnings],
    }
    if result.check is not None:
        payload["check"] = _check_payload(result)
    return payload


def _lines_table(result: Graph) -> dict:
    """The lines the nodes' text is on, with the offset where each starts: enough to turn offsets into
    lines and columns, without a line table of the whole program (150,000 blank lines and one node)."""
    line_starts = result.source_map.line_starts
    return {"numbers": result.lines, "starts": [line_starts[line - 1] for line in result.lines]}


def partial_payload(partial: Partial) -> dict:
    """A failed program as far as it was built: v1 node objects without gradients, and the failing node
    (for a forward failure its value is null); after a backward failure, the steps that succeeded
    before it, in the object answer's step shape."""
    nodes = []
    for node in partial.nodes:
        entry = _node_entry(node)
        entry["grad"] = None
        entry["span"] = asdict(node.span)  # error answers go through the standard library's encoder
        nodes.append(entry)
    ids = [node.id for node in partial.nodes]
    payload = {"nodes": nodes, "forward": ids, "failed": partial.failed.id, "phase": partial.phase}
    if partial.backward is not None:
        input_ids = [input_id for node in partial.nodes for input_id in node.inputs]
        offsets = list(accumulate((len(node.inputs) for node in partial.nodes), initial=0))
        payload["backward"] = backward_steps(partial.backward, ids, input_ids, offsets)
    return payload


def payload_json(payload: dict) -> bytes:
    """The API's bytes for an answer. orjson: answers for big programs are megabytes, and the
    standard library's encoder is several times slower. The engine lets no NaN or infinity through."""
    return orjson.dumps(payload)


def graph_answer(
    expression: str,
    values: dict | None = None,
    check: bool = False,
    default_value: float | None = None,
    format: str = "object",
) -> tuple[bytes, list]:
    """Evaluate and serialise in one go, the hot path of POST /api/graph: the answer's bytes, and a
    list holding what they were made from (the graph and the payload) for the caller to empty once
    the bytes are on their way. At 50,000 nodes freeing those objects takes a tenth of the answer's
    time, which the client need not wait for."""
    graph = evaluate(expression, values, check, default_value)
    payload = columns_payload(graph) if format == "columns" else graph_payload(graph)
    return payload_json(payload), [graph, payload]


def graph_json(expression: str, values: dict | None = None, check: bool = False,
               default_value: float | None = None, format: str = "object") -> bytes:  # fmt: skip
    """The answer's bytes (what POST /api/graph sends)."""
    return graph_answer(expression, values, check, default_value, format)[0]


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def graph_dot(result: Graph) -> str:
    """micrograd's picture: a record `label | data | grad` per value, a small node per operation. Read
    from the graph's columns, as the answers are."""
    lines = ["digraph backprop {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    offsets = result.input_offsets
    types = map(result.types.__getitem__, result.type_codes)
    for i, (kind, op), label, value, grad in zip(range(result.count), types, result.labels, result.values,
                                                 result.grads, strict=True):  # fmt: skip
        if kind == "constant":
            lines.append(f'  n{i} [shape=record, style=dashed, label="{{ const | data {_number(value)} }}"];')
        else:
            record = f"{label or ''} | data {_number(value)} | grad {_number(grad)}"
            lines.append(f'  n{i} [shape=record, label="{{ {record} }}"];')
        if kind == "operation":
            lines.append(f'  n{i}_op [shape=ellipse, label="{op}"];')
            lines.append(f"  n{i}_op -> n{i};")
            for j in result.inputs[offsets[i] : offsets[i + 1]]:
                lines.append(f"  n{j} -> n{i}_op;")
    lines.append("}")
    return "\n".join(lines) + "\n"
