"""The explorer live in a notebook: ``explore(x)`` gives an ``Explorer`` widget (anywidget).

    pip install "backprop-explorer[notebook]"

    from app.notebook import explore
    w = explore("a = 2; b = -3; L = a*b")      # or an engine Scalar, or a micrograd Value
    w.values = {"a": 4}                          # recomputed here, in the kernel: no server runs

The widget is the explorer's own graph view, player, chain-rule panel and variables (the page's
modules, bundled into one ES module by the package's build: scripts/build_assets.py). Its traits:

- ``program``: the program shown (for a Scalar or a Value, the program written from its graph:
  app/notebook_graphs.py);
- ``values``: values for its variables, as POST /api/graph's ``values`` (a slider in the widget sets
  them too); free variables not in it start at 1.0, as on the page (``default_value``);
- ``answer``: exactly what POST /api/graph answers for that program and values (the same code makes
  it, here), or None while ``error`` holds the API's error ``detail`` instead;
- ``step``: where the player stands (None: the end of the forward pass, as a new program opens);
- ``mismatches``: ``[{node, own, engine}]``, where the given objects' own gradients (after their
  backward()) differ from the engine's by more than 1e-9 relative; those nodes are marked.

See docs/notebook.md.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import anywidget
import orjson
import traitlets
from pydantic import ValidationError

from app.notebook_graphs import (
    Written,
    caller_names,
    is_micrograd_value,
    mismatches,
    write_micrograd,
    write_scalar,
)
from app.schemas import GraphRequest
from app.serialize import graph_answer
from engine import Scalar
from engine.language import ProgramError

#: Free variables not in ``values`` take this value, as they do on the page.
DEFAULT_VALUE = 1.0
_ASSETS = Path(__file__).resolve().parent / "_assets" / "widget"


@cache
def _bundle(name: str) -> str:
    """The widget's bundled module or style sheet (read once a kernel)."""
    path = _ASSETS / name
    if not path.is_file():
        raise RuntimeError(
            f"the notebook widget's {name} was not built: install the package (pip install "
            "'backprop-explorer[notebook]'), or in a checkout run `make install`"
        )
    return path.read_text(encoding="utf-8")


@cache
def _ops() -> list[dict]:
    """GET /api/ops's operations (the widget writes op glyphs, chain-rule text and code from them):
    the route's own function, so they never drift from the API's."""
    from app.routers.api import list_ops  # FastAPI's import: only once a widget is made

    return list_ops().model_dump(mode="json")["ops"]


class Explorer(anywidget.AnyWidget):
    """One program, its graph and its backward pass, stepped through in a notebook cell."""

    _esm = traitlets.Unicode().tag(sync=True)
    _css = traitlets.Unicode().tag(sync=True)
    program = traitlets.Unicode("").tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    answer = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    error = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    step = traitlets.Int(allow_none=True, default_value=None).tag(sync=True)
    mismatches = traitlets.List().tag(sync=True)
    ops = traitlets.List().tag(sync=True)

    def __init__(
        self, program: str = "", values: dict | None = None, *, written: Written | None = None, **kwargs
    ):
        self._ready = False  # no answer for each trait set while the widget is made: one at the end
        super().__init__(
            _esm=_bundle("explorer.js"), _css=_bundle("explorer.css"), ops=_ops(), program=program,
            values=dict(values or {}), **kwargs,
        )  # fmt: skip
        self._written = written
        self._ready = True
        self._recompute()

    @traitlets.validate("values")
    def _valid_values(self, proposal):
        values = dict(proposal["value"])
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise traitlets.TraitError(f"values[{name!r}] must be a number, not {value!r}")
            values[name] = float(value)
        return values

    @traitlets.observe("program", "values")
    def _changed(self, change):
        if not self._ready:
            return
        if change["name"] == "program":
            self._written = None  # a new program: the objects' own gradients are about another graph
        self._recompute()

    def _recompute(self) -> None:
        """The API's answer for the program and values, made in this process; or its error."""
        try:
            request = GraphRequest.model_validate(
                {"expression": self.program, "values": self.values, "default_value": DEFAULT_VALUE}
            )
            body, _ = graph_answer(request.expression, request.values, request.check, request.default_value)
        except ProgramError as exc:
            self._show(None, exc.as_dict())
            return
        except ValidationError as exc:
            where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            self._show(
                None, {"code": "invalid_request", "message": where, "line": None, "column": None, "names": []}
            )
            return
        self._show(orjson.loads(body), None)

    def _show(self, answer: dict | None, error: dict | None) -> None:
        with self.hold_sync():
            self.error = error
            self.answer = answer
            # The objects' own gradients are for their own values: compared only while those are shown.
            own = self._written is not None and not self.values and answer is not None
            self.mismatches = mismatches(self._written, answer) if own else []


def explore(x, values: dict | None = None) -> Explorer:
    """The explorer on ``x``: program text, an engine ``Scalar`` or a micrograd ``Value``."""
    if isinstance(x, str):
        return Explorer(x, values)
    if isinstance(x, Scalar):
        written = write_scalar(x)
    elif is_micrograd_value(x):
        written = write_micrograd(x, caller_names(sys._getframe(1)))
    else:
        raise TypeError(
            f"explore() takes program text, an engine Scalar or a micrograd Value, not {type(x).__name__}"
        )
    return Explorer(written.program, values, written=written)
