"""``Subtract`` and ``subtract``: ``inputs[0] - inputs[1]``."""

from __future__ import annotations

from kcore import ops
from kcore_layers.merging.base_merge import Merge

__all__ = ["Subtract", "subtract"]


class Subtract(Merge):
    """Subtracts two inputs element-wise: ``inputs[0] - inputs[1]``.

    Args:
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        A list of exactly two tensors ``(batch_size, ...)`` of broadcastable shapes.

    Output shape:
        The broadcast shape of the inputs.

    Example::

        x1 = kcore.Input(shape=(16,))
        x2 = kcore.Input(shape=(16,))
        y = kcore.layers.Subtract()([x1, x2])  # x1 - x2, shape (None, 16)
    """

    _min_inputs = 2
    _max_inputs = 2

    def _merge_function(self, inputs):
        return ops.subtract(inputs[0], inputs[1])


def subtract(inputs, **kwargs):
    """Functional interface to :class:`Subtract`: ``Subtract(**kwargs)(inputs)``.

    Args:
        inputs: a list of two tensors.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Returns:
        ``inputs[0] - inputs[1]``.
    """
    return Subtract(**kwargs)(inputs)
