"""``SimpleRNNCell`` and ``SimpleRNN``: the fully connected recurrent layer."""

from __future__ import annotations

from kcore import ops
from kcore_layers.rnn.base_cell_layer import CellLayer
from kcore_layers.rnn.base_rnn_cell import BaseRNNCell

__all__ = ["SimpleRNNCell", "SimpleRNN"]


class SimpleRNNCell(BaseRNNCell):
    """One step of a fully connected RNN: ``h = activation(x @ kernel + bias + h_tm1 @ U)``.

    Args:
        units: positive int, the size of the output and of the state.
        activation: the activation (default ``"tanh"``; ``None`` is linear).
        use_bias: whether to add a bias.
        kernel_initializer: initializer of ``kernel`` (``"glorot_uniform"``).
        recurrent_initializer: initializer of ``recurrent_kernel`` (``"orthogonal"``).
        bias_initializer: initializer of ``bias`` (``"zeros"``).
        kernel_regularizer: regularizer of ``kernel``.
        recurrent_regularizer: regularizer of ``recurrent_kernel``.
        bias_regularizer: regularizer of ``bias``.
        kernel_constraint: constraint on ``kernel``.
        recurrent_constraint: constraint on ``recurrent_kernel``.
        bias_constraint: constraint on ``bias``.
        dropout: fraction of the inputs dropped (in training), in ``[0, 1]``.
        recurrent_dropout: fraction of the previous state dropped in the recurrent matmul.
        seed: int seed of the dropout masks.
        **kwargs: base layer arguments.

    Call arguments:
        inputs: ``(batch, features)``.
        states: a list holding the previous state ``(batch, units)``.
        training: whether dropout is active.

    Example::

        rnn = kcore.layers.RNN(kcore.layers.SimpleRNNCell(4))
        outputs = rnn(np.zeros((32, 10, 8), "float32"))  # (32, 4)
    """

    _gates = 1

    def __init__(self, units, activation="tanh", use_bias=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self.state_size = self.units
        self.output_size = self.units

    def _projected_step(self, projected, states, training=False):
        h_tm1 = self._recurrent_input(states[0], training)
        output = ops.add(projected, ops.matmul(h_tm1, self._value(self.recurrent_kernel)))
        if self._activation_fn is not None:
            output = self._activation_fn(output)
        return output, [output]


class SimpleRNN(CellLayer):
    """Fully connected RNN where the output is fed back as the next input.

    Args:
        units: positive int, the size of the output.
        activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
        kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
        recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed: as in
            :class:`SimpleRNNCell`.
        activity_regularizer: regularizer of the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: as in ``RNN``.
        **kwargs: base layer arguments, and ``zero_output_for_mask``.

    Call arguments:
        sequences: ``(batch, time, features)``.
        initial_state: optional ``[h0]``.
        mask: optional boolean ``(batch, time)``.
        training: whether dropout is active.

    Example::

        outputs = kcore.layers.SimpleRNN(4)(np.zeros((32, 10, 8), "float32"))  # (32, 4)
    """

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
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        seed=None,
        **kwargs,
    ):
        cell = SimpleRNNCell(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="simple_rnn_cell",
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
