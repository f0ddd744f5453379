"""``MaxPooling2D``: maximum pooling for spatial (2D) data."""

from __future__ import annotations

from kcore_layers.pooling.base_pooling import BasePooling

__all__ = ["MaxPooling2D"]


class MaxPooling2D(BasePooling):
    """Maximum pooling operation for spatial (2D) data.

    Downsamples the input along its 2 spatial axes by taking the maximum over windows of
    ``pool_size``, moved by ``strides``. Output size per axis: ``floor((input - pool_size) /
    strides) + 1`` with ``padding="valid"``, ``floor((input - 1) / strides) + 1`` with
    ``padding="same"``. The whole call is one ``kcore.ops.max_pool``.

    Args:
        pool_size: an int or a tuple of 2 ints, the window size. Defaults to (2, 2).
        strides: an int or a tuple of 2 ints, or ``None`` (default: ``pool_size``).
        padding: ``"valid"`` (default, no padding) or ``"same"``, case-insensitive.
        data_format: ``"channels_last"`` (inputs ``(batch_size, height, width, channels)``) or
            ``"channels_first"`` (inputs ``(batch_size, channels, height, width)``). Defaults to
            ``kcore.config.image_data_format()``.
        name: the layer name.
        **kwargs: base layer arguments (``dtype``, ``trainable``...).

    Input shape:
        ``(batch_size, height, width, channels)``
        or, channels first, ``(batch_size, channels, height, width)``.

    Output shape:
        ``(batch_size, pooled_height, pooled_width, channels)``
        or, channels first, ``(batch_size, channels, pooled_height, pooled_width)``.

    Example::

        inputs = kcore.Input(shape=(28, 28, 8))
        outputs = kcore.layers.MaxPooling2D()(inputs)  # shape (None, 14, 14, 8)
    """

    def __init__(
        self,
        pool_size=(2, 2),
        strides=None,
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=2,
            pool_mode="max",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
