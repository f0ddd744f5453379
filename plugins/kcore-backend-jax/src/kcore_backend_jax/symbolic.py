"""Symbolic shape inference: ``compute_output_spec`` through ``jax.eval_shape``.

``KerasTensor`` leaves (anywhere in nested lists, tuples and dicts) become
``jax.ShapeDtypeStruct``; everything else is closed over as a static Python value. Unknown
(``None``) dims are resolved with two traces at different sizes: an output dim that changes
between the two is unknown too.
"""

from __future__ import annotations

import jax

from kcore._symbolic import KerasTensor
from kcore_backend_jax._common import jdtype, standardize_dtype

__all__ = ["compute_output_spec", "dynamic_shape_rules"]

#: op function ``__name__`` -> (op function, rule): symbolic outputs for ops whose output shape
#: depends on values; filled by :mod:`kcore_backend_jax.backend`.
dynamic_shape_rules: dict = {}

# Two primes: an output dim that depends on an unknown input dim differs between the traces.
_SIZES = ((83, 89), (64, 128))


def _is_kt(x):
    return isinstance(x, KerasTensor)


def compute_output_spec(fn, *args, **kwargs):
    """Shapes and dtypes of ``fn(*args, **kwargs)`` as ``KerasTensor``s (no FLOPs).

    Args:
        fn: the function to trace.
        *args: positional arguments; ``KerasTensor`` leaves are traced, the rest is static.
        **kwargs: keyword arguments, same rules.

    Returns:
        The structure ``fn`` returns with ``KerasTensor`` leaves (non-array leaves unchanged).
    """
    leaves, treedef = jax.tree_util.tree_flatten((args, kwargs), is_leaf=_is_kt)
    positions = [i for i, leaf in enumerate(leaves) if _is_kt(leaf)]
    tensors = [leaves[i] for i in positions]
    has_none = any(d is None for kt in tensors for d in kt.shape)

    def traced(*values):
        filled = list(leaves)
        for i, v in zip(positions, values):
            filled[i] = v
        call_args, call_kwargs = jax.tree_util.tree_unflatten(treedef, filled)
        return fn(*call_args, **call_kwargs)

    def structs(size):
        return [
            jax.ShapeDtypeStruct(
                tuple(size if d is None else d for d in kt.shape), jdtype(kt.dtype)
            )
            for kt in tensors
        ]

    try:
        if not has_none:
            return _to_keras(jax.eval_shape(traced, *structs(0)))
        error = None
        for a, b in _SIZES:
            try:
                first = jax.eval_shape(traced, *structs(a))
                second = jax.eval_shape(traced, *structs(b))
            except (ValueError, TypeError, IndexError) as exc:
                error = exc
                continue
            return _merge(first, second)
        raise error
    except (
        jax.errors.ConcretizationTypeError,
        jax.errors.TracerArrayConversionError,
        jax.errors.NonConcreteBooleanIndexError,
    ):
        # Output shape depends on values (nonzero, unique, bincount, ...): use the op's rule.
        rule = dynamic_shape_rules.get(getattr(fn, "__name__", None))
        if rule is None or fn is not rule[0]:
            raise
        return rule[1](*args, **kwargs)


def _merge(first, second):
    def leaf(x, y):
        if isinstance(x, jax.ShapeDtypeStruct):
            shape = tuple(dx if dx == dy else None for dx, dy in zip(x.shape, y.shape))
            return KerasTensor(shape, standardize_dtype(x.dtype))
        return x

    return jax.tree_util.tree_map(leaf, first, second)


def _to_keras(out):
    def leaf(x):
        if isinstance(x, jax.ShapeDtypeStruct):
            return KerasTensor(tuple(x.shape), standardize_dtype(x.dtype))
        return x

    return jax.tree_util.tree_map(leaf, out)


# -- rules for value-dependent output shapes --------------------------------------------------
def _shape_of(x):
    return tuple(x.shape) if hasattr(x, "shape") else ()


def _nonzero_rule(x, *rest, **kwargs):
    return tuple(KerasTensor((None,), "int32") for _ in _shape_of(x))


def _where_rule(condition, x1=None, x2=None):
    return _nonzero_rule(condition)


def _unique_rule(
    x,
    sorted=True,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    shape = _shape_of(x)
    dtype = getattr(x, "dtype", "float32")
    if axis is None:
        values = KerasTensor((size,), dtype)
    else:
        axis = axis % len(shape)
        values = KerasTensor(shape[:axis] + (size,) + shape[axis + 1 :], dtype)
    outs = [values]
    if return_index:
        outs.append(KerasTensor((size,), "int32"))
    if return_inverse:
        outs.append(KerasTensor(shape if axis is None else (shape[axis],), "int32"))
    if return_counts:
        outs.append(KerasTensor((size,), "int32"))
    return outs[0] if len(outs) == 1 else tuple(outs)


def _bincount_rule(x, weights=None, minlength=0, sparse=False):
    dtype = "int32" if weights is None else weights.dtype
    dtype = standardize_dtype(dtype)
    return KerasTensor(_shape_of(x)[:-1] + (None,), dtype)


def _segment_rule(data, segment_ids, num_segments=None, sorted=False):
    return KerasTensor((num_segments,) + _shape_of(data)[1:], standardize_dtype(data.dtype))


def _get_item_rule(x, key):
    # A boolean mask selects an unknown number of elements.
    mask_shape = _shape_of(key)
    return KerasTensor((None,) + _shape_of(x)[len(mask_shape) :], standardize_dtype(x.dtype))


def _ctc_decode_rule(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    batch, max_time = _shape_of(inputs)[:2]
    paths = 1 if strategy == "greedy" else top_paths
    return (
        KerasTensor((paths, batch, max_time), "int32"),
        KerasTensor((batch, paths), standardize_dtype(inputs.dtype)),
    )


RULES_BY_NAME = {
    "nonzero": _nonzero_rule,
    "where": _where_rule,
    "unique": _unique_rule,
    "bincount": _bincount_rule,
    "segment_sum": _segment_rule,
    "segment_max": _segment_rule,
    "segment_min": _segment_rule,
    "segment_prod": _segment_rule,
    "get_item": _get_item_rule,
    "ctc_decode": _ctc_decode_rule,
}
