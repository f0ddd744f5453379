"""``Orthogonal``: a (scaled) random orthogonal matrix, the default recurrent initializer."""

from __future__ import annotations

import math

from kcore import ops, random
from kcore.backend import standardize_dtype
from kcore_layers.initializers.random import RandomInitializer

__all__ = ["Orthogonal"]


class Orthogonal(RandomInitializer):
    """A random orthogonal matrix times ``gain``.

    The weight is viewed as a matrix of ``prod(shape[:-1])`` rows and ``shape[-1]`` columns. A
    normal matrix is drawn and QR-decomposed; the ``Q`` factor (sign-corrected by the diagonal
    of ``R`` so the distribution is uniform) fills it: its rows are orthonormal if there are
    fewer rows than columns, else its columns.

    Args:
        gain: the multiplier of the orthogonal matrix. Defaults to ``1.0``.
        seed: an int (same values every call), a ``kcore.random.SeedGenerator`` or ``None``.

    Example::

        values = kcore.initializers.Orthogonal(seed=1)(shape=(64, 64))
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={tuple(shape)} of rank {len(shape)}."
            )
        dtype = standardize_dtype(dtype)
        rows, cols = math.prod(shape[:-1]), shape[-1]
        # QR is not available in half precision on every backend: decompose in float32.
        work_dtype = "float32" if dtype in ("float16", "bfloat16") else dtype
        a = random.normal((max(rows, cols), min(rows, cols)), dtype=work_dtype, seed=self.seed)
        q, r = ops.qr(a)
        q = ops.multiply(q, ops.sign(ops.diagonal(r)))
        if rows < cols:
            q = ops.transpose(q)
        return ops.cast(ops.multiply(self.gain, ops.reshape(q, tuple(shape))), dtype)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}
