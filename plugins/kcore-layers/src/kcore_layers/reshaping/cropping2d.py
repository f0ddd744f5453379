"""``Cropping2D``: crops positions off both ends of each spatial axis."""

from __future__ import annotations

from kcore_layers import _spatial_args
from kcore_layers.reshaping.base_cropping import BaseCropping

__all__ = ["Cropping2D"]


class Cropping2D(BaseCropping):
    """Cropping layer for 2D input (e.g. picture).

    It crops along height and width.

    Args:
        cropping: an int (the same symmetric amount on height and width), a tuple of 2
            ints ``(symmetric_height_crop, symmetric_width_crop)``, or a tuple of 2 pairs
            ``((top_crop, bottom_crop), (left_crop, right_crop))``.
            Defaults to ``((0, 0), (0, 0))``.
        data_format: ``"channels_last"`` (inputs ``(batch_size, height, width, channels)``) or
            ``"channels_first"`` (inputs ``(batch_size, channels, height, width)``). Defaults to
            ``kcore.config.image_data_format()``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, height, width, channels)``
        or, channels first, ``(batch_size, channels, height, width)``.

    Output shape:
        ``(batch_size, cropped_height, cropped_width, channels)``
        or, channels first, ``(batch_size, channels, cropped_height, cropped_width)``.

    Raises:
        ValueError: at construction for a negative or malformed ``cropping``; when called on
            an input whose spatial axis is not longer than its two crops together.

    Example::

        inputs = kcore.Input(shape=(28, 28, 3))
        outputs = kcore.layers.Cropping2D(((2, 2), (4, 4)))(inputs)  # shape (None, 24, 20, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        cropping = _spatial_args.pairs(cropping, 2, "cropping", "Cropping2D")
        data_format = _spatial_args.data_format(data_format, "Cropping2D")
        super().__init__(cropping, data_format, **kwargs)
        self.cropping = cropping
        self.data_format = data_format

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}
