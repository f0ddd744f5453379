"""``GlobalMaxPooling2D``: global maximum pooling for spatial (2D) data."""

from __future__ import annotations

from kcore_layers.pooling.base_global_pooling import BaseGlobalPooling

__all__ = ["GlobalMaxPooling2D"]


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Global maximum pooling operation for spatial (2D) data.

    Takes the maximum over every spatial position of each channel: one ``kcore.ops.max`` call.

    Args:
        data_format: ``"channels_last"`` (inputs ``(batch_size, height, width, channels)``) or
            ``"channels_first"`` (inputs ``(batch_size, channels, height, width)``). Defaults to
            ``kcore.config.image_data_format()``.
        keepdims: whether the pooled axes stay, with length 1 (as ``np.max(...,
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
        outputs = kcore.layers.GlobalMaxPooling2D()(inputs)  # shape (None, 32)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(
            pool_dimensions=2,
            pool_mode="max",
            data_format=data_format,
            keepdims=keepdims,
            **kwargs,
        )
