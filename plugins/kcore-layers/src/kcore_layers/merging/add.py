"""``Add`` and ``add``: element-wise sum of a list of tensors."""

from __future__ import annotations

from kcore import ops
from kcore_layers.merging.base_merge import Merge

__all__ = ["Add", "add"]


class Add(Merge):
    """Adds a list of inputs element-wise.

    It takes a list of tensors of the same shape (or shapes that broadcast: non-batch dims of
    size 1, or of lower rank, aligned from the right) and returns one tensor, their sum.

    Args:
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        A list of tensors ``(batch_size, ...)``, at least one.

    Output shape:
        The broadcast shape of the inputs.

    Example::

        x1 = kcore.Input(shape=(16,))
        x2 = kcore.Input(shape=(16,))
        y = kcore.layers.Add()([x1, x2])  # shape (None, 16)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output


def add(inputs, **kwargs):
    """Functional interface to :class:`Add`: ``Add(**kwargs)(inputs)``.

    Args:
        inputs: a list of tensors.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Returns:
        The element-wise sum of the inputs.
    """
    return Add(**kwargs)(inputs)
