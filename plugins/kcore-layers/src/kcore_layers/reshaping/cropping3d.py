"""``Cropping3D``: crops positions off both ends of each spatial axis."""

from __future__ import annotations

from kcore_layers import _spatial_args
from kcore_layers.reshaping.base_cropping import BaseCropping

__all__ = ["Cropping3D"]


class Cropping3D(BaseCropping):
    """Cropping layer for 3D data (e.g. spatial or spatio-temporal).

    It crops along the three spatial or spatio-temporal axes.

    Args:
        cropping: an int (the same symmetric amount on every axis), a tuple of 3 ints
            ``(symmetric_dim1_crop, symmetric_dim2_crop, symmetric_dim3_crop)``, or a tuple
            of 3 pairs ``((left_dim1_crop, right_dim1_crop), ..., (left_dim3_crop,
            right_dim3_crop))``.
            Defaults to ``((1, 1), (1, 1), (1, 1))``.
        data_format: ``"channels_last"`` (inputs ``(batch_size, dim1, dim2, dim3, channels)``) or
            ``"channels_first"`` (inputs ``(batch_size, channels, dim1, dim2, dim3)``). Defaults to
            ``kcore.config.image_data_format()``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, dim1, dim2, dim3, channels)``
        or, channels first, ``(batch_size, channels, dim1, dim2, dim3)``.

    Output shape:
        ``(batch_size, cropped_dim1, cropped_dim2, cropped_dim3, channels)``
        or, channels first, ``(batch_size, channels, cropped_dim1, cropped_dim2, cropped_dim3)``.

    Raises:
        ValueError: at construction for a negative or malformed ``cropping``; when called on
            an input whose spatial axis is not longer than its two crops together.

    Example::

        inputs = kcore.Input(shape=(8, 8, 8, 2))
        outputs = kcore.layers.Cropping3D(cropping=(1, 2, 3))(inputs)  # shape (None, 6, 4, 2, 2)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        cropping = _spatial_args.pairs(cropping, 3, "cropping", "Cropping3D")
        data_format = _spatial_args.data_format(data_format, "Cropping3D")
        super().__init__(cropping, data_format, **kwargs)
        self.cropping = cropping
        self.data_format = data_format

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}
