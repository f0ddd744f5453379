"""``ZeroPadding2D``: adds zeros at both ends of each spatial axis."""

from __future__ import annotations

from kcore_layers import _spatial_args
from kcore_layers.reshaping.base_zero_padding import BaseZeroPadding

__all__ = ["ZeroPadding2D"]


class ZeroPadding2D(BaseZeroPadding):
    """Zero-padding layer for 2D input (e.g. picture).

    It adds rows and columns of zeros at the top, bottom, left and right of an image.

    Args:
        padding: an int (the same symmetric padding on height and width), a tuple of 2
            ints ``(symmetric_height_pad, symmetric_width_pad)``, or a tuple of 2 pairs
            ``((top_pad, bottom_pad), (left_pad, right_pad))``. Defaults to ``(1, 1)``.
        data_format: ``"channels_last"`` (inputs ``(batch_size, height, width, channels)``) or
            ``"channels_first"`` (inputs ``(batch_size, channels, height, width)``). Defaults to
            ``kcore.config.image_data_format()``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, height, width, channels)``
        or, channels first, ``(batch_size, channels, height, width)``.

    Output shape:
        ``(batch_size, padded_height, padded_width, channels)``
        or, channels first, ``(batch_size, channels, padded_height, padded_width)``.

    Example::

        inputs = kcore.Input(shape=(28, 28, 3))
        outputs = kcore.layers.ZeroPadding2D(((1, 2), (3, 4)))(inputs)  # shape (None, 31, 35, 3)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        padding = _spatial_args.pairs(padding, 2, "padding", "ZeroPadding2D")
        data_format = _spatial_args.data_format(data_format, "ZeroPadding2D")
        super().__init__(padding, data_format, **kwargs)
        self.padding = padding
        self.data_format = data_format

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
