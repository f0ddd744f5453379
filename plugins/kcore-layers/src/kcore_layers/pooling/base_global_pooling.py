"""``BaseGlobalPooling``: the shared body of GlobalMax/GlobalAveragePooling1D/2D/3D."""

from __future__ import annotations

from kcore import InputSpec, Layer, ops
from kcore_layers import _spatial_args

__all__ = ["BaseGlobalPooling"]


class BaseGlobalPooling(Layer):
    """Reduces every spatial axis with ``max`` or ``mean``: one ``kcore.ops`` reduction per call.

    Args:
        pool_dimensions: 1, 2 or 3 (set by the subclass).
        pool_mode: ``"max"`` or ``"average"`` (set by the subclass).
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to
            ``kcore.config.image_data_format()``.
        keepdims: whether the reduced axes stay, with length 1.
        **kwargs: base layer arguments (``name``, ``dtype``...).
    """

    def __init__(
        self, pool_dimensions, pool_mode="max", data_format=None, keepdims=False, **kwargs
    ):
        data_format = _spatial_args.data_format(data_format, type(self).__name__)
        super().__init__(**kwargs)
        self.data_format = data_format
        self.keepdims = bool(keepdims)
        self.pool_mode = pool_mode
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        first = 1 if data_format == "channels_last" else 2
        self._axes = tuple(range(first, first + pool_dimensions))
        self._reduce = ops.max if pool_mode == "max" else ops.mean
        self.built = True

    def call(self, inputs):
        return self._reduce(inputs, axis=self._axes, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if self.keepdims:
            return tuple(1 if i in self._axes else d for i, d in enumerate(shape))
        return tuple(d for i, d in enumerate(shape) if i not in self._axes)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}
