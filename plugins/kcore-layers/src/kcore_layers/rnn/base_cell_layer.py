"""``CellLayer``: an ``RNN`` that owns one built-in cell (SimpleRNN, LSTM, GRU); private.

Its config is Keras's: the RNN flags plus the cell's arguments (no nested ``cell`` entry), and
the cell's arguments read back as layer attributes (``layer.units``, ``layer.dropout``...).

A subclass naming a fused kernel (``_fused_name = "LSTM"``) looks it up once at build with
``kcore.backend.fused_kernel`` and runs the whole loop in it when ``_fused_eligible()`` holds
(fixed by the config) and the call allows it (no recurrent dropout in training); the kernel
itself declines inputs it does not take by returning ``NotImplemented``.
"""

from __future__ import annotations

import kcore
from kcore import InputSpec, ops
from kcore.saving import serialize_keras_object
from kcore_layers import activations
from kcore_layers.rnn.rnn import RNN

__all__ = ["CellLayer", "cell_property", "check_use_cudnn"]

_BASE_KEYS = ("name", "trainable", "dtype")


def cell_property(name: str):
    """A read-only property forwarding ``name`` to ``self.cell``."""
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's ``{name}``.")


def check_use_cudnn(layer: str, value) -> None:
    """Keras's ``use_cudnn`` switch: ``"auto"``, ``True`` or ``False`` (``False`` turns the
    fused kernel off)."""
    if value not in ("auto", True, False):
        raise ValueError(
            f"{layer}: `use_cudnn` must be 'auto', True or False. Received: use_cudnn={value!r}"
        )


class CellLayer(RNN):
    """An RNN over a cell it builds itself from the layer's arguments."""

    _fused_name = None

    def __init__(self, cell, **kwargs):
        super().__init__(cell, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        self._fused = None

    def _fused_eligible(self) -> bool:
        """Whether the configuration is one the fused kernels compute (tanh / sigmoid, no
        unroll, no mixed-precision cast, ``use_cudnn`` not ``False``)."""
        cell = self.cell
        return (
            getattr(self, "use_cudnn", "auto") is not False
            and not self.unroll
            and cell.activation is activations.tanh
            and getattr(cell, "recurrent_activation", None) is activations.sigmoid
            and cell._cast_to is None
        )

    def build(self, sequences_shape, initial_state_shape=None):
        super().build(sequences_shape, initial_state_shape)
        if self._fused_name is not None and self._fused_eligible():
            self._fused = kcore.backend.fused_kernel(self._fused_name)

    def _fast_call(self, sequences, states, mask, training):
        fused = self._fused
        if fused is None:
            return None
        cell = self.cell
        if training and cell.recurrent_dropout > 0:
            return None
        if training and cell.dropout > 0:  # one mask for every step, as the cell would
            cell.reset_dropout_mask()
            dp_mask = cell.get_dropout_mask(sequences[:, 0])
            cell.reset_dropout_mask()
            sequences = ops.multiply(sequences, ops.expand_dims(dp_mask, 1))
        if mask is not None and not ops.is_tensor(mask):
            mask = ops.convert_to_tensor(mask)
        result = fused(
            sequences,
            *states,
            cell.kernel.value,
            cell.recurrent_kernel.value,
            None if cell.bias is None else cell.bias.value,
            go_backwards=self.go_backwards,
            return_sequences=self.return_sequences,
            mask=mask,
            zero_output_for_mask=self.zero_output_for_mask,
        )
        if result is NotImplemented:
            return None
        last_output, outputs, *final_states = result
        return last_output, outputs, final_states

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = {k: v for k, v in self.cell.get_config().items() if k not in _BASE_KEYS}
        cell_config["activity_regularizer"] = serialize_keras_object(self.activity_regularizer)
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config.pop("implementation", None)  # Keras 2 configs
        return cls(**config)


for _name in (
    "units",
    "activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "seed",
):
    setattr(CellLayer, _name, cell_property(_name))
del _name
