"""``Permute``: permutes the non-batch axes."""

from __future__ import annotations

from kcore import InputSpec, KerasTensor, Layer, ops

__all__ = ["Permute"]


class Permute(Layer):
    """Permutes the dimensions of the input according to a given pattern.

    Args:
        dims: a permutation of ``1..rank-1`` (the batch axis 0 is not included): ``(2, 1)``
            swaps the first and second non-batch axes.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, *dims_in)`` with ``len(dims)`` non-batch axes.

    Output shape:
        The input shape with its non-batch axes reordered by ``dims``.

    Example::

        inputs = kcore.Input(shape=(10, 64))
        outputs = kcore.layers.Permute((2, 1))(inputs)  # shape (None, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received: dims={dims}"
            )
        self.dims = dims
        self.input_spec = InputSpec(ndim=len(dims) + 1)

    def call(self, inputs):
        return ops.transpose(inputs, axes=(0, *self.dims))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), inputs.dtype, inputs.sparse)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}
