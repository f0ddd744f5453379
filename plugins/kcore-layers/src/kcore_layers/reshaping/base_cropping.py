"""``BaseCropping``: the shared body of Cropping1D/2D/3D (one slice of the input per call)."""

from __future__ import annotations

from kcore import InputSpec, Layer, ops
from kcore_layers import _spatial_args

__all__ = ["BaseCropping"]


class BaseCropping(Layer):
    """Removes ``(before, after)`` positions from each spatial axis.

    Subclasses validate their ``cropping`` argument, keep it in Keras's config form, and pass
    one ``(before, after)`` pair per spatial axis here.

    Args:
        crop_pairs: a tuple of ``(before, after)`` pairs of non-negative ints, one per axis.
        data_format: ``"channels_last"`` or ``"channels_first"`` (already standardized).
        **kwargs: base layer arguments (``name``, ``dtype``...).
    """

    def __init__(self, crop_pairs, data_format, **kwargs):
        super().__init__(**kwargs)
        n = len(crop_pairs)
        self.input_spec = InputSpec(ndim=n + 2)
        first = 1 if data_format == "channels_last" else 2
        self._spatial = tuple((first + i, pair) for i, pair in enumerate(crop_pairs))
        index = [slice(None)] * (n + 2)
        for axis, (before, after) in self._spatial:
            index[axis] = slice(before, -after if after else None)
        self._index = tuple(index)
        self.built = True

    def _check_sizes(self, shape, received):
        for axis, (before, after) in self._spatial:
            size = shape[axis]
            if size is not None and before + after >= size:
                raise ValueError(
                    f'Layer "{self.name}": `cropping` removes {before} + {after} positions from '
                    f"axis {axis}, which has only {size}; the sum must be smaller than the input "
                    f"size. Received: {received}, cropping={self.cropping}. Crop less or pass a "
                    "larger input."
                )

    def call(self, inputs):
        x = ops.convert_to_tensor(inputs)
        shape = x.shape
        for axis, (before, after) in self._spatial:
            size = shape[axis]
            if size is not None and before + after >= size:
                self._check_sizes(tuple(shape), f"inputs.shape={tuple(shape)}")
        return x[self._index]

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        self._check_sizes(shape, f"input_shape={tuple(input_shape)}")
        for axis, (before, after) in self._spatial:
            if shape[axis] is not None:
                shape[axis] -= before + after
        return tuple(shape)

    def compute_output_spec(self, inputs):
        return _spatial_args.same_dtype_spec(self, inputs, self.compute_output_shape(inputs.shape))
