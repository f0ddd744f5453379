"""``GlobalAveragePooling1D``: global average pooling for temporal (1D) data."""

from __future__ import annotations

from kcore import ops
from kcore_layers.pooling.base_global_pooling import BaseGlobalPooling

__all__ = ["GlobalAveragePooling1D"]


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Global average pooling operation for temporal (1D) data.

    Takes the average over every step of each channel: one ``kcore.ops.mean`` call. With a
    mask (``(batch_size, steps)``, ``True`` = keep, e.g. from ``Embedding(mask_zero=True)`` or
    ``Masking``), masked steps are left out of the average (a row with every step masked gives
    NaN, as in Keras); the mask stops here.

    Args:
        data_format: ``"channels_last"`` (inputs ``(batch_size, steps, features)``) or
            ``"channels_first"`` (inputs ``(batch_size, features, steps)``). Defaults to
            ``kcore.config.image_data_format()``.
        keepdims: whether the pooled axes stay, with length 1 (as ``np.mean(...,
            keepdims=True)``). Defaults to ``False``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, steps, features)``
        or, channels first, ``(batch_size, features, steps)``.

    Output shape:
        ``(batch_size, features)``; with ``keepdims=True``, ``(batch_size, 1, features)``
        or, channels first, ``(batch_size, features, 1)``.

    Example::

        inputs = kcore.Input(shape=(10, 4))
        outputs = kcore.layers.GlobalAveragePooling1D()(inputs)  # shape (None, 4)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(
            pool_dimensions=1,
            pool_mode="average",
            data_format=data_format,
            keepdims=keepdims,
            **kwargs,
        )
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=self._axes, keepdims=self.keepdims)
        steps_axis = self._axes[0]
        weights = ops.expand_dims(ops.cast(mask, ops.dtype(inputs)), 3 - steps_axis)
        total = ops.sum(ops.multiply(inputs, weights), axis=steps_axis, keepdims=self.keepdims)
        count = ops.sum(weights, axis=steps_axis, keepdims=self.keepdims)
        return ops.divide(total, count)

    def compute_mask(self, inputs, mask=None):
        return None
