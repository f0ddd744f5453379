"""``Average`` and ``average``: element-wise mean of a list of tensors."""

from __future__ import annotations

from kcore import ops
from kcore_layers.merging.base_merge import Merge

__all__ = ["Average", "average"]


class Average(Merge):
    """Averages a list of inputs element-wise.

    Args:
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        A list of tensors ``(batch_size, ...)`` of broadcastable shapes, at least one.

    Output shape:
        The broadcast shape of the inputs.

    Example::

        x1 = kcore.Input(shape=(16,))
        x2 = kcore.Input(shape=(16,))
        y = kcore.layers.Average()([x1, x2])  # (x1 + x2) / 2
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return ops.divide(output, len(inputs))

    def compute_output_spec(self, inputs, **kwargs):
        spec = super().compute_output_spec(inputs, **kwargs)
        if not spec.dtype.startswith(("float", "bfloat")):  # true division of integers
            spec.dtype = ops.result_type(spec.dtype, float)
        return spec


def average(inputs, **kwargs):
    """Functional interface to :class:`Average`: ``Average(**kwargs)(inputs)``.

    Args:
        inputs: a list of tensors.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Returns:
        The element-wise mean of the inputs.
    """
    return Average(**kwargs)(inputs)
