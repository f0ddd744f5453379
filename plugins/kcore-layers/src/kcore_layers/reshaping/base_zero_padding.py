"""``BaseZeroPadding``: the shared body of ZeroPadding1D/2D/3D (one ``ops.pad`` per call)."""

from __future__ import annotations

from kcore import InputSpec, Layer, ops
from kcore_layers import _spatial_args

__all__ = ["BaseZeroPadding"]


class BaseZeroPadding(Layer):
    """Adds ``(before, after)`` zeros to each spatial axis.

    Subclasses validate their ``padding`` argument, keep it in Keras's config form, and pass
    one ``(before, after)`` pair per spatial axis here.

    Args:
        pad_pairs: a tuple of ``(before, after)`` pairs of non-negative ints, one per axis.
        data_format: ``"channels_last"`` or ``"channels_first"`` (already standardized).
        **kwargs: base layer arguments (``name``, ``dtype``...).
    """

    def __init__(self, pad_pairs, data_format, **kwargs):
        super().__init__(**kwargs)
        n = len(pad_pairs)
        self.input_spec = InputSpec(ndim=n + 2)
        first = 1 if data_format == "channels_last" else 2
        pad_width = [(0, 0)] * (n + 2)
        for i, pair in enumerate(pad_pairs):
            pad_width[first + i] = pair
        self._pad_width = tuple(pad_width)
        self.built = True

    def call(self, inputs):
        return ops.pad(inputs, self._pad_width)

    def compute_output_shape(self, input_shape):
        return tuple(
            None if d is None else d + before + after
            for d, (before, after) in zip(input_shape, self._pad_width)
        )

    def compute_output_spec(self, inputs):
        return _spatial_args.same_dtype_spec(self, inputs, self.compute_output_shape(inputs.shape))
