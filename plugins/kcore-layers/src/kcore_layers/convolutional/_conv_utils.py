"""Argument normalization and output-length arithmetic shared by the convolution layers.

Every check raises ``ValueError`` saying what was expected, what was received and what to do;
constructors call them before touching any state.
"""

from __future__ import annotations

from kcore import config

__all__ = [
    "conv_output_length",
    "conv_transpose_output_length",
    "int_tuple",
    "normalize_data_format",
    "normalize_padding",
    "check_strides_and_dilation",
]


def int_tuple(value, n: int, name: str, layer: str, allow_zero: bool = False) -> tuple:
    """``value`` (an int or ``n`` ints) as a tuple of ``n`` ints, each > 0 (>= 0 if allowed)."""
    expected = f"an integer or a tuple/list of {n} integers"
    if isinstance(value, bool):
        items = None
    elif hasattr(value, "__index__"):
        items = (int(value),) * n
    else:
        try:
            items = tuple(value)
        except TypeError:
            items = None
        if items is not None and (
            len(items) != n
            or any(isinstance(v, bool) or not hasattr(v, "__index__") for v in items)
        ):
            items = None
        elif items is not None:
            items = tuple(int(v) for v in items)
    if items is None:
        raise ValueError(f"{layer}: `{name}` must be {expected}. Received: {name}={value!r}")
    low = 0 if allow_zero else 1
    if any(v < low for v in items):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(
            f"{layer}: every value of `{name}` must be {bound}. Received: {name}={value!r}"
        )
    return items


def normalize_padding(value, layer: str, allow_causal: bool = False) -> str:
    """``"valid"`` / ``"same"`` (and ``"causal"`` if allowed), case-insensitive."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    padding = value.lower() if isinstance(value, str) else None
    if padding not in allowed:
        hint = "" if allow_causal else " (`causal` padding exists only for Conv1D)"
        raise ValueError(
            f"{layer}: `padding` must be one of {allowed}{hint}. Received: padding={value!r}"
        )
    return padding


def normalize_data_format(value, layer: str) -> str:
    """``"channels_last"`` / ``"channels_first"``; ``None`` means the global image format."""
    data_format = config.image_data_format() if value is None else value
    data_format = data_format.lower() if isinstance(data_format, str) else data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{layer}: `data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={value!r}"
        )
    return data_format


def check_strides_and_dilation(strides: tuple, dilation_rate: tuple, layer: str) -> None:
    """Keras refuses ``strides > 1`` together with ``dilation_rate > 1``."""
    if max(strides) > 1 and max(dilation_rate) > 1:
        raise ValueError(
            f"{layer}: `strides > 1` is not supported together with `dilation_rate > 1`; set "
            f"one of them to 1. Received: strides={strides} and dilation_rate={dilation_rate}"
        )


def conv_output_length(size, kernel: int, stride: int, padding: str, dilation: int):
    """Output length of a convolution along one axis (``None`` stays ``None``)."""
    if size is None:
        return None
    if padding in ("same", "causal"):
        return -(-size // stride)
    effective = (kernel - 1) * dilation + 1
    return (size - effective) // stride + 1


def conv_transpose_output_length(
    size, kernel: int, stride: int, padding: str, output_padding, dilation: int
):
    """Output length of a transposed convolution along one axis (``None`` stays ``None``)."""
    if size is None:
        return None
    effective = (kernel - 1) * dilation + 1
    if output_padding is None:
        if padding == "same":
            return size * stride
        return size * stride + max(effective - stride, 0)
    pad = effective // 2 if padding == "same" else 0
    return (size - 1) * stride + effective - 2 * pad + output_padding
