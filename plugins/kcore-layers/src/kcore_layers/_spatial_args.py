"""Helpers shared by the spatial layers (convolution, pooling, cropping, padding, up-sampling).

The argument checks return the normalized value or raise ``ValueError`` saying what was
expected, what was received and what to pass instead; nothing here touches layer state.
``same_dtype_spec`` is the symbolic output of layers that move values without computing.
"""

from __future__ import annotations

from kcore import KerasTensor, config

__all__ = ["data_format", "int_tuple", "pairs", "padding", "same_dtype_spec"]

_FORMATS = ("channels_last", "channels_first")


def _is_int(value) -> bool:
    return not isinstance(value, bool) and hasattr(value, "__index__")


def data_format(value, layer: str) -> str:
    """``value`` lower-cased, or ``kcore.config.image_data_format()`` when it is ``None``."""
    if value is None:
        return config.image_data_format()
    fmt = value.lower() if isinstance(value, str) else value
    if fmt not in _FORMATS:
        raise ValueError(
            f"{layer}: `data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={value!r}"
        )
    return fmt


def padding(value, layer: str, allow_causal: bool = False) -> str:
    """``"valid"`` / ``"same"`` (and ``"causal"`` if allowed), case-insensitive, lower-cased."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    result = value.lower() if isinstance(value, str) else None
    if result not in allowed:
        hint = "" if allow_causal else " (`causal` padding exists only for Conv1D)"
        raise ValueError(
            f"{layer}: `padding` must be one of {allowed} (case-insensitive){hint}. "
            f"Received: padding={value!r}"
        )
    return result


def int_tuple(value, n: int, name: str, layer: str, minimum: int = 1) -> tuple[int, ...]:
    """An int (repeated ``n`` times) or ``n`` ints, each ``>= minimum``, as a tuple of ints."""
    items = (value,) * n if _is_int(value) else value
    try:
        items = tuple(items)
    except TypeError:
        items = None
    if items is None or len(items) != n or not all(_is_int(v) for v in items):
        raise ValueError(
            f"{layer}: `{name}` must be an integer or a tuple/list of {n} integers. "
            f"Received: {name}={value!r}"
        )
    items = tuple(int(v) for v in items)
    if any(v < minimum for v in items):
        bound = {0: "non-negative (>= 0)", 1: "positive (> 0)"}.get(minimum, f">= {minimum}")
        raise ValueError(
            f"{layer}: every value of `{name}` must be {bound}. Received: {name}={value!r}"
        )
    return items


def pairs(value, n: int, name: str, layer: str) -> tuple[tuple[int, int], ...]:
    """``n`` (before, after) pairs of non-negative ints for cropping or padding.

    Accepts an int (the same symmetric amount on every axis), ``n`` ints (one symmetric amount
    per axis) or ``n`` pairs ``(before, after)``; an int and a pair may be mixed.
    """
    if _is_int(value):
        value_items = (value,) * n
    else:
        try:
            value_items = tuple(value)
        except TypeError:
            value_items = None
    if value_items is None or len(value_items) != n:
        raise ValueError(
            f"{layer}: `{name}` must be an int, a tuple of {n} ints (one symmetric amount per "
            f"spatial axis) or a tuple of {n} (before, after) pairs of ints. "
            f"Received: {name}={value!r}"
        )
    out = []
    for i, item in enumerate(value_items):
        if _is_int(item):
            out.append((int(item), int(item)))
            continue
        try:
            pair = tuple(item)
        except TypeError:
            pair = ()
        if len(pair) != 2 or not all(_is_int(v) for v in pair):
            raise ValueError(
                f"{layer}: entry {i} of `{name}` must be an int or a (before, after) pair of "
                f"ints. Received: {name}={value!r}"
            )
        out.append((int(pair[0]), int(pair[1])))
    if any(v < 0 for pair in out for v in pair):
        raise ValueError(
            f"{layer}: `{name}` cannot be negative; every amount must be >= 0. "
            f"Received: {name}={value!r}"
        )
    return tuple(out)


def same_dtype_spec(layer, inputs, shape) -> KerasTensor:
    """The symbolic output of a layer whose output dtype is its (autocast) input's.

    Integer inputs stay integer (cropping an int32 image gives int32); floating inputs take
    the layer's compute dtype when it autocasts, as the eager call does.
    """
    dtype = inputs.dtype
    if layer.autocast and dtype.startswith(("float", "bfloat")):
        compute = layer.compute_dtype
        if compute.startswith(("float", "bfloat")):
            dtype = compute
    return KerasTensor(shape, dtype, inputs.sparse)
