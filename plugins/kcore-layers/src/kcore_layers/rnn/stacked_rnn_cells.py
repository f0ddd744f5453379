"""``StackedRNNCells``: several cells run one after the other inside a single RNN step."""

from __future__ import annotations

import inspect

from kcore import Layer, ops, tree
from kcore.saving import deserialize_keras_object, serialize_keras_object
from kcore_layers.rnn.base_loop import output_shape, state_shapes

__all__ = ["StackedRNNCells"]


def _takes(cell, name: str) -> bool:
    params = inspect.signature(cell.call).parameters
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


class StackedRNNCells(Layer):
    """Wraps a list of RNN cells so they behave as one: the output of each cell is the input
    of the next, and the states are one list per cell.

    Used for efficient stacked RNNs (``RNN([cell1, cell2])`` wraps its list in this).

    Args:
        cells: a non-empty list of cells (objects with ``call`` and ``state_size``).
        **kwargs: base layer arguments.

    Call arguments:
        inputs: ``(batch, features)``, one timestep.
        states: one list of states per cell.
        training: passed to the cells that take it.

    Example::

        cells = [kcore.layers.LSTMCell(8), kcore.layers.LSTMCell(4)]
        outputs = kcore.layers.RNN(kcore.layers.StackedRNNCells(cells))(np.zeros((2, 5, 3)))
    """

    def __init__(self, cells, **kwargs):
        if not isinstance(cells, (list, tuple)) or not cells:
            raise ValueError(
                "StackedRNNCells: `cells` must be a non-empty list of RNN cells. Received: "
                f"cells={cells!r}"
            )
        for cell in cells:
            if not callable(getattr(cell, "call", None)) or not hasattr(cell, "state_size"):
                raise ValueError(
                    "All cells must have a `call` method and a `state_size` attribute. "
                    f"Received: cells={list(cells)!r} (offending cell: {cell!r})"
                )
        super().__init__(**kwargs)
        self.cells = list(cells)
        self._takes_training = [_takes(cell, "training") for cell in self.cells]

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        shape = output_shape(self.cells[-1])
        return shape[0] if len(shape) == 1 else shape

    def get_initial_state(self, batch_size=None):
        """One list of initial states per cell."""
        states = []
        for cell in self.cells:
            make = getattr(cell, "get_initial_state", None)
            if make is not None:
                cell_states = make(batch_size=batch_size)
                states.append(list(cell_states) if tree.is_nested(cell_states) else [cell_states])
            else:
                dtype = getattr(cell, "compute_dtype", self.compute_dtype)
                states.append(
                    [
                        ops.zeros((batch_size, *s), dtype=dtype)
                        for s in state_shapes(cell.state_size)
                    ]
                )
        return states

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
                cell.built = True
            input_shape = (input_shape[0], *output_shape(cell))
        self.built = True

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states, takes_training in zip(self.cells, states, self._takes_training):
            cell_states = list(cell_states) if tree.is_nested(cell_states) else [cell_states]
            if takes_training:
                inputs, cell_new = cell.call(inputs, cell_states, training=training)
            else:
                inputs, cell_new = cell.call(inputs, cell_states)
            new_states.append(list(cell_new) if tree.is_nested(cell_new) else [cell_new])
        return inputs, new_states

    def get_config(self):
        config = {"cells": [serialize_keras_object(cell) for cell in self.cells]}
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [
            deserialize_keras_object(c, kind="layers", custom_objects=custom_objects)
            for c in config.pop("cells")
        ]
        return cls(cells, **config)
