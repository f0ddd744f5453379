"""``AveragePooling1D``: average pooling for temporal (1D) data."""

from __future__ import annotations

from kcore_layers.pooling.base_pooling import BasePooling

__all__ = ["AveragePooling1D"]


class AveragePooling1D(BasePooling):
    """Average pooling operation for temporal (1D) data.

    Downsamples the input along its steps axis by taking the average over windows of
    ``pool_size``, moved by ``strides``. Output size per axis: ``floor((input - pool_size) /
    strides) + 1`` with ``padding="valid"``, ``floor((input - 1) / strides) + 1`` with
    ``padding="same"``. The whole call is one ``kcore.ops.average_pool``.

    With ``padding="same"`` the padded positions are left out of each average.

    Args:
        pool_size: an int, the window size.
        strides: an int, or ``None`` (default: ``pool_size``).
        padding: ``"valid"`` (default, no padding) or ``"same"``, case-insensitive.
        data_format: ``"channels_last"`` (inputs ``(batch_size, steps, features)``) or
            ``"channels_first"`` (inputs ``(batch_size, features, steps)``). Defaults to
            ``kcore.config.image_data_format()``.
        name: the layer name.
        **kwargs: base layer arguments (``dtype``, ``trainable``...).

    Input shape:
        ``(batch_size, steps, features)``
        or, channels first, ``(batch_size, features, steps)``.

    Output shape:
        ``(batch_size, pooled_steps, features)``
        or, channels first, ``(batch_size, features, pooled_steps)``.

    Example::

        inputs = kcore.Input(shape=(10, 4))
        outputs = kcore.layers.AveragePooling1D(pool_size=2)(inputs)  # shape (None, 5, 4)
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
            pool_dimensions=1,
            pool_mode="average",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
