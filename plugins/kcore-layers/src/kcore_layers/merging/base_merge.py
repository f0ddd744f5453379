"""``Merge``: the private base of the element-wise merging layers (Add, Multiply, Maximum...).

It checks that the layer gets a list of tensors with one batch size and broadcastable shapes,
lines up inputs of different ranks like Keras 3 (new axes inserted after the batch axis, so the
non-batch dims broadcast from the right), ORs the input masks, and infers output shapes with
``None`` dims.
"""

from __future__ import annotations

from kcore import KerasTensor, Layer, ops

__all__ = [
    "Merge",
    "MaskedMerge",
    "align_mask",
    "broadcast_shapes",
    "check_shape_list",
    "output_dtype",
]


def _is_shape(value) -> bool:
    return isinstance(value, (tuple, list)) and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in value
    )


def check_shape_list(layer, input_shape, min_inputs=1, max_inputs=None):
    """``input_shape`` as a list of shape tuples, or ``ValueError`` saying what was expected.

    Args:
        layer: the layer, for the message.
        input_shape: what ``build`` / ``compute_output_shape`` received.
        min_inputs: the fewest inputs the layer takes.
        max_inputs: the most inputs the layer takes (``None``: no limit).
    """
    cls = type(layer).__name__
    count = (
        f"exactly {min_inputs}"
        if min_inputs == max_inputs
        else f"at least {min_inputs}"
        if max_inputs is None
        else f"{min_inputs} to {max_inputs}"
    )
    if (
        not isinstance(input_shape, (tuple, list))
        or _is_shape(input_shape)
        or not all(_is_shape(s) for s in input_shape)
    ):
        raise ValueError(
            f'Layer "{layer.name}" ({cls}) must be called on a list of {count} tensors, e.g. '
            f"{cls}()([x1, x2]). Received: input_shape={input_shape!r} (not a list of shapes)"
        )
    shapes = [tuple(s) for s in input_shape]
    if len(shapes) < min_inputs or (max_inputs is not None and len(shapes) > max_inputs):
        raise ValueError(
            f'Layer "{layer.name}" ({cls}) must be called on a list of {count} tensors. '
            f"Received {len(shapes)} input(s) with shapes {shapes}"
        )
    batch_sizes = {s[0] for s in shapes if s} - {None}
    if len(batch_sizes) > 1:
        raise ValueError(
            f'Layer "{layer.name}" ({cls}) cannot merge tensors with different batch sizes. '
            f"Received tensors with shapes {shapes}"
        )
    return shapes


def broadcast_shapes(shape1, shape2, layer, all_shapes):
    """The broadcast of two shapes aligned from the right (NumPy rules, ``None`` = unknown).

    An unknown dim against a known dim ``d > 1`` gives ``d`` (a valid input can only be ``1``
    or ``d`` there); against ``1`` or ``None`` it stays unknown.
    """
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    lead = len(shape1) - len(shape2)
    out = list(shape1[:lead])
    for i, j in zip(shape1[lead:], shape2):
        if i == 1:
            out.append(j)
        elif j == 1 or j is None:
            out.append(i)
        elif i is None or i == j:
            out.append(j)
        else:
            raise ValueError(
                f'Layer "{layer.name}" ({type(layer).__name__}): inputs have incompatible '
                f"shapes; every non-batch dim must be equal, 1 or unknown (aligned from the "
                f"right). Received shapes {list(all_shapes)}"
            )
    return tuple(out)


def output_dtype(layer, inputs):
    """The dtype a merge of ``inputs`` (KerasTensors) gives: float inputs count as the layer's
    compute dtype (they are autocast), the rest keep theirs; then the usual promotion."""
    dtypes = []
    for x in inputs:
        dtype = x.dtype
        if layer.autocast and dtype.startswith(("float", "bfloat")):
            dtype = layer.compute_dtype
        dtypes.append(dtype)
    return ops.result_type(*dtypes)


def align_mask(mask, x):
    """``mask`` (e.g. ``(batch, timesteps)``) with trailing axes added and broadcast to ``x``."""
    if mask is None:
        return None
    rank = len(x.shape)
    mask = ops.cast(mask, "bool")
    while len(mask.shape) < rank:
        mask = ops.expand_dims(mask, -1)
    # OR with an all-False tensor shaped like x: broadcasts even where x's dims are unknown.
    return ops.logical_or(mask, ops.zeros_like(x, dtype="bool"))


def _expand_to(x, rank):
    for _ in range(rank - len(x.shape)):
        x = ops.expand_dims(x, 1)
    return x


class Merge(Layer):
    """Base of the element-wise merging layers; subclasses define ``_merge_function``.

    Args:
        **kwargs: base layer arguments (``name``, ``dtype``...).
    """

    _min_inputs = 1
    _max_inputs = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        self.compute_output_shape(input_shape)  # validates count, batch sizes and broadcasting
        self.built = True

    def _check_inputs(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            shape = getattr(inputs, "shape", None)
            raise ValueError(
                f'Layer "{self.name}" ({type(self).__name__}) must be called on a list of '
                f"tensors, e.g. {type(self).__name__}()([x1, x2]). Received: a single "
                f"{type(inputs).__name__} of shape {tuple(shape) if shape is not None else None}"
            )
        n = len(inputs)
        if n < self._min_inputs or (self._max_inputs is not None and n > self._max_inputs):
            check_shape_list(
                self, [tuple(x.shape) for x in inputs], self._min_inputs, self._max_inputs
            )
        return list(inputs)

    def call(self, inputs):
        inputs = self._check_inputs(inputs)
        rank = max(len(x.shape) for x in inputs)
        if any(len(x.shape) != rank for x in inputs):
            inputs = [_expand_to(x, rank) for x in inputs]
        return self._merge_function(inputs)

    def _merge_function(self, inputs):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        shapes = check_shape_list(self, input_shape, self._min_inputs, self._max_inputs)
        batch_sizes = {s[0] for s in shapes if s} - {None}
        out = shapes[0][1:]
        for shape in shapes[1:]:
            out = broadcast_shapes(out, shape[1:], self, shapes)
        return (batch_sizes.pop() if batch_sizes else None, *out)

    def compute_output_spec(self, inputs, **kwargs):
        inputs = self._check_inputs(inputs)
        shape = self.compute_output_shape([x.shape for x in inputs])
        sparse = all(getattr(x, "sparse", False) for x in inputs)
        return KerasTensor(shape, output_dtype(self, inputs), sparse)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        masks = list(mask) if isinstance(mask, (list, tuple)) else [mask]
        if isinstance(inputs, (list, tuple)) and len(masks) != len(inputs):
            raise ValueError(
                f'Layer "{self.name}": `mask` must be a list with one entry (or None) per input. '
                f"Received {len(masks)} masks for {len(inputs)} inputs"
            )
        if any(m is None for m in masks):
            return None
        out = masks[0]
        for m in masks[1:]:
            out = ops.logical_or(out, m)
        return out

    def get_config(self):
        return super().get_config()


class MaskedMerge(Merge):
    """A merge whose computation reads the input masks (Multiply, Maximum, Minimum).

    ``call`` broadcasts each ``(batch, ...)`` mask to its input, then lines the inputs up like
    :class:`Merge`, and hands ``_merge_function`` the inputs and the masks.
    """

    def call(self, inputs, mask=None):
        inputs = self._check_inputs(inputs)
        if mask is None:
            masks = [None] * len(inputs)
        else:
            masks = list(mask) if isinstance(mask, (list, tuple)) else [mask]
            if len(masks) != len(inputs):
                raise ValueError(
                    f'Layer "{self.name}": `mask` must be a list with one entry (or None) per '
                    f"input. Received {len(masks)} masks for {len(inputs)} inputs"
                )
            masks = [align_mask(m, x) for m, x in zip(masks, inputs)]
        rank = max(len(x.shape) for x in inputs)
        if any(len(x.shape) != rank for x in inputs):
            inputs = [_expand_to(x, rank) for x in inputs]
            masks = [None if m is None else _expand_to(m, rank) for m in masks]
        if all(m is None for m in masks):
            return self._merge_function(inputs)
        return self._masked_merge(inputs, masks)

    def _masked_merge(self, inputs, masks):
        raise NotImplementedError

    def _merge_with_or_mask(self, op, inputs, masks):
        """Fold ``op`` over the inputs, where a masked entry does not take part: it is replaced
        by the running result (or the running result by it) before ``op``."""
        output, output_mask = inputs[0], masks[0]
        for x, m in zip(inputs[1:], masks[1:]):
            if m is not None:
                x = ops.where(m, x, output)
            if output_mask is not None:
                output = ops.where(output_mask, output, x)
            output_mask = (
                None if m is None or output_mask is None else ops.logical_or(output_mask, m)
            )
            output = op(output, x)
        return output
