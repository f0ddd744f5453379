"""``Dot`` and ``dot``: per-sample dot product of two tensors along chosen axes."""

from __future__ import annotations

import string

from kcore import ops
from kcore_layers.merging.base_merge import Merge, check_shape_list

__all__ = ["Dot", "dot"]


def _check_axes(axes):
    def is_int(a):
        return not isinstance(a, bool) and hasattr(a, "__index__")

    if is_int(axes):
        return int(axes)
    if not isinstance(axes, (list, tuple)):
        raise TypeError(
            "Dot: `axes` must be an integer or a list/tuple of two integers (one axis per "
            f"input). Received: axes={axes!r}"
        )
    if len(axes) != 2 or not all(is_int(a) for a in axes):
        raise ValueError(
            "Dot: `axes` must be an integer or a list/tuple of two integers (one axis per "
            f"input). Received: axes={axes!r}"
        )
    return type(axes)(int(a) for a in axes)


class Dot(Merge):
    """Computes the dot product of two tensors, sample by sample.

    For inputs ``x`` ``(batch, 3, 5)`` and ``y`` ``(batch, 10, 3)`` with ``axes=(1, 2)``, the
    output is ``(batch, 5, 10)``: ``out[b, i, j] = sum_k x[b, k, i] * y[b, j, k]``. The output
    has ``x``'s dims (minus the summed one) then ``y``'s (minus the batch and summed ones); a
    result of rank 1 is returned as ``(batch, 1)``.

    Args:
        axes: an integer (the same axis in both inputs) or a pair ``(axis_x, axis_y)``; the
            two axes must have the same size and cannot be the batch axis 0. Negative values
            count from the end of each input.
        normalize: whether to L2-normalize each sample along its dot axis first, so the output
            is the cosine similarity. Defaults to ``False``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        A list of exactly two tensors of rank >= 2.

    Output shape:
        As described above.

    Example::

        x = kcore.Input(shape=(8,))
        y = kcore.Input(shape=(8,))
        cos = kcore.layers.Dot(axes=1, normalize=True)([x, y])  # shape (None, 1)
    """

    _min_inputs = 2
    _max_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        axes = _check_axes(axes)
        super().__init__(**kwargs)
        self.axes = axes
        self.normalize = bool(normalize)
        self._plans = {}  # (rank of x, rank of y) -> (axis of x, axis of y, einsum equation)

    def _resolve_axes(self, shape1, shape2):
        """Both axes as non-negative ints for inputs of these shapes; checks them."""
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        resolved = []
        for i, (axis, shape) in enumerate(zip(pair, (shape1, shape2))):
            rank = len(shape)
            if rank < 2:
                raise ValueError(
                    f'Layer "{self.name}" (Dot) needs inputs of rank >= 2 (batch, ...). '
                    f"Received shapes {tuple(shape1)} and {tuple(shape2)}"
                )
            if not -rank <= axis < rank or axis % rank == 0:
                raise ValueError(
                    f'Layer "{self.name}" (Dot): axis {axis} of input {i} must be a non-batch '
                    f"axis, in [1, {rank - 1}] or [{-rank + 1}, -1]. Received shapes "
                    f"{tuple(shape1)} and {tuple(shape2)} with axes={self.axes!r}"
                )
            resolved.append(axis % rank)
        a1, a2 = resolved
        d1, d2 = shape1[a1], shape2[a2]
        if d1 is not None and d2 is not None and d1 != d2:
            raise ValueError(
                f'Layer "{self.name}" (Dot): the dot axes must have the same size; axis {a1} '
                f"of input 0 has {d1}, axis {a2} of input 1 has {d2}. Received shapes "
                f"{tuple(shape1)} and {tuple(shape2)}"
            )
        return a1, a2

    def _plan(self, shape1, shape2):
        key = (len(shape1), len(shape2))
        plan = self._plans.get(key)
        if plan is None:
            a1, a2 = self._resolve_axes(shape1, shape2)
            letters = iter(string.ascii_letters)
            x_sub = [next(letters) for _ in shape1]
            y_sub = [next(letters) for _ in shape2]
            y_sub[0], y_sub[a2] = x_sub[0], x_sub[a1]  # shared batch and summed letters
            out_sub = [c for i, c in enumerate(x_sub) if i != a1]
            out_sub += [c for i, c in enumerate(y_sub) if i not in (0, a2)]
            equation = f"{''.join(x_sub)},{''.join(y_sub)}->{''.join(out_sub)}"
            plan = self._plans[key] = (a1, a2, equation, len(out_sub) == 1)
        return plan

    def call(self, inputs):
        x, y = self._check_inputs(inputs)
        a1, a2, equation, expand = self._plan(x.shape, y.shape)
        if self.normalize:
            x = ops.normalize(x, axis=a1)
            y = ops.normalize(y, axis=a2)
        output = ops.einsum(equation, x, y)
        return ops.expand_dims(output, -1) if expand else output

    def compute_output_shape(self, input_shape):
        shape1, shape2 = check_shape_list(self, input_shape, 2, 2)
        a1, a2 = self._resolve_axes(shape1, shape2)
        batch = shape1[0] if shape1[0] is not None else shape2[0]
        out = [batch, *(d for i, d in enumerate(shape1) if i not in (0, a1))]
        out += [d for i, d in enumerate(shape2) if i not in (0, a2)]
        if len(out) == 1:
            out.append(1)
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs, axes=-1, **kwargs):
    """Functional interface to :class:`Dot`: ``Dot(axes, **kwargs)(inputs)``.

    Args:
        inputs: a list of two tensors.
        axes: an integer or a pair of integers, the axes to take the dot product along.
        **kwargs: ``normalize`` and base layer arguments (``name``, ``dtype``...).

    Returns:
        The per-sample dot product of the inputs.
    """
    return Dot(axes=axes, **kwargs)(inputs)
