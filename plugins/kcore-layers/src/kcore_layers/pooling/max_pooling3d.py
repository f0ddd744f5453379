"""``MaxPooling3D``: maximum pooling for spatial or spatio-temporal (3D) data."""

from __future__ import annotations

from kcore_layers.pooling.base_pooling import BasePooling

__all__ = ["MaxPooling3D"]


class MaxPooling3D(BasePooling):
    """Maximum pooling operation for spatial or spatio-temporal (3D) data.

    Downsamples the input along its 3 spatial axes by taking the maximum over windows of
    ``pool_size``, moved by ``strides``. Output size per axis: ``floor((input - pool_size) /
    strides) + 1`` with ``padding="valid"``, ``floor((input - 1) / strides) + 1`` with
    ``padding="same"``. The whole call is one ``kcore.ops.max_pool``.

    Args:
        pool_size: an int or a tuple of 3 ints, the window size. Defaults to (2, 2, 2).
        strides: an int or a tuple of 3 ints, or ``None`` (default: ``pool_size``).
        padding: ``"valid"`` (default, no padding) or ``"same"``, case-insensitive.
        data_format: ``"channels_last"`` (inputs ``(batch_size, dim1, dim2, dim3, channels)``) or
            ``"channels_first"`` (inputs ``(batch_size, channels, dim1, dim2, dim3)``). Defaults to
            ``kcore.config.image_data_format()``.
        name: the layer name.
        **kwargs: base layer arguments (``dtype``, ``trainable``...).

    Input shape:
        ``(batch_size, dim1, dim2, dim3, channels)``
        or, channels first, ``(batch_size, channels, dim1, dim2, dim3)``.

    Output shape:
        ``(batch_size, pooled_dim1, pooled_dim2, pooled_dim3, channels)``
        or, channels first, ``(batch_size, channels, pooled_dim1, pooled_dim2, pooled_dim3)``.

    Example::

        inputs = kcore.Input(shape=(8, 8, 8, 3))
        outputs = kcore.layers.MaxPooling3D()(inputs)  # shape (None, 4, 4, 4, 3)
    """

    def __init__(
        self,
        pool_size=(2, 2, 2),
        strides=None,
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=3,
            pool_mode="max",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
