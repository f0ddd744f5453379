"""``UpSampling2D``: enlarges images by integer factors (repetition or interpolation)."""

from __future__ import annotations

from kcore import ops
from kcore_layers import _spatial_args
from kcore_layers.reshaping.base_up_sampling import BaseUpSampling

__all__ = ["UpSampling2D"]

# The resize methods Keras 3's UpSampling2D accepts.
_INTERPOLATIONS = ("bicubic", "bilinear", "lanczos3", "lanczos5", "nearest")


class UpSampling2D(BaseUpSampling):
    """Upsampling layer for 2D inputs.

    With ``interpolation="nearest"`` each row and column is repeated (``kcore.ops.repeat``);
    any other method resizes the image to ``(rows * size[0], cols * size[1])`` with
    ``kcore.ops.resize`` (half-pixel centres, no antialiasing).

    Args:
        size: an int or a tuple of 2 positive ints, the upsampling factors of rows and
            columns. Defaults to ``(2, 2)``.
        data_format: ``"channels_last"`` (inputs ``(batch_size, rows, cols, channels)``) or
            ``"channels_first"`` (inputs ``(batch_size, channels, rows, cols)``). Defaults to
            ``kcore.config.image_data_format()``.
        interpolation: one of ``"bicubic"``, ``"bilinear"``, ``"lanczos3"``, ``"lanczos5"``,
            ``"nearest"`` (case-insensitive). Defaults to ``"nearest"``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, rows, cols, channels)`` or, channels first,
        ``(batch_size, channels, rows, cols)``.

    Output shape:
        ``(batch_size, upsampled_rows, upsampled_cols, channels)`` or, channels first,
        ``(batch_size, channels, upsampled_rows, upsampled_cols)``.

    Example::

        inputs = kcore.Input(shape=(7, 7, 16))
        outputs = kcore.layers.UpSampling2D(size=2, interpolation="bilinear")(inputs)
        # shape (None, 14, 14, 16)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        size = _spatial_args.int_tuple(size, 2, "size", "UpSampling2D")
        data_format = _spatial_args.data_format(data_format, "UpSampling2D")
        method = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if method not in _INTERPOLATIONS:
            raise ValueError(
                f"UpSampling2D: `interpolation` must be one of {_INTERPOLATIONS}. "
                f"Received: interpolation={interpolation!r}"
            )
        super().__init__(size, data_format, **kwargs)
        self.size = size
        self.data_format = data_format
        self.interpolation = method

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        shape = ops.shape(inputs)
        (row_axis, rows), (col_axis, cols) = self._factors
        return ops.resize(
            inputs,
            (shape[row_axis] * rows, shape[col_axis] * cols),
            interpolation=self.interpolation,
            data_format=self.data_format,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }
