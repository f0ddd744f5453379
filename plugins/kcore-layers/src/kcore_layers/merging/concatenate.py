"""``Concatenate`` and ``concatenate``: joins a list of tensors along one axis."""

from __future__ import annotations

from kcore import ops
from kcore_layers.merging.base_merge import Merge, align_mask, check_shape_list

__all__ = ["Concatenate", "concatenate"]


class Concatenate(Merge):
    """Concatenates a list of inputs along ``axis``.

    The inputs must have the same rank and the same dims except along ``axis`` (``None`` dims
    match anything).

    Args:
        axis: the axis to concatenate along (negative counts from the end). Defaults to ``-1``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        A list of tensors ``(batch_size, ...)`` of one rank, at least one.

    Output shape:
        The common shape, with the sum of the inputs' sizes along ``axis``.

    Masks: an input without a mask counts as all kept; the output mask is the concatenation of
    the input masks, reduced over the last axis (``(batch, timesteps)`` for sequences).

    Example::

        x1 = kcore.Input(shape=(10, 8))
        x2 = kcore.Input(shape=(10, 4))
        y = kcore.layers.Concatenate()([x1, x2])  # shape (None, 10, 12)
    """

    def __init__(self, axis=-1, **kwargs):
        if isinstance(axis, bool) or not hasattr(axis, "__index__"):
            raise ValueError(
                f"Concatenate: `axis` must be an integer (negative counts from the end). "
                f"Received: axis={axis!r}"
            )
        super().__init__(**kwargs)
        self.axis = int(axis)

    def call(self, inputs):
        return ops.concatenate(self._check_inputs(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        shapes = check_shape_list(self, input_shape)
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes):
            raise ValueError(
                f'Layer "{self.name}" (Concatenate) requires inputs of the same rank. '
                f"Received shapes {shapes}"
            )
        if not -rank <= self.axis < rank:
            raise ValueError(
                f'Layer "{self.name}" (Concatenate): `axis` {self.axis} is out of range for '
                f"inputs of rank {rank}; use an axis in [{-rank}, {rank - 1}]. "
                f"Received shapes {shapes}"
            )
        axis = self.axis % rank
        out = list(shapes[0])
        for shape in shapes[1:]:
            for i, d in enumerate(shape):
                if i == axis:
                    out[i] = None if out[i] is None or d is None else out[i] + d
                elif out[i] is None:
                    out[i] = d
                elif d is not None and d != out[i]:
                    raise ValueError(
                        f'Layer "{self.name}" (Concatenate) requires inputs with matching '
                        f"shapes except for the concatenation axis {self.axis}; axis {i} "
                        f"differs. Received shapes {shapes}"
                    )
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        masks = list(mask) if isinstance(mask, (list, tuple)) else [mask]
        if not isinstance(inputs, (list, tuple)) or len(masks) != len(inputs):
            raise ValueError(
                f'Layer "{self.name}": `mask` must be a list with one entry (or None) per input. '
                f"Received {len(masks)} masks for inputs {inputs!r}"
            )
        if all(m is None for m in masks):
            return None
        full = []
        for x, m in zip(inputs, masks):
            if m is None:
                full.append(ops.ones_like(x, dtype="bool"))
                continue
            m = ops.cast(m, "bool")
            if len(m.shape) < len(x.shape):
                m = align_mask(m, x)
            full.append(m)
        return ops.any(ops.concatenate(full, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional interface to :class:`Concatenate`: ``Concatenate(axis, **kwargs)(inputs)``.

    Args:
        inputs: a list of tensors.
        axis: the concatenation axis.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Returns:
        The concatenation of the inputs along ``axis``.
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
