"""``UpSampling3D``: repeats each position along the three spatial axes."""

from __future__ import annotations

from kcore_layers import _spatial_args
from kcore_layers.reshaping.base_up_sampling import BaseUpSampling

__all__ = ["UpSampling3D"]


class UpSampling3D(BaseUpSampling):
    """Upsampling layer for 3D inputs.

    Repeats the 1st, 2nd and 3rd spatial dimensions by ``size[0]``, ``size[1]`` and
    ``size[2]`` (one ``kcore.ops.repeat`` per axis whose factor is not 1).

    Args:
        size: an int or a tuple of 3 positive ints, the upsampling factors of ``dim1``,
            ``dim2`` and ``dim3``. Defaults to ``(2, 2, 2)``.
        data_format: ``"channels_last"`` (inputs ``(batch_size, dim1, dim2, dim3, channels)``)
            or ``"channels_first"`` (inputs ``(batch_size, channels, dim1, dim2, dim3)``).
            Defaults to ``kcore.config.image_data_format()``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, dim1, dim2, dim3, channels)``
        or, channels first, ``(batch_size, channels, dim1, dim2, dim3)``.

    Output shape:
        ``(batch_size, upsampled_dim1, upsampled_dim2, upsampled_dim3, channels)``
        or, channels first, ``(batch_size, channels, upsampled_dim1, upsampled_dim2,
        upsampled_dim3)``.

    Example::

        inputs = kcore.Input(shape=(4, 4, 4, 2))
        outputs = kcore.layers.UpSampling3D(size=2)(inputs)  # shape (None, 8, 8, 8, 2)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        size = _spatial_args.int_tuple(size, 3, "size", "UpSampling3D")
        data_format = _spatial_args.data_format(data_format, "UpSampling3D")
        super().__init__(size, data_format, **kwargs)
        self.size = size
        self.data_format = data_format

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
