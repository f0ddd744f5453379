"""``BaseUpSampling``: the shared body of UpSampling1D/2D/3D (nearest-neighbour repetition)."""

from __future__ import annotations

from kcore import InputSpec, Layer, ops
from kcore_layers import _spatial_args

__all__ = ["BaseUpSampling"]


class BaseUpSampling(Layer):
    """Repeats every position ``size`` times along each spatial axis (one ``ops.repeat`` per
    axis whose factor is not 1).

    Subclasses validate ``size`` and keep it in Keras's config form.

    Args:
        factors: a tuple of positive ints, one repetition factor per spatial axis.
        data_format: ``"channels_last"`` or ``"channels_first"`` (already standardized).
        **kwargs: base layer arguments (``name``, ``dtype``...).
    """

    def __init__(self, factors, data_format, **kwargs):
        super().__init__(**kwargs)
        n = len(factors)
        self.input_spec = InputSpec(ndim=n + 2)
        first = 1 if data_format == "channels_last" else 2
        self._factors = tuple((first + i, f) for i, f in enumerate(factors))
        self._repeats = tuple((axis, f) for axis, f in self._factors if f != 1)
        self.built = True

    def call(self, inputs):
        x = inputs
        for axis, factor in self._repeats:
            x = ops.repeat(x, factor, axis=axis)
        return x if self._repeats else ops.convert_to_tensor(x)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, factor in self._factors:
            if shape[axis] is not None:
                shape[axis] *= factor
        return tuple(shape)

    def compute_output_spec(self, inputs):
        return _spatial_args.same_dtype_spec(self, inputs, self.compute_output_shape(inputs.shape))
