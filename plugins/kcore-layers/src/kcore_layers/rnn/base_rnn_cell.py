"""``BaseRNNCell``: what SimpleRNNCell, LSTMCell and GRUCell share (private).

A cell computes one timestep. Its work splits in two so the ``RNN`` layer can hoist the input
side out of the time loop: ``_project(x)`` (input dropout, ``x @ kernel`` plus the input bias;
valid for one step ``(batch, in)`` or a whole time-major sequence ``(time, batch, in)``, since
the dropout mask is the same at every step) and ``_projected_step(projected_x, states)``
(everything that depends on the previous states). ``call`` is the two in a row.
"""

from __future__ import annotations

from kcore import Layer, ops, random
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve
from kcore_layers._validation import positive_int
from kcore_layers.rnn.dropout_rnn_cell import DropoutRNNCell, validate_rate

__all__ = ["BaseRNNCell"]

_INIT_KEYS = ("kernel_initializer", "recurrent_initializer", "bias_initializer")
_REG_KEYS = ("kernel_regularizer", "recurrent_regularizer", "bias_regularizer")
_CON_KEYS = ("kernel_constraint", "recurrent_constraint", "bias_constraint")


class BaseRNNCell(DropoutRNNCell, Layer):
    """Common arguments, weights and the input projection of the built-in cells.

    Subclasses set ``_gates`` (how many ``units``-wide blocks the kernel has) and implement
    ``_projected_step``; ``_bias_shape`` and ``_bias_initializer_fn`` may be overridden.
    """

    _gates = 1

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        owner = type(self).__name__
        units = positive_int(units, "units")
        dropout = validate_rate(dropout, "dropout", owner)
        recurrent_dropout = validate_rate(recurrent_dropout, "recurrent_dropout", owner)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"{owner}: `seed` must be an int or None. Received: seed={seed!r}")
        resolved = {"activation": _resolve.activation(activation)}
        given = (
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
            kernel_regularizer,
            recurrent_regularizer,
            bias_regularizer,
            kernel_constraint,
            recurrent_constraint,
            bias_constraint,
        )
        resolvers = {
            "initializer": _resolve.initializer,
            "regularizer": _resolve.regularizer,
            "constraint": _resolve.constraint,
        }
        for key, value in zip((*_INIT_KEYS, *_REG_KEYS, *_CON_KEYS), given):
            resolved[key] = resolvers[key.rsplit("_", 1)[1]](value, key)
        super().__init__(**kwargs)
        self.units = units
        self.use_bias = bool(use_bias)
        for key, value in resolved.items():
            setattr(self, key, value)
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.seed = seed
        if dropout > 0 or recurrent_dropout > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self._activation_fn = None if _resolve.is_linear(self.activation) else self.activation
        self._cast_to = None

    # -- weights ---------------------------------------------------------------------------------
    def _bias_shape(self):
        return (self._gates * self.units,)

    def _bias_initializer_fn(self):
        return self.bias_initializer

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f'Layer "{self.name}": the last axis of the input must be known. Received: '
                f"input_shape={tuple(input_shape)}"
            )
        width = self._gates * self.units
        self.kernel = self.add_weight(
            shape=(input_dim, width),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self._bias_shape(),
                name="bias",
                initializer=self._bias_initializer_fn(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        if self.compute_dtype != self.variable_dtype:
            self._cast_to = self.compute_dtype
        self.built = True

    def _value(self, variable):
        """A weight's value in the compute dtype."""
        value = variable.value
        return value if self._cast_to is None else ops.cast(value, self._cast_to)

    def _input_bias(self):
        """The bias added to the input projection (``None`` without bias)."""
        return None if self.bias is None else self._value(self.bias)

    # -- the two halves of a step ----------------------------------------------------------------
    def _project(self, x, training=False, mask_like=None):
        if training and self.dropout > 0:
            x = ops.multiply(x, self.get_dropout_mask(x if mask_like is None else mask_like))
        z = ops.matmul(x, self._value(self.kernel))
        bias = self._input_bias()
        return z if bias is None else ops.add(z, bias)

    def _project_sequence(self, inputs, training=False):
        """Project time-major ``(time, batch, in)`` inputs for every step at once."""
        return self._project(inputs, training, mask_like=inputs[0])

    def _recurrent_input(self, h_tm1, training):
        """``h_tm1`` with the recurrent dropout mask applied (in training)."""
        if training and self.recurrent_dropout > 0:
            return ops.multiply(h_tm1, self.get_recurrent_dropout_mask(h_tm1))
        return h_tm1

    def _projected_step(self, projected, states, training=False):
        raise NotImplementedError

    def call(self, inputs, states, training=False):
        return self._projected_step(self._project(inputs, training), states, training)

    # -- states ----------------------------------------------------------------------------------
    def get_initial_state(self, batch_size=None):
        """Zero states ``(batch_size, units)``, one per entry of ``state_size``."""
        count = len(self.state_size) if isinstance(self.state_size, list) else 1
        return [ops.zeros((batch_size, self.units), dtype=self.compute_dtype)] * count

    # -- config ----------------------------------------------------------------------------------
    def get_config(self):
        config = {
            "units": self.units,
            "activation": serialize_keras_object(self.activation),
            "use_bias": self.use_bias,
        }
        for key in (*_INIT_KEYS, *_REG_KEYS, *_CON_KEYS):
            config[key] = serialize_keras_object(getattr(self, key))
        config.update(
            {
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed,
            }
        )
        return {**super().get_config(), **config}
