"""``Cropping1D``: crops positions off the start and end of the steps axis."""

from __future__ import annotations

from kcore_layers import _spatial_args
from kcore_layers.reshaping.base_cropping import BaseCropping

__all__ = ["Cropping1D"]


class Cropping1D(BaseCropping):
    """Cropping layer for 1D input (e.g. temporal sequence).

    It crops along the time dimension (axis 1).

    Args:
        cropping: an int (the same amount at the start and the end) or a tuple of 2 ints
            ``(start, end)``, the number of steps removed. Defaults to ``(1, 1)``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        3D tensor ``(batch_size, axis_to_crop, features)``.

    Output shape:
        3D tensor ``(batch_size, cropped_axis, features)``.

    Raises:
        ValueError: at construction for a negative or malformed ``cropping``; when called on
            an input whose steps axis is not longer than ``start + end``.

    Example::

        inputs = kcore.Input(shape=(10, 4))
        outputs = kcore.layers.Cropping1D(cropping=(1, 2))(inputs)  # shape (None, 7, 4)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        cropping = _spatial_args.int_tuple(cropping, 2, "cropping", "Cropping1D", minimum=0)
        super().__init__((cropping,), "channels_last", **kwargs)
        self.cropping = cropping

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping}
