"""``BasePooling``: the shared body of MaxPooling1D/2D/3D and AveragePooling1D/2D/3D."""

from __future__ import annotations

from kcore import InputSpec, Layer, ops
from kcore_layers import _spatial_args

__all__ = ["BasePooling"]


class BasePooling(Layer):
    """Max or average pooling over ``pool_dimensions`` spatial axes: one native op per call.

    Args:
        pool_size: an int or a tuple of ``pool_dimensions`` ints, the window size.
        strides: an int, a tuple of ints, or ``None`` (then ``pool_size``).
        padding: ``"valid"`` (no padding) or ``"same"`` (pads so that the output has
            ``ceil(input / strides)`` positions), case-insensitive.
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to
            ``kcore.config.image_data_format()``.
        pool_dimensions: 1, 2 or 3 (set by the subclass).
        pool_mode: ``"max"`` or ``"average"`` (set by the subclass).
        **kwargs: base layer arguments (``name``, ``dtype``...).
    """

    def __init__(
        self,
        pool_size,
        strides,
        pool_dimensions,
        pool_mode="max",
        padding="valid",
        data_format=None,
        **kwargs,
    ):
        layer = type(self).__name__
        pool_size = _spatial_args.int_tuple(pool_size, pool_dimensions, "pool_size", layer)
        strides = (
            pool_size
            if strides is None
            else _spatial_args.int_tuple(strides, pool_dimensions, "strides", layer)
        )
        padding = _spatial_args.padding(padding, layer)
        data_format = _spatial_args.data_format(data_format, layer)
        super().__init__(**kwargs)
        self.pool_size = pool_size
        self.strides = strides
        self.padding = padding
        self.data_format = data_format
        self.pool_mode = pool_mode
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self._pool = ops.max_pool if pool_mode == "max" else ops.average_pool
        self.built = True

    def call(self, inputs):
        return self._pool(inputs, self.pool_size, self.strides, self.padding, self.data_format)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = 1 if self.data_format == "channels_last" else 2
        for i, (size, pool, stride) in enumerate(zip(shape[first:], self.pool_size, self.strides)):
            if size is None:
                continue
            if self.padding == "same":
                out = (size - 1) // stride + 1
            else:
                out = (size - pool) // stride + 1
            if out <= 0:
                raise ValueError(
                    f'Layer "{self.name}": the pooled output size would be zero or negative. '
                    f"Received: input_shape={tuple(input_shape)}, pool_size={self.pool_size}, "
                    f"strides={self.strides}, padding={self.padding!r}. Use a smaller "
                    "`pool_size`, padding='same', or a larger input."
                )
            shape[first + i] = out
        return tuple(shape)

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }
