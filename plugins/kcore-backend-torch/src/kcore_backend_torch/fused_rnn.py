"""Fused LSTM / GRU loops for torch: the native kernels behind ``torch.nn.LSTM`` / ``GRU``.

Registered through ``kcore_fused_kernels`` as ``"LSTM"`` and ``"GRU"``; kcore-layers' ``LSTM``
and ``GRU`` call them in place of their generic ``kcore.ops.scan`` loop when the configuration
is one torch computes (tanh / sigmoid, no recurrent dropout, no mask...). The numbers are the
generic path's: same formulas, float rounding aside.

Keras weights go in without copies for the LSTM: torch's ``weight_ih`` ``(4u, in)`` with gates
i, f, g, o is Keras's ``kernel`` ``(in, 4u)`` with gates i, f, c, o, transposed (a view).
Keras has one bias; torch's second one (``b_hh``) is a cached zero vector. The GRU's gates
differ in order (Keras z, r, h; torch r, z, n), so its weights are re-ordered by one
``torch.cat`` per weight per call (a few microseconds; gradients flow back through it). Keras's
``reset_after`` GRU bias ``(2, 3u)`` is torch's ``b_ih`` (row 0) and ``b_hh`` (row 1).

A mask is taken when it is *right-padded* (each row: valid steps, then padding; at least one
valid step) and the sequence runs forwards: the valid parts go through torch's packed-sequence
kernel and padded steps get Keras's outputs (the last valid output, or zeros with
``zero_output_for_mask``). Checking the mask costs one host sync.

Each kernel returns ``(last_output, outputs_or_None, *final_states)``, or ``NotImplemented``
for inputs it does not take (not a torch tensor, not 3-D, dtype other than the weights', a
mask that is not right-padded or comes with ``go_backwards``).
"""

from __future__ import annotations

import torch
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

__all__ = ["lstm", "gru"]

_ZEROS: dict = {}


def _zeros_like(bias):
    key = (bias.shape, bias.dtype, bias.device)
    zeros = _ZEROS.get(key)
    if zeros is None:
        # A normal tensor even when first asked for under predict's inference_mode: the same
        # cached zeros later take part in training, where inference tensors are refused.
        with torch.inference_mode(False):
            zeros = torch.zeros(bias.shape, dtype=bias.dtype, device=bias.device)
        _ZEROS[key] = zeros
    return zeros


def _accepts(inputs, kernel) -> bool:
    return (
        isinstance(inputs, torch.Tensor)
        and inputs.dim() == 3
        and inputs.dtype == kernel.dtype
        and inputs.is_floating_point()
        and inputs.device == kernel.device
    )


def _right_padded_lengths(mask, steps):
    """The lengths (CPU int64) of a right-padded bool mask ``(batch, time)``, else ``None``."""
    if not isinstance(mask, torch.Tensor) or mask.dim() != 2 or mask.shape[1] != steps:
        return None
    mask = mask.bool()
    lengths = mask.sum(1)
    positions = torch.arange(steps, device=mask.device)
    if not torch.equal(mask, positions.unsqueeze(0) < lengths.unsqueeze(1)):
        return None
    lengths = lengths.cpu()
    return None if int(lengths.min()) == 0 else lengths


def _run(kernel, x, hx, weights, has_bias, lengths):
    """Run ``torch._VF.<kernel>`` on ``x`` (batch first), packed when ``lengths`` is given.

    ``hx`` is a tuple of ``(1, batch, units)`` states; returns ``(outputs, *final_states)``
    with padded steps zero.
    """
    train = torch.is_grad_enabled()
    single = len(hx) == 1
    if lengths is None:
        results = kernel(x, hx[0] if single else hx, weights, has_bias, 1, 0.0, train, False, True)
        return results
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    order, restore = packed.sorted_indices, packed.unsorted_indices
    hx = tuple(h.index_select(1, order) for h in hx)
    data, *states = kernel(
        packed.data,
        packed.batch_sizes,
        hx[0] if single else hx,
        weights,
        has_bias,
        1,
        0.0,
        train,
        False,
    )
    outputs, _ = pad_packed_sequence(
        PackedSequence(data, packed.batch_sizes, order, restore),
        batch_first=True,
        total_length=x.shape[1],
    )
    return (outputs, *(h.index_select(1, restore) for h in states))


def _finish(outputs, last_state, mask, return_sequences, zero_output_for_mask):
    """``(last_output, outputs or None)`` with Keras's outputs at padded steps."""
    if mask is None:
        return outputs[:, -1], (outputs if return_sequences else None)
    if not zero_output_for_mask:  # padded steps repeat the last valid output
        keep = mask.bool().unsqueeze(-1)
        outputs = torch.where(keep, outputs, last_state.unsqueeze(1))
    return outputs[:, -1], (outputs if return_sequences else None)


def _lengths_or_decline(mask, inputs, go_backwards):
    if mask is None:
        return None, True
    if go_backwards:
        return None, False
    lengths = _right_padded_lengths(mask, inputs.shape[1])
    return lengths, lengths is not None


def lstm(
    inputs,
    h0,
    c0,
    kernel,
    recurrent_kernel,
    bias,
    go_backwards=False,
    return_sequences=False,
    mask=None,
    zero_output_for_mask=False,
):
    """Keras-layout LSTM over ``inputs`` ``(batch, time, in)`` with torch's fused kernel.

    Args:
        inputs: ``(batch, time, in)``.
        h0: initial output ``(batch, units)``.
        c0: initial cell state ``(batch, units)``.
        kernel: ``(in, 4 * units)``, gates i, f, c, o.
        recurrent_kernel: ``(units, 4 * units)``.
        bias: ``(4 * units,)`` or ``None``.
        go_backwards: process the sequence in reverse (outputs in processing order).
        return_sequences: also return every step's output.
        mask: optional right-padded bool mask ``(batch, time)``.
        zero_output_for_mask: padded steps output zeros instead of the last valid output.

    Returns:
        ``(last_output, outputs or None, h, c)``, or ``NotImplemented``.
    """
    if not _accepts(inputs, kernel):
        return NotImplemented
    lengths, ok = _lengths_or_decline(mask, inputs, go_backwards)
    if not ok:
        return NotImplemented
    x = torch.flip(inputs, (1,)) if go_backwards else inputs
    weights = [kernel.t(), recurrent_kernel.t()]
    if bias is not None:
        weights += [bias, _zeros_like(bias)]
    hx = (h0.unsqueeze(0), c0.unsqueeze(0))
    outputs, h, c = _run(torch._VF.lstm, x, hx, weights, bias is not None, lengths)
    last, outputs = _finish(outputs, h[0], mask, return_sequences, zero_output_for_mask)
    return last, outputs, h[0], c[0]


def _gates_zrh_to_rzn(weight, units):
    """Re-order the last axis from Keras's (z, r, h) blocks to torch's (r, z, n)."""
    return torch.cat(
        (weight[..., units : 2 * units], weight[..., :units], weight[..., 2 * units :]), dim=-1
    )


def gru(
    inputs,
    h0,
    kernel,
    recurrent_kernel,
    bias,
    go_backwards=False,
    return_sequences=False,
    mask=None,
    zero_output_for_mask=False,
):
    """Keras-layout GRU (``reset_after=True``) over ``inputs`` with torch's fused kernel.

    Args:
        inputs: ``(batch, time, in)``.
        h0: initial state ``(batch, units)``.
        kernel: ``(in, 3 * units)``, gates z, r, h.
        recurrent_kernel: ``(units, 3 * units)``.
        bias: ``(2, 3 * units)`` (input bias, recurrent bias) or ``None``.
        go_backwards: process the sequence in reverse (outputs in processing order).
        return_sequences: also return every step's output.
        mask: optional right-padded bool mask ``(batch, time)``.
        zero_output_for_mask: padded steps output zeros instead of the last valid output.

    Returns:
        ``(last_output, outputs or None, h)``, or ``NotImplemented``.
    """
    if not _accepts(inputs, kernel):
        return NotImplemented
    if bias is not None and bias.dim() != 2:
        return NotImplemented  # reset_after=False: not torch's formula
    lengths, ok = _lengths_or_decline(mask, inputs, go_backwards)
    if not ok:
        return NotImplemented
    units = recurrent_kernel.shape[0]
    x = torch.flip(inputs, (1,)) if go_backwards else inputs
    weights = [
        _gates_zrh_to_rzn(kernel, units).t(),
        _gates_zrh_to_rzn(recurrent_kernel, units).t(),
    ]
    if bias is not None:
        b = _gates_zrh_to_rzn(bias, units)
        weights += [b[0], b[1]]
    outputs, h = _run(torch._VF.gru, x, (h0.unsqueeze(0),), weights, bias is not None, lengths)
    last, outputs = _finish(outputs, h[0], mask, return_sequences, zero_output_for_mask)
    return last, outputs, h[0]
