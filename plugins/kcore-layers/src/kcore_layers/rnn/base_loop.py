"""The time loop shared by every recurrent layer, and the cell-protocol helpers.

``rnn_loop`` runs ``step(x_t, states) -> (output, new_states)`` over the leading (time) axis of
time-major inputs with **one** ``kcore.ops.scan`` (a single compiled loop on JAX and
TensorFlow), or a Python loop when ``unroll=True``. Masked steps keep their states and output
Keras 3's way: the states carry through unchanged, and the output is the previous output
(which starts as the first initial state when that has the output's shape, else zeros) or
zeros with ``zero_output_for_mask``.
"""

from __future__ import annotations

from kcore import ops, tree

__all__ = ["state_shapes", "cell_state_shapes", "output_shape", "rnn_loop"]


def _as_shape(size) -> tuple:
    if isinstance(size, int):
        return (int(size),)
    as_list = getattr(size, "as_list", None)
    return tuple(as_list() if as_list is not None else size)


def _is_shape(size) -> bool:
    """Whether ``size`` describes ONE state (an int, or a shape object / tuple of dims)."""
    if isinstance(size, int) or hasattr(size, "as_list"):
        return True
    return False


def state_shapes(state_size) -> list[tuple]:
    """The per-sample shape of each state, flat: ``[units, units]`` -> ``[(units,), (units,)]``.

    ``state_size`` may be an int (one state), a shape object (one state shaped like it, e.g. a
    ``TensorShape``), or a list / tuple of those: one entry per state, an int or a shape tuple
    (``[(rows, cols, filters), (rows, cols, filters)]`` for a convolutional LSTM cell). Nested
    lists (``StackedRNNCells``) are flattened in order.
    """
    if _is_shape(state_size):
        return [_as_shape(state_size)]
    out = []
    for entry in state_size:
        if _is_shape(entry) or (
            isinstance(entry, tuple) and entry and all(isinstance(d, int) for d in entry)
        ):
            out.append(_as_shape(entry))
        else:
            out.extend(state_shapes(entry))
    return out


def cell_state_shapes(cell) -> list[tuple]:
    """The flat per-sample state shapes of ``cell`` (of each sub-cell in turn when stacked)."""
    cells = getattr(cell, "cells", None)
    if cells is None:
        return state_shapes(cell.state_size)
    return [shape for sub in cells for shape in cell_state_shapes(sub)]


def output_shape(cell) -> tuple:
    """The per-sample shape of the cell's output: ``output_size``, else the first state's."""
    size = getattr(cell, "output_size", None)
    if size is None:
        return state_shapes(cell.state_size)[0]
    return _as_shape(size)


def _expand_like(mask_t, target):
    """``mask_t`` (batch,) reshaped to broadcast against ``target`` (batch, ...)."""
    rank = len(target.shape)
    if rank == 1:
        return mask_t
    return ops.reshape(mask_t, (-1,) + (1,) * (rank - 1))


def _masked(mask_t, new, old):
    return ops.where(_expand_like(mask_t, new), new, old)


def rnn_loop(
    step,
    inputs,
    states,
    mask=None,
    *,
    return_sequences=False,
    zero_output_for_mask=False,
    unroll=False,
    output_init=None,
):
    """Run ``step`` over time.

    Args:
        step: ``step(x_t, states) -> (output, new_states)``; ``states`` and ``new_states`` are
            flat lists of tensors.
        inputs: time-major inputs ``(time, batch, ...)`` (a tensor, or a tuple of tensors
            sliced together).
        states: the flat list of initial states.
        mask: optional bool ``(time, batch)`` mask; masked steps keep states and output.
        return_sequences: whether to return every step's output.
        zero_output_for_mask: masked steps output zeros instead of the previous output.
        unroll: use a Python loop (needs a known number of timesteps).
        output_init: the "previous output" before the first step, ``(batch, *output_shape)``
            (a tensor: the loop carries the last output).

    Returns:
        ``(last_output, outputs, final_states)``: ``outputs`` is batch-major
        ``(batch, time, ...)`` or ``None`` without ``return_sequences``; ``final_states`` is a
        flat list.
    """
    n_states = len(states)

    if mask is None:

        def body(carry, x_t):
            output, new_states = step(x_t, list(carry[:n_states]))
            return (*new_states, output), (output if return_sequences else None)

    else:

        def body(carry, xm):
            x_t, mask_t = xm
            old = carry[:n_states]
            output, new_states = step(x_t, list(old))
            new_states = [_masked(mask_t, n, o) for n, o in zip(new_states, old)]
            previous = ops.zeros_like(output) if zero_output_for_mask else carry[n_states]
            output = _masked(mask_t, output, previous)
            return (*new_states, output), (output if return_sequences else None)

    init = (*states, output_init)
    xs = inputs if mask is None else (inputs, mask)
    if unroll:
        leaves = tree.flatten(xs)
        steps = leaves[0].shape[0]
        if steps is None:
            raise ValueError(
                "Cannot unroll a RNN if the time dimension is undefined. Either set "
                "`unroll=False`, or give the input a fixed number of timesteps."
            )
        carry, ys = init, []
        for t in range(steps):
            carry, y = body(carry, tree.pack_sequence_as(xs, [leaf[t] for leaf in leaves]))
            ys.append(y)
        outputs = ops.stack(ys, axis=1) if return_sequences else None
    else:
        carry, ys = ops.scan(body, init, xs)
        outputs = ops.swapaxes(ys, 0, 1) if return_sequences else None
    return carry[n_states], outputs, list(carry[:n_states])
