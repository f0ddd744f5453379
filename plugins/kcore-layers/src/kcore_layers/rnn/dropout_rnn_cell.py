"""``DropoutRNNCell``: the dropout masks of a recurrent cell, drawn once per sequence.

A cell applies the *same* input mask and the same recurrent mask at every timestep of a
sequence (Gal & Ghahramani's variational dropout, as in Keras). The masks are drawn lazily on
the first ``get_dropout_mask`` call and kept until ``reset_dropout_mask``; the ``RNN`` layer
draws them before its loop (:func:`prepare_dropout_masks`) so no random op, and no seed-state
update, happens inside ``scan`` (which would leak a tracer on JAX).
"""

from __future__ import annotations

from kcore import ops, random, tree
from kcore_layers.rnn.base_loop import output_shape

__all__ = ["DropoutRNNCell", "prepare_dropout_masks", "reset_dropout_masks", "validate_rate"]


def validate_rate(value, name: str, owner: str) -> float:
    """``value`` as a float in ``[0, 1]``, or a ``ValueError`` saying what was expected."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(
            f"{owner}: `{name}` must be a float between 0 and 1. Received: {name}={value!r}"
        )
    return float(value)


class DropoutRNNCell:
    """Mixin for cells with ``dropout`` / ``recurrent_dropout`` and a ``seed_generator``.

    The using class sets ``self.dropout``, ``self.recurrent_dropout`` and, when either is
    positive, ``self.seed_generator`` (a :class:`kcore.random.SeedGenerator`).
    """

    _dropout_mask = None
    _recurrent_dropout_mask = None

    def _draw_mask(self, like, rate):
        ones = ops.ones_like(like)
        return random.dropout(ones, rate, seed=self.seed_generator)

    def get_dropout_mask(self, step_inputs):
        """The input mask (shape of one timestep's inputs), drawn once per sequence."""
        if not 0 < self.dropout < 1:
            return None
        if self._dropout_mask is None:
            self._dropout_mask = self._draw_mask(step_inputs, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_inputs):
        """The recurrent mask (shape of the previous output), drawn once per sequence."""
        if not 0 < self.recurrent_dropout < 1:
            return None
        if self._recurrent_dropout_mask is None:
            self._recurrent_dropout_mask = self._draw_mask(step_inputs, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        """Forget the input mask: the next sequence draws a new one."""
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        """Forget the recurrent mask: the next sequence draws a new one."""
        self._recurrent_dropout_mask = None


def prepare_dropout_masks(cell, step_inputs, states):
    """Draw the masks of ``cell`` (or of each cell of a ``StackedRNNCells``) before a loop.

    Args:
        cell: the RNN's cell.
        step_inputs: one timestep of the cell's inputs (only its shape and dtype matter).
        states: the cell's initial states (the nested structure it receives).
    """
    cells = getattr(cell, "cells", None)
    if cells is None:
        if isinstance(cell, DropoutRNNCell):
            cell.get_dropout_mask(step_inputs)
            flat = tree.flatten(states)
            if flat:
                cell.get_recurrent_dropout_mask(flat[0])
        return
    batch = ops.shape(step_inputs)[0]
    x = step_inputs
    for sub, sub_states in zip(cells, states):
        prepare_dropout_masks(sub, x, sub_states)
        x = ops.zeros((batch, *output_shape(sub)), dtype=ops.dtype(step_inputs))


def reset_dropout_masks(cell):
    """Forget the masks of ``cell`` (and of its sub-cells)."""
    for sub in getattr(cell, "cells", None) or [cell]:
        if getattr(sub, "cells", None) is not None:
            reset_dropout_masks(sub)
        elif isinstance(sub, DropoutRNNCell):
            sub.reset_dropout_mask()
            sub.reset_recurrent_dropout_mask()
