"""Weight constraints (``kcore.constraints``): projections applied after each optimizer update.

A constraint is a callable ``constraint(weight) -> new weight``; layers take one per weight
(``kernel_constraint=...``). Names, defaults and formulas are Keras 3's, including the
``kcore.config.epsilon()`` added to norms.
"""

from __future__ import annotations

from kcore import config, ops

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm"]


def _norms(w, axis):
    if isinstance(axis, list):  # JSON configs hold lists; ops want an int or a tuple
        axis = tuple(axis)
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class Constraint:
    """Base class of constraints: callables ``constraint(w) -> w'``; the base returns ``w``.

    Example::

        class Clip(kcore.constraints.Constraint):
            def __call__(self, w):
                return kcore.ops.clip(w, -1.0, 1.0)
    """

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class MaxNorm(Constraint):
    """Rescales each slice whose L2 norm along ``axis`` exceeds ``max_value`` to that norm.

    Args:
        max_value: the largest allowed norm. Defaults to ``2``.
        axis: the axis (or axes) the norms are computed over. Defaults to ``0``: for a
            ``Dense`` kernel ``(input_dim, units)`` each unit's incoming weights.

    Example::

        layer = kcore.layers.Dense(3, kernel_constraint=kcore.constraints.MaxNorm(3))
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return ops.multiply(w, ops.divide(desired, ops.add(config.epsilon(), norms)))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves each slice's L2 norm along ``axis`` into ``[min_value, max_value]``, at ``rate``.

    The new norm is ``rate * clip(norm, min_value, max_value) + (1 - rate) * norm``.

    Args:
        min_value: the smallest allowed norm. Defaults to ``0.0``.
        max_value: the largest allowed norm. Defaults to ``1.0``.
        rate: how far to move each step, in ``[0, 1]``. Defaults to ``1.0``.
        axis: the axis (or axes) the norms are computed over. Defaults to ``0``.

    Example::

        constraint = kcore.constraints.MinMaxNorm(min_value=0.5, max_value=1.0)
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        clipped = ops.clip(norms, self.min_value, self.max_value)
        desired = ops.add(ops.multiply(self.rate, clipped), ops.multiply(1 - self.rate, norms))
        return ops.multiply(w, ops.divide(desired, ops.add(config.epsilon(), norms)))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


class NonNeg(Constraint):
    """Sets negative weights to zero.

    Example::

        layer = kcore.layers.Dense(3, kernel_constraint="non_neg")
    """

    def __call__(self, w):
        return ops.maximum(ops.convert_to_tensor(w), 0)


class UnitNorm(Constraint):
    """Rescales each slice to unit L2 norm along ``axis``.

    Args:
        axis: the axis (or axes) the norms are computed over. Defaults to ``0``.

    Example::

        layer = kcore.layers.Dense(3, kernel_constraint=kcore.constraints.UnitNorm())
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        return ops.divide(w, ops.add(config.epsilon(), _norms(w, self.axis)))

    def get_config(self):
        return {"axis": self.axis}
