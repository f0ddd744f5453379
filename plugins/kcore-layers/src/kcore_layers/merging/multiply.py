"""``Multiply`` and ``multiply``: element-wise product of a list of tensors."""

from __future__ import annotations

from kcore import ops
from kcore_layers.merging.base_merge import MaskedMerge

__all__ = ["Multiply", "multiply"]


class Multiply(MaskedMerge):
    """Multiplies a list of inputs element-wise.

    With masks (e.g. after ``Masking`` or ``Embedding(mask_zero=True)``), a masked entry of an
    input counts as 1, so it does not change the product; when every input is masked, the
    entries masked in all of them are 0 and the output mask is the OR of the input masks.

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
        y = kcore.layers.Multiply()([x1, x2])  # x1 * x2
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.multiply(output, x)
        return output

    def _masked_merge(self, inputs, masks):
        output = None
        for x, m in zip(inputs, masks):
            if m is not None:
                x = ops.where(m, x, ops.ones_like(x))
            output = x if output is None else ops.multiply(output, x)
        if all(m is not None for m in masks):
            any_kept = masks[0]
            for m in masks[1:]:
                any_kept = ops.logical_or(any_kept, m)
            output = ops.where(any_kept, output, ops.zeros_like(output))
        return output


def multiply(inputs, **kwargs):
    """Functional interface to :class:`Multiply`: ``Multiply(**kwargs)(inputs)``.

    Args:
        inputs: a list of tensors.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Returns:
        The element-wise product of the inputs.
    """
    return Multiply(**kwargs)(inputs)
