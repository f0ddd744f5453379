"""``Maximum`` and ``maximum``: element-wise maximum of a list of tensors."""

from __future__ import annotations

from kcore import ops
from kcore_layers.merging.base_merge import MaskedMerge

__all__ = ["Maximum", "maximum"]


class Maximum(MaskedMerge):
    """Computes the element-wise maximum of a list of inputs.

    With masks (e.g. after ``Masking``), a masked entry of an input does not take part: the
    maximum is taken over the inputs that are not masked there.

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
        y = kcore.layers.Maximum()([x1, x2])  # ops.maximum(x1, x2)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.maximum(output, x)
        return output

    def _masked_merge(self, inputs, masks):
        return self._merge_with_or_mask(ops.maximum, inputs, masks)


def maximum(inputs, **kwargs):
    """Functional interface to :class:`Maximum`: ``Maximum(**kwargs)(inputs)``.

    Args:
        inputs: a list of tensors.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Returns:
        The element-wise maximum of the inputs.
    """
    return Maximum(**kwargs)(inputs)
