"""``Dense``: a densely connected layer, ``activation(inputs @ kernel + bias)``."""

from __future__ import annotations

import kcore
from kcore import InputSpec, Layer, ops
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve
from kcore_layers._validation import positive_int

__all__ = ["Dense"]


class Dense(Layer):
    """Just your regular densely connected layer.

    Computes ``activation(dot(inputs, kernel) + bias)``: the dot product is over the last axis
    of the inputs, so an input ``(batch, d0, d1)`` with a kernel ``(d1, units)`` gives
    ``(batch, d0, units)``.

    Args:
        units: positive integer, the dimensionality of the output space.
        activation: the activation (name or callable). ``None`` means linear: no call at all.
        use_bias: whether the layer adds a bias vector.
        kernel_initializer: initializer of the ``kernel``. Defaults to ``"glorot_uniform"``.
        bias_initializer: initializer of the ``bias``. Defaults to ``"zeros"``.
        kernel_regularizer: regularizer of the ``kernel``.
        bias_regularizer: regularizer of the ``bias``.
        activity_regularizer: regularizer of the output.
        kernel_constraint: constraint on the ``kernel``.
        bias_constraint: constraint on the ``bias``.
        lora_rank: Keras's LoRA option; not supported yet (must be ``None``).
        lora_alpha: Keras's LoRA scale; not supported yet (must be ``None``).
        quantization_config: Keras's quantization option; not supported yet (must be ``None``).
        **kwargs: base layer arguments (``name``, ``dtype``, ``trainable``, ``input_shape``...).

    Input shape:
        N-D tensor ``(batch_size, ..., input_dim)``; most often 2D ``(batch_size, input_dim)``.

    Output shape:
        N-D tensor ``(batch_size, ..., units)``.

    Example::

        inputs = kcore.Input(shape=(16,))
        outputs = kcore.layers.Dense(32, activation="relu")(inputs)  # shape (None, 32)
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        units = positive_int(units, "units")
        for name, value in (
            ("lora_rank", lora_rank),
            ("lora_alpha", lora_alpha),
            ("quantization_config", quantization_config),
        ):
            if value is not None:
                raise NotImplementedError(
                    f"Dense: `{name}` is not supported by kcore yet. Received: {name}={value!r}"
                )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = units
        self.activation = _resolve.activation(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = _resolve.initializer(kernel_initializer, "kernel_initializer")
        self.bias_initializer = _resolve.initializer(bias_initializer, "bias_initializer")
        self.kernel_regularizer = _resolve.regularizer(kernel_regularizer, "kernel_regularizer")
        self.bias_regularizer = _resolve.regularizer(bias_regularizer, "bias_regularizer")
        self.kernel_constraint = _resolve.constraint(kernel_constraint, "kernel_constraint")
        self.bias_constraint = _resolve.constraint(bias_constraint, "bias_constraint")
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True
        self._activation_fn = None if _resolve.is_linear(self.activation) else self.activation
        self._cast_weights_to = None

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f'Layer "{self.name}": the last axis of the input must be known to build a '
                f"Dense layer. Received: input_shape={tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self._fused_dense = kcore.backend.fused_kernel("Dense")
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        if self.compute_dtype != self.variable_dtype:  # mixed precision: compute in half
            self._cast_weights_to = self.compute_dtype
        self.built = True

    def call(self, inputs):
        kernel = self.kernel.value
        if self._cast_weights_to is None and self.bias is not None:
            fused = self._fused_dense
            if fused is not None:
                # One backend kernel for x @ kernel + bias (e.g. torch.addmm); same numbers.
                x = fused(inputs, kernel, self.bias.value)
                if x is not NotImplemented:
                    return x if self._activation_fn is None else self._activation_fn(x)
        if self._cast_weights_to is not None:
            kernel = ops.cast(kernel, self._cast_weights_to)
        x = ops.matmul(inputs, kernel)
        if self.bias is not None:
            bias = self.bias.value
            if self._cast_weights_to is not None:
                bias = ops.cast(bias, self._cast_weights_to)
            x = ops.add(x, bias)
        if self._activation_fn is not None:
            x = self._activation_fn(x)
        return x

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self):
        base_config = super().get_config()
        config = {
            "units": self.units,
            "activation": serialize_keras_object(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_keras_object(self.kernel_initializer),
            "bias_initializer": serialize_keras_object(self.bias_initializer),
            "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
            "bias_regularizer": serialize_keras_object(self.bias_regularizer),
            "kernel_constraint": serialize_keras_object(self.kernel_constraint),
            "bias_constraint": serialize_keras_object(self.bias_constraint),
            "quantization_config": None,
        }
        return {**base_config, **config}
