"""``GRUCell`` and ``GRU``: Gated Recurrent Unit (Cho et al., 2014)."""

from __future__ import annotations

import kcore
from kcore import ops
from kcore_layers import _resolve
from kcore_layers.rnn.base_cell_layer import CellLayer, cell_property, check_use_cudnn
from kcore_layers.rnn.base_rnn_cell import BaseRNNCell

__all__ = ["GRUCell", "GRU"]


class GRUCell(BaseRNNCell):
    """One GRU step. Weights are Keras's: ``kernel (in, 3u)``, ``recurrent_kernel (u, 3u)``,
    gates in the order update, reset, candidate (z, r, h); ``bias`` is ``(2, 3u)`` (input
    bias, recurrent bias) with ``reset_after=True``, else ``(3u,)``.

    ``z, r = recurrent_activation(...)``; the candidate is ``activation(x W_h + r * (h_tm1
    U_h + b_rh))`` with ``reset_after`` (the cuDNN-compatible variant), else
    ``activation(x W_h + (r * h_tm1) U_h)``; ``h = z * h_tm1 + (1 - z) * candidate``.

    Args:
        units: positive int, the size of the output and of the state.
        activation: the candidate activation (default ``"tanh"``).
        recurrent_activation: the gate activation (default ``"sigmoid"``).
        use_bias: whether to add biases.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs dropped (in training).
        recurrent_dropout: fraction of the previous state dropped in the recurrent matmul.
        reset_after: apply the reset gate after the recurrent matmul (default ``True``).
        seed: int seed of the dropout masks.
        **kwargs: base layer arguments.

    Call arguments:
        inputs: ``(batch, features)``.
        states: ``[h_tm1]``.
        training: whether dropout is active.

    Example::

        rnn = kcore.layers.RNN(kcore.layers.GRUCell(4))
        outputs = rnn(np.zeros((32, 10, 8), "float32"))  # (32, 4)
    """

    _gates = 3

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        reset_after=True,
        **kwargs,
    ):
        recurrent_activation = _resolve.activation(recurrent_activation, "recurrent_activation")
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self.recurrent_activation = recurrent_activation
        self.reset_after = bool(reset_after)
        self.state_size = self.units
        self.output_size = self.units

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        if self.bias is None:
            return None
        bias = self._value(self.bias)
        return bias[0] if self.reset_after else bias

    def _projected_step(self, projected, states, training=False):
        h_tm1 = states[0]
        h_in = self._recurrent_input(h_tm1, training)
        x_z, x_r, x_h = ops.split(projected, 3, axis=-1)
        recurrent_kernel = self._value(self.recurrent_kernel)
        gate = self.recurrent_activation
        if self.reset_after:
            inner = ops.matmul(h_in, recurrent_kernel)
            if self.bias is not None:
                inner = ops.add(inner, self._value(self.bias)[1])
            r_z, r_r, r_h = ops.split(inner, 3, axis=-1)
            z = gate(ops.add(x_z, r_z))
            r = gate(ops.add(x_r, r_r))
            candidate = ops.add(x_h, ops.multiply(r, r_h))
        else:
            units = self.units
            inner = ops.matmul(h_in, recurrent_kernel[:, : 2 * units])
            r_z, r_r = ops.split(inner, 2, axis=-1)
            z = gate(ops.add(x_z, r_z))
            r = gate(ops.add(x_r, r_r))
            candidate = ops.add(
                x_h, ops.matmul(ops.multiply(r, h_in), recurrent_kernel[:, 2 * units :])
            )
        if self._activation_fn is not None:
            candidate = self._activation_fn(candidate)
        h = ops.add(ops.multiply(z, h_tm1), ops.multiply(ops.subtract(1.0, z), candidate))
        return h, [h]

    def get_config(self):
        config = super().get_config()
        config["recurrent_activation"] = kcore.saving.serialize_keras_object(
            self.recurrent_activation
        )
        config["reset_after"] = self.reset_after
        return config


class GRU(CellLayer):
    """Gated Recurrent Unit layer.

    On the torch backend the whole loop runs in torch's native fused GRU kernel (the one
    ``torch.nn.GRU`` uses) when the configuration allows: ``reset_after=True`` (torch's
    formula), ``activation="tanh"``, ``recurrent_activation="sigmoid"``, no recurrent
    dropout in training, ``unroll=False``, no mixed precision, and no mask or a right-padded
    one (valid steps then padding) without ``go_backwards``. Otherwise, and on other backends,
    one ``kcore.ops.scan`` runs the cell with the input projection hoisted out of the loop.
    Both give the same numbers.

    Args:
        units: positive int, the size of the output.
        activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
        bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
        kernel_constraint, recurrent_constraint, bias_constraint, dropout, recurrent_dropout,
        reset_after, seed: as in :class:`GRUCell`.
        activity_regularizer: regularizer of the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: as in ``RNN``.
        use_cudnn: accepted like Keras (``"auto"``, ``True``, ``False``); ``False`` turns the
            fused kernel off. Not part of the config (as Keras).
        **kwargs: base layer arguments, and ``zero_output_for_mask``.

    Call arguments:
        sequences: ``(batch, time, features)``.
        initial_state: optional ``[h0]``.
        mask: optional boolean ``(batch, time)``.
        training: whether dropout is active.

    Example::

        outputs = kcore.layers.GRU(4, return_sequences=True)(np.zeros((32, 10, 8)))
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
        reset_after=True,
        use_cudnn="auto",
        **kwargs,
    ):
        check_use_cudnn("GRU", use_cudnn)
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
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
            reset_after=reset_after,
            seed=seed,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="gru_cell",
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

    _fused_name = "GRU"
    recurrent_activation = cell_property("recurrent_activation")
    reset_after = cell_property("reset_after")

    def _fused_eligible(self):
        return self.cell.reset_after and super()._fused_eligible()
