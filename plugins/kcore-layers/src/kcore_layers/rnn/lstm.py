"""``LSTMCell`` and ``LSTM``: Long Short-Term Memory (Hochreiter & Schmidhuber, 1997)."""

from __future__ import annotations

import kcore
from kcore import ops
from kcore_layers import _resolve
from kcore_layers.rnn.base_cell_layer import CellLayer, cell_property, check_use_cudnn
from kcore_layers.rnn.base_rnn_cell import BaseRNNCell

__all__ = ["LSTMCell", "LSTM"]


class LSTMCell(BaseRNNCell):
    """One LSTM step. Weights are Keras's: ``kernel (in, 4u)``, ``recurrent_kernel (u, 4u)``,
    ``bias (4u,)``, gates in the order input, forget, cell, output (i, f, c, o).

    ``i, f, o = recurrent_activation(...)``, ``c = f * c_tm1 + i * activation(...)``,
    ``h = o * activation(c)``.

    Args:
        units: positive int, the size of the output and of each state.
        activation: the cell/output activation (default ``"tanh"``).
        recurrent_activation: the gate activation (default ``"sigmoid"``).
        use_bias: whether to add a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers
            (``"glorot_uniform"``, ``"orthogonal"``, ``"zeros"``).
        unit_forget_bias: add 1 to the forget-gate bias at initialization (forces
            ``bias_initializer="zeros"`` for that block, as in Jozefowicz et al.).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs dropped (in training).
        recurrent_dropout: fraction of the previous output dropped in the recurrent matmul.
        seed: int seed of the dropout masks.
        **kwargs: base layer arguments.

    Call arguments:
        inputs: ``(batch, features)``.
        states: ``[h_tm1, c_tm1]``, each ``(batch, units)``.
        training: whether dropout is active.

    Example::

        rnn = kcore.layers.RNN(kcore.layers.LSTMCell(4))
        outputs = rnn(np.zeros((32, 10, 8), "float32"))  # (32, 4)
    """

    _gates = 4

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        unit_forget_bias=True,
        **kwargs,
    ):
        recurrent_activation = _resolve.activation(recurrent_activation, "recurrent_activation")
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self.recurrent_activation = recurrent_activation
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def _bias_initializer_fn(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, initializer = self.units, self.bias_initializer

        def bias_initializer(shape, dtype=None):
            return ops.concatenate(
                [
                    initializer((units,), dtype=dtype),
                    ops.ones((units,), dtype=dtype),
                    initializer((2 * units,), dtype=dtype),
                ]
            )

        return bias_initializer

    def _projected_step(self, projected, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        h_in = self._recurrent_input(h_tm1, training)
        z = ops.add(projected, ops.matmul(h_in, self._value(self.recurrent_kernel)))
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        gate = self.recurrent_activation
        act = self.activation
        c = ops.add(ops.multiply(gate(z_f), c_tm1), ops.multiply(gate(z_i), act(z_c)))
        h = ops.multiply(gate(z_o), act(c))
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config["recurrent_activation"] = kcore.saving.serialize_keras_object(
            self.recurrent_activation
        )
        config["unit_forget_bias"] = self.unit_forget_bias
        return config


class LSTM(CellLayer):
    """Long Short-Term Memory layer.

    On the torch backend the whole loop runs in torch's native fused LSTM kernel (the one
    ``torch.nn.LSTM`` uses) when the configuration allows: ``activation="tanh"``,
    ``recurrent_activation="sigmoid"``, no recurrent dropout in training, ``unroll=False``,
    no mixed precision, and no mask or a right-padded one (valid steps then padding, as
    ``Embedding(mask_zero=True)`` gives for padded sequences) without ``go_backwards``.
    On tensorflow, without a mask, the same configurations run tensorflow's fused loop (one
    ``tf.while_loop`` with a hand-written gradient). Otherwise, and on jax, one
    ``kcore.ops.scan`` runs the cell with the input projection hoisted out of the loop. All
    give the same numbers.

    Args:
        units: positive int, the size of the output.
        activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
        bias_initializer, unit_forget_bias, kernel_regularizer, recurrent_regularizer,
        bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
        recurrent_dropout, seed: as in :class:`LSTMCell`.
        activity_regularizer: regularizer of the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: as in ``RNN``.
        use_cudnn: Keras's switch for its cuDNN path; accepted (``"auto"``, ``True``,
            ``False``); ``False`` turns the fused kernel off. Not part of the config (as Keras).
        **kwargs: base layer arguments, and ``zero_output_for_mask``.

    Call arguments:
        sequences: ``(batch, time, features)``.
        initial_state: optional ``[h0, c0]``.
        mask: optional boolean ``(batch, time)``.
        training: whether dropout is active.

    Example::

        outputs, h, c = kcore.layers.LSTM(4, return_state=True)(np.zeros((32, 10, 8)))
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        use_cudnn="auto",
        **kwargs,
    ):
        check_use_cudnn("LSTM", use_cudnn)
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
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
            name="lstm_cell",
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
        self.use_cudnn = use_cudnn

    _fused_name = "LSTM"
    recurrent_activation = cell_property("recurrent_activation")
    unit_forget_bias = cell_property("unit_forget_bias")
