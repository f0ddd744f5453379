"""``Flatten``: flattens every axis but the batch axis."""

from __future__ import annotations

import math

from kcore import InputSpec, KerasTensor, Layer, config, ops

__all__ = ["Flatten"]


class Flatten(Layer):
    """Flattens the input. Does not affect the batch size.

    Args:
        data_format: ``"channels_last"`` or ``"channels_first"``; with ``"channels_first"``
            the channels axis is moved last before flattening, so a model gives the same
            flattened order whichever format its images use. Defaults to
            ``kcore.config.image_data_format()``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, ...)``, rank ≥ 1 (rank 1 gives ``(batch_size, 1)``).

    Output shape:
        ``(batch_size, product of the other dims)``.

    Example::

        inputs = kcore.Input(shape=(28, 28))
        outputs = kcore.layers.Flatten()(inputs)  # shape (None, 784)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        data_format = data_format or config.image_data_format()
        data_format = str(data_format).lower()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                "The `data_format` argument must be one of ('channels_first', 'channels_last'). "
                f"Received: data_format={data_format!r}"
            )
        self.data_format = data_format
        self.input_spec = InputSpec(min_ndim=1)
        self._channels_first = data_format == "channels_first"

    def call(self, inputs):
        shape = ops.shape(inputs)
        rank = len(shape)
        if self._channels_first and rank > 2:
            inputs = ops.transpose(inputs, axes=(0, *range(2, rank), 1))
        dims = shape[1:]
        if not dims:
            flat = 1
        elif any(not isinstance(d, int) for d in dims):
            flat = -1
        else:
            flat = math.prod(dims)
        return ops.reshape(inputs, (shape[0], flat))

    def compute_output_shape(self, input_shape):
        dims = tuple(input_shape)[1:]
        if not dims:
            flat = 1
        elif any(d is None for d in dims):
            flat = None
        else:
            flat = math.prod(dims)
        return (input_shape[0], flat)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), inputs.dtype, inputs.sparse)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
