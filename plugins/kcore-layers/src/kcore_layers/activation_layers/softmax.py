"""``Softmax``: the softmax activation as a layer, with an optional mask."""

from __future__ import annotations

from kcore import Layer, ops
from kcore.backend import standardize_dtype

__all__ = ["Softmax"]


def _check_axis(axis):
    def is_int(a):
        return not isinstance(a, bool) and hasattr(a, "__index__")

    if is_int(axis):
        return int(axis)
    if isinstance(axis, (list, tuple)) and axis and all(is_int(a) for a in axis):
        return type(axis)(int(a) for a in axis)
    raise ValueError(
        "Softmax: `axis` must be an integer or a non-empty list of integers. "
        f"Received: axis={axis!r}"
    )


def _large_negative(dtype):
    """The value masked logits get: far below any real logit, yet finite in ``dtype``."""
    return -3e4 if standardize_dtype(dtype) == "float16" else -1e9


class Softmax(Layer):
    """Softmax activation layer: ``exp(x - max(x)) / sum(exp(x - max(x)))`` along ``axis``.

    Args:
        axis: an integer, or a list of integers, the axis (axes) normalized over. Defaults
            to ``-1``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        inputs: the logits.
        mask: optional mask broadcastable to ``inputs`` (each dim 1 or the input's, aligned
            from the right; ``True`` or > 0.5 = keep). Masked positions get a large negative
            logit (``-1e9``; ``-3e4`` in float16) before the softmax and exactly 0 after it, so
            a fully masked row gives zeros.

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example::

        layer = kcore.layers.Softmax()
        layer(np.array([1.0, 2.0, 1.0]))  # [0.212, 0.576, 0.212]
        layer(np.array([1.0, 2.0, 1.0]), mask=np.array([True, False, True]))  # [0.5, 0, 0.5]
    """

    def __init__(self, axis=-1, **kwargs):
        axis = _check_axis(axis)
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def _check_mask(self, inputs, mask):
        in_shape, mask_shape = tuple(inputs.shape), tuple(mask.shape)
        ok = len(mask_shape) <= len(in_shape) and all(
            m is None or i is None or m in (1, i)
            for m, i in zip(reversed(mask_shape), reversed(in_shape))
        )
        if not ok:
            raise ValueError(
                f'Layer "{self.name}" (Softmax): `mask` must be broadcastable to `inputs`: no '
                "more dims, and each dim 1 or equal to the input's (aligned from the right). "
                f"Received: inputs.shape={in_shape}, mask.shape={mask_shape}"
            )

    def call(self, inputs, mask=None):
        if mask is not None:
            self._check_mask(inputs, mask)
            if ops.dtype(mask) != "bool":
                mask = ops.greater(mask, 0.5)
            dtype = ops.dtype(inputs)
            inputs = ops.where(mask, inputs, ops.cast(_large_negative(dtype), dtype))
        axis = self.axis
        if isinstance(axis, int):
            outputs = ops.softmax(inputs, axis=axis)
        elif len(axis) == 1:
            outputs = ops.softmax(inputs, axis=axis[0])
        else:
            outputs = ops.exp(
                ops.subtract(inputs, ops.logsumexp(inputs, axis=tuple(axis), keepdims=True))
            )
        if mask is not None:
            outputs = ops.where(mask, outputs, ops.zeros_like(outputs))
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
