"""``Minimum`` and ``minimum``: element-wise minimum of a list of tensors."""

from __future__ import annotations

from kcore import ops
from kcore_layers.merging.base_merge import MaskedMerge

__all__ = ["Minimum", "minimum"]


class Minimum(MaskedMerge):
    """Computes the element-wise minimum of a list of inputs.

    With masks (e.g. after ``Masking``), a masked entry of an input does not take part: the
    minimum is taken over the inputs that are not masked there.

    Args:
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        inputs: a list of tensors.
        mask: optional list with one boolean mask (or ``None``) per input; set automatically
            in a Functional model.

    Input shape:
        A list of tensors ``(batch_size, ...)`` of broadcastable shapes, at least one.

    Output shape:
        The broadcast shape of the inputs.

    Example::

        x1 = kcore.Input(shape=(16,))
        x2 = kcore.Input(shape=(16,))
        y = kcore.layers.Minimum()([x1, x2])  # ops.minimum(x1, x2)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.minimum(output, x)
        return output

    def _masked_merge(self, inputs, masks):
        return self._merge_with_or_mask(ops.minimum, inputs, masks)


def minimum(inputs, **kwargs):
    """Functional interface to :class:`Minimum`: ``Minimum(**kwargs)(inputs)``.

    Args:
        inputs: a list of tensors.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Returns:
        The element-wise minimum of the inputs.
    """
    return Minimum(**kwargs)(inputs)
