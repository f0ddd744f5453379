"""Deterministic initializers: ``Constant``, ``Zeros``, ``Ones`` and ``Identity``."""

from __future__ import annotations

from kcore import ops
from kcore.backend import standardize_dtype
from kcore.saving import serialize_keras_object
from kcore_layers.initializers.base import Initializer

__all__ = ["Constant", "Zeros", "Ones", "Identity"]


class Constant(Initializer):
    """Fills the tensor with ``value`` (a scalar, or an array broadcastable to the shape).

    Args:
        value: the fill value. Defaults to ``0.0``.

    Example::

        init = kcore.initializers.Constant(3.0)
        values = init(shape=(2, 2))
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = standardize_dtype(dtype)
        return ops.multiply(ops.cast(self.value, dtype), ops.ones(shape, dtype=dtype))

    def get_config(self):
        return {"value": serialize_keras_object(self.value)}


class Zeros(Initializer):
    """Fills the tensor with 0.

    Example::

        values = kcore.initializers.Zeros()(shape=(2, 2))
    """

    def __call__(self, shape, dtype=None):
        return ops.zeros(shape, dtype=standardize_dtype(dtype))


class Ones(Initializer):
    """Fills the tensor with 1.

    Example::

        values = kcore.initializers.Ones()(shape=(2, 2))
    """

    def __call__(self, shape, dtype=None):
        return ops.ones(shape, dtype=standardize_dtype(dtype))


class Identity(Initializer):
    """``gain`` times the identity matrix; only for 2D shapes (rectangular ones too).

    Args:
        gain: the multiplier of the identity. Defaults to ``1.0``.

    Example::

        values = kcore.initializers.Identity()(shape=(3, 3))
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={tuple(shape)} of rank {len(shape)}."
            )
        dtype = standardize_dtype(dtype)
        return ops.multiply(self.gain, ops.eye(shape[0], shape[1], dtype=dtype))

    def get_config(self):
        return {"gain": self.gain}
