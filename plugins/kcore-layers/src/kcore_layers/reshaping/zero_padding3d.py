"""``ZeroPadding3D``: adds zeros at both ends of each spatial axis."""

from __future__ import annotations

from kcore_layers import _spatial_args
from kcore_layers.reshaping.base_zero_padding import BaseZeroPadding

__all__ = ["ZeroPadding3D"]


class ZeroPadding3D(BaseZeroPadding):
    """Zero-padding layer for 3D data (spatial or spatio-temporal).

    It adds zeros at both ends of each of the three spatial axes.

    Args:
        padding: an int (the same symmetric padding on every axis), a tuple of 3 ints
            ``(symmetric_dim1_pad, symmetric_dim2_pad, symmetric_dim3_pad)``, or a tuple of
            3 pairs ``((left_dim1_pad, right_dim1_pad), ..., (left_dim3_pad,
            right_dim3_pad))``. Defaults to ``((1, 1), (1, 1), (1, 1))``.
        data_format: ``"channels_last"`` (inputs ``(batch_size, dim1, dim2, dim3, channels)``) or
            ``"channels_first"`` (inputs ``(batch_size, channels, dim1, dim2, dim3)``). Defaults to
            ``kcore.config.image_data_format()``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, dim1, dim2, dim3, channels)``
        or, channels first, ``(batch_size, channels, dim1, dim2, dim3)``.

    Output shape:
        ``(batch_size, padded_dim1, padded_dim2, padded_dim3, channels)``
        or, channels first, ``(batch_size, channels, padded_dim1, padded_dim2, padded_dim3)``.

    Example::

        inputs = kcore.Input(shape=(8, 8, 8, 2))
        outputs = kcore.layers.ZeroPadding3D((1, 2, 3))(inputs)  # shape (None, 10, 12, 14, 2)
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        padding = _spatial_args.pairs(padding, 3, "padding", "ZeroPadding3D")
        data_format = _spatial_args.data_format(data_format, "ZeroPadding3D")
        super().__init__(padding, data_format, **kwargs)
        self.padding = padding
        self.data_format = data_format

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
