"""``RNN``: runs any recurrent cell over the time axis of a sequence."""

from __future__ import annotations

import inspect

import kcore
from kcore import InputSpec, Layer, ops, tree
from kcore.saving import deserialize_keras_object, serialize_keras_object
from kcore_layers.rnn.base_loop import cell_state_shapes, output_shape, rnn_loop
from kcore_layers.rnn.dropout_rnn_cell import prepare_dropout_masks, reset_dropout_masks

__all__ = ["RNN"]

_FLAGS = (
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "zero_output_for_mask",
)


class RNN(Layer):
    """Base class for recurrent layers: applies a cell to every timestep of a sequence.

    The cell is any object with ``call(inputs, states, training=None)`` returning
    ``(output, new_states)`` and a ``state_size`` attribute: an int (one state), a shape
    tuple / ``TensorShape`` per state, or a list of those; optionally ``output_size`` and
    ``get_initial_state(batch_size)``. A cell whose ``call`` takes ``constants`` receives the
    ``constants=`` call argument at every step. A list of cells is stacked
    (``StackedRNNCells``).

    The loop is a single ``kcore.ops.scan`` over time (one compiled loop on JAX and
    TensorFlow), or a Python loop with ``unroll=True``. Built-in cells project the whole
    input sequence with one matmul before the loop; ``LSTM`` and ``GRU`` use the backend's
    fused kernel when one is registered (see their docs).

    Args:
        cell: a cell, or a list of cells (stacked).
        return_sequences: return the output of every timestep, ``(batch, time, ...)``,
            instead of the last one.
        return_state: also return the final states (after the output).
        go_backwards: process the sequence backwards (the outputs come in that order).
        stateful: the final states of batch ``i`` are the initial states of batch ``i`` of
            the next call (needs a fixed batch size); ``reset_state()`` zeroes them.
        unroll: unroll the loop in Python (faster for short sequences, more memory).
        zero_output_for_mask: masked timesteps output zeros instead of the previous output.
        **kwargs: base layer arguments (``name``, ``dtype``, ``trainable``...).

    Call arguments:
        sequences: ``(batch, time, ...)``.
        initial_state: optional list of initial state tensors (the cell's states, in order).
        mask: optional boolean ``(batch, time)``; masked steps carry the states through.
        training: whether dropout is active (for cells with dropout).
        constants: optional tensors passed to the cell's ``call`` as ``constants=``.

    Example::

        cell = kcore.layers.LSTMCell(32)
        outputs = kcore.layers.RNN(cell, return_sequences=True)(np.zeros((4, 10, 8)))
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        if isinstance(cell, (list, tuple)):
            from kcore_layers.rnn.stacked_rnn_cells import StackedRNNCells

            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)) or not hasattr(cell, "state_size"):
            raise ValueError(
                "Argument `cell` should have a `call` method and a `state_size` attribute "
                "(or be a list of such cells). Received: "
                f"cell={cell!r}"
            )
        flags = dict(
            zip(
                _FLAGS,
                (
                    return_sequences,
                    return_state,
                    go_backwards,
                    stateful,
                    unroll,
                    zero_output_for_mask,
                ),
            )
        )
        for name, value in flags.items():
            if not isinstance(value, (bool, int)) or value not in (0, 1):
                raise ValueError(
                    f"{type(self).__name__}: `{name}` must be a boolean. Received: {name}={value!r}"
                )
        super().__init__(**kwargs)
        self.cell = cell
        for name, value in flags.items():
            setattr(self, name, bool(value))
        self.input_spec = InputSpec(min_ndim=3)
        self.supports_masking = True
        params = inspect.signature(cell.call).parameters
        var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        self._cell_takes_training = "training" in params or var_kw
        self._cell_takes_constants = "constants" in params
        object.__setattr__(self, "_state_variables", None)

    # -- states ------------------------------------------------------------------------------------
    @property
    def states(self):
        """The state Variables of a stateful layer (``None`` until built, or if not stateful)."""
        return self._state_variables

    @property
    def state_size(self):
        return self.cell.state_size

    def _state_shapes(self) -> list[tuple]:
        return cell_state_shapes(self.cell)

    def _pack_states(self, flat):
        """Flat states -> the nested structure the cell expects (a list per stacked cell)."""
        cells = getattr(self.cell, "cells", None)
        if cells is None:
            return list(flat)
        packed, start = [], 0
        for sub in cells:
            count = len(cell_state_shapes(sub))
            packed.append(list(flat[start : start + count]))
            start += count
        return packed

    def get_initial_state(self, batch_size):
        """The cell's initial states for ``batch_size`` (zeros unless the cell says otherwise)."""
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            return make(batch_size=batch_size)
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        return [ops.zeros((batch_size, *shape), dtype=dtype) for shape in self._state_shapes()]

    def reset_state(self):
        """Zero the states of a stateful layer."""
        for variable in self._state_variables or ():
            variable.assign(ops.zeros(variable.shape, dtype=variable.dtype))

    def reset_states(self, states=None):
        """Zero the states of a stateful layer, or set them to ``states`` (arrays, in order)."""
        if states is None:
            self.reset_state()
            return
        variables = self._state_variables or []
        values = tree.flatten(states)
        if len(values) != len(variables):
            raise ValueError(
                f'Layer "{self.name}" has {len(variables)} state(s); `reset_states` received '
                f"{len(values)} value(s)."
            )
        for variable, value in zip(variables, values):
            if tuple(ops.shape(value)) != tuple(variable.shape):
                raise ValueError(
                    f'Layer "{self.name}": state {variable.name!r} has shape {variable.shape}, '
                    f"received a value of shape {tuple(ops.shape(value))}."
                )
        for variable, value in zip(variables, values):
            variable.assign(value)

    # -- building ----------------------------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        if self.stateful and sequences_shape[0] is None:
            raise ValueError(
                "When using `stateful=True` in a RNN, the batch size must be static. Found "
                f"dynamic batch size: sequence.shape={sequences_shape}. Give the input a fixed "
                "batch size (`kcore.Input(batch_shape=...)`)."
            )
        if self.unroll and len(sequences_shape) > 1 and sequences_shape[1] is None:
            raise ValueError(
                "Cannot unroll a RNN if the time dimension is undefined. Either set "
                f"`unroll=False`, or give the input a fixed number of timesteps. Received: "
                f"input shape {sequences_shape}"
            )
        step_shape = (sequences_shape[0], *sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell.built = True
        if self.stateful:
            batch = sequences_shape[0]
            states = tree.flatten(self.get_initial_state(batch))
            variables = [
                kcore.Variable(
                    ops.convert_to_numpy(state),
                    trainable=False,
                    dtype=self.variable_dtype,
                    name=f"rnn_state_{i}",
                )
                for i, state in enumerate(states)
            ]
            object.__setattr__(self, "_state_variables", variables)
            self._track_state_variables(variables)
        self.built = True

    # -- calling -----------------------------------------------------------------------------------
    def _initial_states(self, sequences, initial_state):
        dtype = self.compute_dtype
        if initial_state is not None:
            flat = tree.flatten(initial_state)
            expected = len(self._state_shapes())
            if len(flat) != expected:
                raise ValueError(
                    f'Layer "{self.name}" expects {expected} initial state tensor(s) (one per '
                    f"state of its cell), received {len(flat)}."
                )
            out = []
            for state in flat:
                state = ops.convert_to_tensor(state)
                out.append(state if ops.dtype(state) == dtype else ops.cast(state, dtype))
            return out
        if self.stateful:
            batch = ops.shape(sequences)[0]
            variables = self._state_variables
            if isinstance(batch, int) and batch != variables[0].shape[0]:
                raise ValueError(
                    f'Layer "{self.name}" is stateful with batch size {variables[0].shape[0]}; '
                    f"received a batch of {batch}. Feed batches of the built size."
                )
            # Copies: the loop's autograd graph must not see the in-place state update (torch).
            values = [ops.copy(v.value) for v in variables]
            return [v if ops.dtype(v) == dtype else ops.cast(v, dtype) for v in values]
        return [
            ops.cast(s, dtype) if ops.dtype(s) != dtype else s
            for s in tree.flatten(self.get_initial_state(ops.shape(sequences)[0]))
        ]

    def call(self, sequences, initial_state=None, mask=None, training=None, constants=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if constants is not None and not self._cell_takes_constants:
            raise ValueError(
                f'Layer "{self.name}": `constants` were given but the cell\'s `call` has no '
                "`constants` argument. Add `constants=None` to the cell's `call`, or drop them."
            )
        if not ops.is_tensor(sequences):
            sequences = ops.convert_to_tensor(sequences)
        dtype = ops.dtype(sequences)
        if dtype != self.compute_dtype and dtype.startswith(("float", "bfloat")):
            sequences = ops.cast(sequences, self.compute_dtype)
        states = self._initial_states(sequences, initial_state)
        result = None
        if constants is None:
            result = self._fast_call(sequences, states, mask, bool(training))
        if result is None:
            result = self._generic_call(sequences, states, mask, bool(training), constants)
        last_output, outputs, final_states = result
        if self.stateful:
            for variable, state in zip(self._state_variables, final_states):
                variable.assign(ops.stop_gradient(ops.cast(state, variable.dtype)))
        output = outputs if self.return_sequences else last_output
        if not self.return_state:
            return output
        if getattr(self.cell, "cells", None) is not None:
            return (output, *self._pack_states(final_states))
        return (output, *final_states)

    def _fast_call(self, sequences, states, mask, training):
        """A backend's fused kernel for the whole loop, or ``None`` for the generic loop.

        Returns ``(last_output, outputs_or_None, final_states)`` like :func:`rnn_loop`.
        """
        return None

    def _generic_call(self, sequences, states, mask, training, constants=None):
        cell = self.cell
        inputs = ops.swapaxes(sequences, 0, 1)  # time-major
        if mask is not None:
            mask = ops.swapaxes(ops.cast(mask, "bool"), 0, 1)
        if self.go_backwards:
            inputs = ops.flip(inputs, axis=0)
            mask = None if mask is None else ops.flip(mask, axis=0)
        kwargs = {}
        if self._cell_takes_training:
            kwargs["training"] = training
        if constants is not None:
            kwargs["constants"] = constants
        pack = self._pack_states
        project = getattr(cell, "_project_sequence", None)
        reset_dropout_masks(cell)
        try:
            if training:
                prepare_dropout_masks(cell, inputs[0], pack(states))
            if project is not None and constants is None:
                inputs = project(inputs, training=training)
                cell_step = cell._projected_step
            else:
                cell_step = cell.call

            def step(x_t, flat_states):
                output, new_states = cell_step(x_t, pack(flat_states), **kwargs)
                return output, tree.flatten(new_states)

            return rnn_loop(
                step,
                inputs,
                states,
                mask,
                return_sequences=self.return_sequences,
                zero_output_for_mask=self.zero_output_for_mask,
                unroll=self.unroll,
                output_init=self._output_init(states),
            )
        finally:
            reset_dropout_masks(cell)

    def _output_init(self, states):
        """The "previous output" before step 0: the first state if shaped like the output."""
        out_shape = output_shape(self.cell)
        first = states[0] if states else None
        if first is not None and tuple(ops.shape(first)[1:]) == out_shape:
            return first
        batch = ops.shape(first)[0] if first is not None else None
        return ops.zeros((batch, *out_shape), dtype=self.compute_dtype)

    # -- shapes, masks -----------------------------------------------------------------------------
    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        batch = sequences_shape[0]
        out = output_shape(self.cell)
        output = (batch, sequences_shape[1], *out) if self.return_sequences else (batch, *out)
        if not self.return_state:
            return output
        shapes = [(batch, *shape) for shape in self._state_shapes()]
        if getattr(self.cell, "cells", None) is not None:
            return (output, *self._pack_states(shapes))
        return (output, *shapes)

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self._state_shapes())
        return output_mask

    # -- config ------------------------------------------------------------------------------------
    def get_config(self):
        config = {name: getattr(self, name) for name in _FLAGS}
        config["cell"] = serialize_keras_object(self.cell)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["cell"] = deserialize_keras_object(
            config["cell"], kind="layers", custom_objects=custom_objects
        )
        return cls(**config)
