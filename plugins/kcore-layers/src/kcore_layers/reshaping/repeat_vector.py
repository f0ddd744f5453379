"""``RepeatVector``: repeats a vector ``n`` times along a new time axis."""

from __future__ import annotations

from kcore import InputSpec, KerasTensor, Layer, ops
from kcore_layers._validation import positive_int

__all__ = ["RepeatVector"]


class RepeatVector(Layer):
    """Repeats the input ``n`` times.

    Args:
        n: positive integer, the number of repetitions.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        2D tensor ``(batch_size, features)``.

    Output shape:
        3D tensor ``(batch_size, n, features)``.

    Example::

        inputs = kcore.Input(shape=(32,))
        outputs = kcore.layers.RepeatVector(3)(inputs)  # shape (None, 3, 32)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = positive_int(n, "n")
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), inputs.dtype, inputs.sparse)

    def get_config(self):
        return {**super().get_config(), "n": self.n}
