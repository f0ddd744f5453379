"""Weight regularizers (``kcore.regularizers``): penalties added to the training loss.

A regularizer is a callable ``regularizer(weight) -> scalar``; layers take one per weight
(``kernel_regularizer=...``) and for their outputs (``activity_regularizer=...``). Names,
defaults and formulas are Keras 3's.
"""

from __future__ import annotations

import math

from kcore import ops

__all__ = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer"]


def _non_negative_float(value, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or math.isinf(value)
        or math.isnan(value)
        or value < 0
    ):
        raise ValueError(
            f"Invalid value for argument `{name}`: expected a non-negative float. "
            f"Received: {name}={value!r}"
        )
    return float(value)


class Regularizer:
    """Base class of regularizers: callables ``regularizer(x) -> scalar``.

    Example::

        class SumOfSquares(kcore.regularizers.Regularizer):
            def __call__(self, x):
                return kcore.ops.sum(kcore.ops.square(x))

            def get_config(self):
                return {}
    """

    def __call__(self, x):
        return 0.0

    def get_config(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1(Regularizer):
    """``l1 * sum(abs(x))``.

    Args:
        l1: the factor. Defaults to ``0.01``.

    Example::

        layer = kcore.layers.Dense(3, kernel_regularizer=kcore.regularizers.L1(0.001))
    """

    def __init__(self, l1=0.01):
        self.l1 = _non_negative_float(0.01 if l1 is None else l1, "l1")

    def __call__(self, x):
        return ops.multiply(self.l1, ops.sum(ops.absolute(x)))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(square(x))``.

    Args:
        l2: the factor. Defaults to ``0.01``.

    Example::

        layer = kcore.layers.Dense(3, kernel_regularizer="l2")
    """

    def __init__(self, l2=0.01):
        self.l2 = _non_negative_float(0.01 if l2 is None else l2, "l2")

    def __call__(self, x):
        return ops.multiply(self.l2, ops.sum(ops.square(x)))

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))``.

    Args:
        l1: the L1 factor. Defaults to ``0.0``.
        l2: the L2 factor. Defaults to ``0.0``.

    Example::

        layer = kcore.layers.Dense(3, kernel_regularizer=kcore.regularizers.L1L2(1e-5, 1e-4))
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _non_negative_float(0.0 if l1 is None else l1, "l1")
        self.l2 = _non_negative_float(0.0 if l2 is None else l2, "l2")

    def __call__(self, x):
        penalty = None
        if self.l1:
            penalty = ops.multiply(self.l1, ops.sum(ops.absolute(x)))
        if self.l2:
            l2 = ops.multiply(self.l2, ops.sum(ops.square(x)))
            penalty = l2 if penalty is None else ops.add(penalty, l2)
        if penalty is None:
            return ops.convert_to_tensor(0.0, dtype=ops.dtype(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2D weight towards being orthonormal.

    The penalty is ``factor * 0.5 * sum(|P - diag(P)|) / (n * (n - 1) / 2)`` where ``P`` is the
    matrix of dot products between the L2-normalized rows (``mode="rows"``) or columns
    (``mode="columns"``) and ``n`` their number: ``factor / 2`` times the mean absolute
    off-diagonal similarity.

    Args:
        factor: the factor. Defaults to ``0.01``.
        mode: ``"rows"`` (default) or ``"columns"``.

    Example::

        layer = kcore.layers.Dense(8, kernel_regularizer="orthogonal_regularizer")
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _non_negative_float(factor, "factor")
        if mode not in ("rows", "columns"):
            raise ValueError(
                "Invalid value for argument `mode`: expected one of ('rows', 'columns'). "
                f"Received: mode={mode!r}"
            )
        self.mode = mode

    def __call__(self, inputs):
        shape = ops.shape(inputs)
        if len(shape) != 2:
            raise ValueError(
                f"Inputs to OrthogonalRegularizer must have rank 2. Received: shape={shape}"
            )
        if self.mode == "rows":
            x = ops.normalize(inputs, axis=1)
            product, size = ops.matmul(x, ops.transpose(x)), shape[0]
        else:
            x = ops.normalize(inputs, axis=0)
            product, size = ops.matmul(ops.transpose(x), x), shape[1]
        off_diagonal = ops.multiply(product, 1.0 - ops.eye(size, dtype=ops.dtype(inputs)))
        num_pairs = size * (size - 1.0) / 2.0
        return ops.multiply(self.factor * 0.5 / num_pairs, ops.sum(ops.absolute(off_diagonal)))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}
