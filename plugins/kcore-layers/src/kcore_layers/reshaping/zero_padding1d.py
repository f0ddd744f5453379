"""``ZeroPadding1D``: adds zeros at the start and end of the steps axis."""

from __future__ import annotations

from kcore_layers import _spatial_args
from kcore_layers.reshaping.base_zero_padding import BaseZeroPadding

__all__ = ["ZeroPadding1D"]


class ZeroPadding1D(BaseZeroPadding):
    """Zero-padding layer for 1D input (e.g. temporal sequence).

    Args:
        padding: an int (the same number of zeros at the start and the end) or a tuple of 2
            ints ``(left_pad, right_pad)``. Defaults to ``1``.
        data_format: ``"channels_last"`` (inputs ``(batch_size, axis_to_pad, features)``) or
            ``"channels_first"`` (inputs ``(batch_size, features, axis_to_pad)``). Defaults to
            ``kcore.config.image_data_format()``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        3D tensor ``(batch_size, axis_to_pad, features)``
        or, channels first, ``(batch_size, features, axis_to_pad)``.

    Output shape:
        3D tensor ``(batch_size, padded_axis, features)``
        or, channels first, ``(batch_size, features, padded_axis)``.

    Example::

        inputs = kcore.Input(shape=(10, 4))
        outputs = kcore.layers.ZeroPadding1D(padding=(1, 2))(inputs)  # shape (None, 13, 4)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        padding = _spatial_args.int_tuple(padding, 2, "padding", "ZeroPadding1D", minimum=0)
        data_format = _spatial_args.data_format(data_format, "ZeroPadding1D")
        super().__init__((padding,), data_format, **kwargs)
        self.padding = padding
        self.data_format = data_format

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
