"""``AveragePooling2D``: average pooling for spatial (2D) data."""

from __future__ import annotations

from kcore_layers.pooling.base_pooling import BasePooling

__all__ = ["AveragePooling2D"]


class AveragePooling2D(BasePooling):
    """Average pooling operation for spatial (2D) data.

    Downsamples the input along its 2 spatial axes by taking the average over windows of
    ``pool_size``, moved by ``strides``. Output size per axis: ``floor((input - pool_size) /
    strides) + 1`` with ``padding="valid"``, ``floor((input - 1) / strides) + 1`` with
    ``padding="same"``. The whole call is one ``kcore.ops.average_pool``.

    With ``padding="same"`` the padded positions are left out of each average.

    Args:
        pool_size: an int or a tuple of 2 ints, the window size.
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
        outputs = kcore.layers.AveragePooling2D(pool_size=(2, 2))(inputs)  # shape (None, 14, 14, 8)
    """

    def __init__(
        self,
        pool_size,
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
            pool_mode="average",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
