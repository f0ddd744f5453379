"""``UnitNormalization``: scale each input vector to unit L2 norm."""

from __future__ import annotations

from kcore import Layer, ops
from kcore_layers.normalization.base_normalization import check_axes_in_bounds, check_int_axes

__all__ = ["UnitNormalization"]


class UnitNormalization(Layer):
    """Divides each vector along ``axis`` by its L2 norm (at least ``1e-12``).

    Args:
        axis: an int or a list of ints, the axes holding each vector. Defaults to ``-1``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        Arbitrary. Output shape: same as the input.

    Example::

        layer = kcore.layers.UnitNormalization()
        outputs = layer(np.array([[3.0, 4.0]], "float32"))  # [[0.6, 0.8]]
    """

    def __init__(self, axis=-1, **kwargs):
        axis = check_int_axes("UnitNormalization", axis, allow_list=True)
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return ops.normalize(inputs, axis=self.axis, order=2, epsilon=1e-12)

    def compute_output_shape(self, input_shape):
        check_axes_in_bounds("UnitNormalization", self.axis, input_shape)
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
