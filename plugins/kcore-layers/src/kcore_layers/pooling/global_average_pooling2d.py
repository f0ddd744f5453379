"""``GlobalAveragePooling2D``: global average pooling for spatial (2D) data."""

from __future__ import annotations

from kcore_layers.pooling.base_global_pooling import BaseGlobalPooling

__all__ = ["GlobalAveragePooling2D"]


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Global average pooling operation for spatial (2D) data.

    Takes the average over every spatial position of each channel: one ``kcore.ops.mean`` call.

    Args:
        data_format: ``"channels_last"`` (inputs ``(batch_size, height, width, channels)``) or
            ``"channels_first"`` (inputs ``(batch_size, channels, height, width)``). Defaults to
            ``kcore.config.image_data_format()``.
        keepdims: whether the pooled axes stay, with length 1 (as ``np.mean(...,
            keepdims=True)``). Defaults to ``False``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, height, width, channels)``
        or, channels first, ``(batch_size, channels, height, width)``.

    Output shape:
        ``(batch_size, channels)``; with ``keepdims=True``, ``(batch_size, 1, 1, channels)``
        or, channels first, ``(batch_size, channels, 1, 1)``.

    Example::

        inputs = kcore.Input(shape=(7, 7, 32))
        outputs = kcore.layers.GlobalAveragePooling2D()(inputs)  # shape (None, 32)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(
            pool_dimensions=2,
            pool_mode="average",
            data_format=data_format,
            keepdims=keepdims,
            **kwargs,
        )
