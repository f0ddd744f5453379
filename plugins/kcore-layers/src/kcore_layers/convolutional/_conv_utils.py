"""Output-length arithmetic and the strides/dilation check of the convolution layers (the
argument normalizers they share with the other spatial layers are in ``_spatial_args``).

Every check raises ``ValueError`` saying what was expected, what was received and what to do;
constructors call them before touching any state.
"""

from __future__ import annotations

__all__ = [
    "conv_output_length",
    "conv_transpose_output_length",
    "check_strides_and_dilation",
]


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
