"""``Reshape``: reshapes every sample to ``target_shape``."""

from __future__ import annotations

import math

from kcore import KerasTensor, Layer, ops

__all__ = ["Reshape"]


def _validate_target_shape(target_shape):
    try:
        target_shape = tuple(target_shape)
    except TypeError:
        raise ValueError(
            "Invalid value for argument `target_shape`: expected a tuple of integers. "
            f"Received: target_shape={target_shape!r}"
        ) from None
    bad = [d for d in target_shape if isinstance(d, bool) or not isinstance(d, int)]
    if bad or any(d == 0 or d < -1 for d in target_shape) or target_shape.count(-1) > 1:
        raise ValueError(
            "Invalid value for argument `target_shape`: expected positive integers and at most "
            f"one -1 (an inferred dim). Received: target_shape={target_shape!r}"
        )
    return target_shape


def _resolve_target(sample_shape, target_shape):
    """``target_shape`` with its ``-1`` filled in when the sample size is known (else None)."""
    if -1 not in target_shape:
        known = math.prod(target_shape)
        if None not in sample_shape and math.prod(sample_shape) != known:
            raise ValueError(
                f"Reshape: the input holds {math.prod(sample_shape)} values per sample "
                f"(shape {tuple(sample_shape)}), which cannot be reshaped to {target_shape}."
            )
        return target_shape
    if None in sample_shape:
        return tuple(None if d == -1 else d for d in target_shape)
    size, known = math.prod(sample_shape), math.prod(d for d in target_shape if d != -1)
    if known == 0 or size % known:
        raise ValueError(
            f"Reshape: the input holds {size} values per sample (shape {tuple(sample_shape)}), "
            f"which cannot be reshaped to {target_shape}."
        )
    return tuple(size // known if d == -1 else d for d in target_shape)


class Reshape(Layer):
    """Reshapes the inputs into ``target_shape`` (the batch axis is kept).

    Args:
        target_shape: the shape of each sample, a tuple of integers; one of them may be ``-1``
            to infer it from the input size.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, ...)`` with as many values per sample as ``target_shape`` holds.

    Output shape:
        ``(batch_size, *target_shape)``.

    Example::

        inputs = kcore.Input(shape=(12,))
        outputs = kcore.layers.Reshape((3, -1))(inputs)  # shape (None, 3, 4)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = _validate_target_shape(target_shape)
        self.built = True

    def call(self, inputs):
        shape = ops.shape(inputs)
        target = _resolve_target(tuple(shape[1:]), self.target_shape)
        return ops.reshape(inputs, (shape[0], *(-1 if d is None else d for d in target)))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *_resolve_target(tuple(input_shape)[1:], self.target_shape))

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), inputs.dtype, inputs.sparse)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}
