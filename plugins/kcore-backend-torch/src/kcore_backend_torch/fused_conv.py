"""Fused convolution + bias for torch: ``F.conv{1,2,3}d(x, weight, bias)`` in one kernel.

Registered as the ``"Conv"`` fused kernel (``kcore_fused_kernels``). kcore-layers' Conv1D/2D/3D
call ``kcore.backend.fused_kernel("Conv")`` once at build with the layer's geometry; this
returns a :class:`ConvBias` specialized to it (or ``None`` for a geometry it does not cover:
``"same"`` padding with strides > 1, whose padding depends on the input size). Calling it
gives the generic path's numbers (``ops.conv`` then ``ops.add(bias)``) with less work: torch
adds the bias inside the convolution (no separate pass over the output) and every layout and
padding decision was taken at build.

When a trainable bias needs a gradient, the bias is added after the convolution instead
(exactly the generic path's ops): measured on CPU (oneDNN, channels_last), the bias gradient
computed inside the convolution backward costs more than a separate add and its reduction.
Training still saves the generic path's per-call argument handling.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["ConvBias", "conv"]

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


class ConvBias:
    """``conv(inputs, kernel) + bias`` for one layer geometry (picklable; no closures).

    Called as ``fused(inputs, kernel, bias)`` with a Keras-layout ``kernel``
    ``(*spatial, in / groups, out)`` and ``bias`` ``(out,)`` or ``None``; returns
    ``NotImplemented`` (before doing anything) for inputs it does not cover, so the caller
    falls back to the generic ops.
    """

    __slots__ = (
        "rank", "strides", "padding", "pre_pad", "dilation", "groups", "last", "perm", "bias_view"
    )  # fmt: skip

    def __init__(self, rank, strides, padding, pre_pad, dilation, groups, channels_last):
        self.rank = rank
        self.strides = strides
        self.padding = padding  # symmetric padding torch applies itself
        self.pre_pad = pre_pad  # asymmetric padding applied with F.pad first (or None)
        self.dilation = dilation
        self.groups = groups
        self.last = channels_last
        # (*spatial, in, out) -> (out, in, *spatial): a view, no copy.
        self.perm = (rank + 1, rank, *range(rank))
        self.bias_view = (-1,) + (1,) * rank  # channels_first broadcasting

    def __call__(self, inputs, kernel, bias):
        if (
            type(inputs) is not torch.Tensor
            or inputs.dtype != kernel.dtype
            or inputs.dim() != self.rank + 2
        ):
            return NotImplemented
        # channels_last: the movedim view of an NHWC tensor is torch's channels_last memory
        # format, which oneDNN convolves directly (no copy); the output moves back as a view.
        x = torch.movedim(inputs, -1, 1) if self.last else inputs
        if self.pre_pad is not None:
            x = F.pad(x, self.pre_pad)
        add_after = bias is not None and bias.requires_grad and torch.is_grad_enabled()
        out = _CONV[self.rank](
            x,
            kernel.permute(self.perm),
            None if add_after else bias,
            self.strides,
            self.padding,
            self.dilation,
            self.groups,
        )
        if self.last:
            out = torch.movedim(out, 1, -1)
            return out + bias if add_after else out
        return out + bias.view(self.bias_view) if add_after else out

    def __repr__(self):
        return (
            f"ConvBias(rank={self.rank}, strides={self.strides}, padding={self.padding}, "
            f"pre_pad={self.pre_pad}, dilation={self.dilation}, groups={self.groups})"
        )


def conv(rank, kernel_size, strides, padding, data_format, dilation_rate, groups):
    """A :class:`ConvBias` for this geometry, or ``None`` if the generic path must run.

    Args:
        rank: spatial dims (1, 2, 3).
        kernel_size, strides, dilation_rate: tuples of ``rank`` ints.
        padding: ``"valid"``, ``"same"`` or ``"causal"`` (left padding of the time axis).
        data_format: ``"channels_last"`` or ``"channels_first"``.
        groups: the number of channel groups.
    """
    if rank not in _CONV or padding not in ("valid", "same", "causal"):
        return None
    strides, dilation = tuple(strides), tuple(dilation_rate)
    totals = [d * (k - 1) for k, d in zip(kernel_size, dilation)]
    pre_pad = None
    conv_padding = (0,) * rank
    if padding == "causal":
        if rank != 1:
            return None
        pre_pad = (totals[0], 0)
    elif padding == "same":
        if any(s != 1 for s in strides):
            return None  # TF "same" padding then depends on the input size
        if all(t % 2 == 0 for t in totals):
            conv_padding = tuple(t // 2 for t in totals)
        else:  # TensorFlow puts the odd extra row/column after: pad explicitly
            flat = []
            for t in reversed(totals):
                flat += [t // 2, t - t // 2]
            pre_pad = tuple(flat)
    return ConvBias(
        rank, strides, conv_padding, pre_pad, dilation, int(groups), data_format == "channels_last"
    )
