"""Why a run goes wrong, said in words: the warnings a training frame carries.

- ``dead_units``: a hidden unit gives 0, or one same value, on every training point; it passes no
  gradient back, so it no longer learns (a ReLU pushed below 0 everywhere, a saturated tanh).
  Said once at least half of a layer is dead.
- ``stalled``: the data's gradient is about 0 for every parameter while the accuracy is poor.
- ``diverged``: the loss is no longer finite, or has grown far past where the run started; the
  run stops.

Nothing is said when all is well. See docs/training.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WARNING_CODES = ("dead_units", "stalled", "diverged")
#: A unit whose outputs over the training points spread less than this is dead.
DEAD_SPREAD = 1e-9
#: Every |∂loss/∂p| (without the L2 term) below this, with accuracy under POOR_ACCURACY: stalled.
STALLED_GRADIENT = 1e-4
POOR_ACCURACY = 0.9
#: The loss past this many times its start (or 1, when it started lower): diverged.
DIVERGED_GROWTH = 10.0


@dataclass(frozen=True)
class Warning:
    code: str  # dead_units, stalled, diverged
    message: str
    units: tuple[str, ...] | None = None

    def as_dict(self) -> dict:
        answer: dict = {"code": self.code, "message": self.message}
        if self.units is not None:
            answer["units"] = list(self.units)
        return answer


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def dead_units(units: Mapping[str, Sequence[float]]) -> Warning | None:
    """The hidden units that give one same value on every training point, once they matter: when
    at least half of a layer's units are dead (a lone dead unit among many changes little, and
    micrograd's demo reaches 100% with two of its 32 dead)."""
    dead, zero = [], True
    layers: dict[str, list[bool]] = {}
    for name, outputs in units.items():
        is_dead = bool(outputs) and max(outputs) - min(outputs) <= DEAD_SPREAD
        layers.setdefault(name.split("_")[0], []).append(is_dead)
        if is_dead:
            dead.append(name)
            zero = zero and max(map(abs, outputs)) <= DEAD_SPREAD
    if not any(2 * sum(layer) >= len(layer) for layer in layers.values() if any(layer)):
        return None
    what = "0" if zero else "one same value"
    one = len(dead) == 1
    return Warning(
        "dead_units",
        f"{_names(dead)} {'gives' if one else 'give'} {what} on every training point, so "
        f"{'it no longer learns' if one else 'they no longer learn'} (no gradient passes back "
        f"through {'it' if one else 'them'}). Try another seed, more hidden units, a smaller "
        "learning rate, or tanh.",
        tuple(dead),
    )


def stalled(data_gradient: float, accuracy: float) -> Warning | None:
    """Training that no longer moves while the accuracy is poor."""
    if data_gradient > STALLED_GRADIENT or accuracy >= POOR_ACCURACY:
        return None
    return Warning(
        "stalled",
        f"every ∂L/∂w is about 0 (the largest is {data_gradient:.1e}) while the accuracy is "
        f"{accuracy:.0%}: the parameters have stopped moving. Try another seed, a smaller learning "
        "rate, or tanh.",
    )


def diverged(loss: float, start_loss: float, epoch: int, learning_rate: float) -> Warning | None:
    """A loss that is no longer finite, or has grown far past the run's start."""
    if math.isfinite(loss) and loss <= DIVERGED_GROWTH * max(start_loss, 1.0):
        return None
    grew = "is no longer a finite number" if not math.isfinite(loss) else (
        f"grew from {start_loss:.4g} to {loss:.4g}"
    )  # fmt: skip
    return Warning(
        "diverged",
        f"Stopped at epoch {epoch}: the loss {grew}, so training has diverged. The learning rate "
        f"({learning_rate:g}) is too large: try a smaller one.",
    )


def diagnose(units: Mapping[str, Sequence[float]], data_gradient: float, accuracy: float) -> list[Warning]:
    """The warnings for a run that goes on: dead units, then a stall (nothing when all is well)."""
    return [w for w in (dead_units(units), stalled(data_gradient, accuracy)) if w is not None]
