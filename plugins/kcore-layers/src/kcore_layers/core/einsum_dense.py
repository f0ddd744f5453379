"""``EinsumDense``: a dense layer whose contraction is an einsum equation."""

from __future__ import annotations

import re

from kcore import InputSpec, Layer, ops
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve
from kcore_layers.initializers.variance_scaling import VarianceScaling

__all__ = ["EinsumDense"]

# The three equation forms Keras accepts: "ab,bc->ac", "...b,bc->...c" and "ab...,bc->ac...".
_PLAIN = re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$")
_LEFT_ELIDED = re.compile(r"\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$")
_RIGHT_ELIDED = re.compile(r"([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.$")


class EinsumDense(Layer):
    """A layer computing ``activation(einsum(equation, inputs, kernel) + bias)``.

    The kernel's shape follows from the equation: each kernel letter takes its size from the
    output shape if it appears in the output, else from the input shape.

    Args:
        equation: ``"ab,bc->ac"`` style; the first operand is the input, the second the
            kernel. ``"...b,bc->...c"`` (left ellipsis) and ``"ab...,bc->ac..."`` (right
            ellipsis) are accepted too.
        output_shape: the output shape without the batch dim (and without the ellipsis dims);
            an int for a 1D output. ``None`` entries mean "the size of the matching input dim".
        activation: the activation (name or callable); ``None`` means linear.
        bias_axes: letters of the output spec that get a bias (``None``: no bias).
        kernel_initializer: initializer of the ``kernel``. Defaults to ``"glorot_uniform"``;
            variance-scaling initializers get the fan axes the equation implies.
        bias_initializer: initializer of the ``bias``. Defaults to ``"zeros"``.
        kernel_regularizer: regularizer of the ``kernel``.
        bias_regularizer: regularizer of the ``bias``.
        kernel_constraint: constraint on the ``kernel``.
        bias_constraint: constraint on the ``bias``.
        lora_rank: Keras's LoRA option; not supported yet (must be ``None``).
        lora_alpha: Keras's LoRA scale; not supported yet (must be ``None``).
        gptq_unpacked_column_size: Keras's quantization detail; must be ``None``.
        quantization_config: Keras's quantization option; not supported yet (must be ``None``).
        **kwargs: base layer arguments (``name``, ``dtype``, ``activity_regularizer``...).

    Input shape:
        A tensor whose rank matches the input spec of ``equation`` (plus the ellipsis dims).

    Output shape:
        ``(batch_size, *output_shape)``, with the ellipsis dims where the equation puts them.

    Example::

        # A Dense(64) applied to every timestep, with a bias on the last axis.
        layer = kcore.layers.EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")
        outputs = layer(kcore.Input(shape=(32, 128)))  # shape (None, 32, 64)
    """

    def __init__(
        self,
        equation,
        output_shape,
        activation=None,
        bias_axes=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        gptq_unpacked_column_size=None,
        quantization_config=None,
        **kwargs,
    ):
        if not isinstance(equation, str) or not any(
            p.match(equation) for p in (_PLAIN, _LEFT_ELIDED, _RIGHT_ELIDED)
        ):
            raise ValueError(
                f"Invalid einsum equation {equation!r}. Equations must be in the form "
                "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
            )
        for name, value in (
            ("lora_rank", lora_rank),
            ("lora_alpha", lora_alpha),
            ("gptq_unpacked_column_size", gptq_unpacked_column_size),
            ("quantization_config", quantization_config),
        ):
            if value is not None:
                raise NotImplementedError(
                    f"EinsumDense: `{name}` is not supported by kcore yet. "
                    f"Received: {name}={value!r}"
                )
        super().__init__(**kwargs)
        self.equation = equation
        if isinstance(output_shape, int):
            output_shape = (output_shape,)
        self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = _resolve.activation(activation)
        self.kernel_initializer = _resolve.initializer(kernel_initializer, "kernel_initializer")
        self.bias_initializer = _resolve.initializer(bias_initializer, "bias_initializer")
        self.kernel_regularizer = _resolve.regularizer(kernel_regularizer, "kernel_regularizer")
        self.bias_regularizer = _resolve.regularizer(bias_regularizer, "bias_regularizer")
        self.kernel_constraint = _resolve.constraint(kernel_constraint, "kernel_constraint")
        self.bias_constraint = _resolve.constraint(bias_constraint, "bias_constraint")
        self._activation_fn = None if _resolve.is_linear(self.activation) else self.activation
        self._cast_weights_to = None

    def build(self, input_shape):
        kernel_shape, bias_shape, _, input_axes, output_axes = _analyze_equation(
            self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape
        )
        self.input_spec = InputSpec(ndim=len(input_shape))
        initializer = self.kernel_initializer
        if isinstance(initializer, VarianceScaling) and (
            initializer.input_axes is None or initializer.output_axes is None
        ):
            config = dict(initializer.get_config(), input_axes=input_axes, output_axes=output_axes)
            config["seed"] = initializer.seed
            initializer = type(initializer).from_config(config)
        self.kernel = self.add_weight(
            name="kernel",
            shape=kernel_shape,
            initializer=initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if bias_shape is not None:
            self.bias = self.add_weight(
                name="bias",
                shape=bias_shape,
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        if self.compute_dtype != self.variable_dtype:
            self._cast_weights_to = self.compute_dtype
        self.built = True

    def call(self, inputs):
        kernel = self.kernel.value
        if self._cast_weights_to is not None:
            kernel = ops.cast(kernel, self._cast_weights_to)
        x = ops.einsum(self.equation, inputs, kernel)
        if self.bias is not None:
            bias = self.bias.value
            if self._cast_weights_to is not None:
                bias = ops.cast(bias, self._cast_weights_to)
            x = ops.add(x, bias)
        if self._activation_fn is not None:
            x = self._activation_fn(x)
        return x

    def compute_output_shape(self, input_shape):
        _, _, output_shape, _, _ = _analyze_equation(
            self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape
        )
        return output_shape

    def get_config(self):
        base_config = super().get_config()
        config = {
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": serialize_keras_object(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": serialize_keras_object(self.kernel_initializer),
            "bias_initializer": serialize_keras_object(self.bias_initializer),
            "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
            "bias_regularizer": serialize_keras_object(self.bias_regularizer),
            "activity_regularizer": serialize_keras_object(self.activity_regularizer),
            "kernel_constraint": serialize_keras_object(self.kernel_constraint),
            "bias_constraint": serialize_keras_object(self.bias_constraint),
            "quantization_config": None,
        }
        return {**base_config, **config}


def _analyze_equation(equation, bias_axes, input_shape, partial_output_shape):
    """Shapes implied by ``equation`` for ``input_shape``.

    Returns ``(kernel_shape, bias_shape or None, output_shape, kernel_input_axes,
    kernel_output_axes)``; the kernel axes are those that count towards the fan-in / fan-out.
    """
    forms = ((_PLAIN, None), (_LEFT_ELIDED, "left"), (_RIGHT_ELIDED, "right"))
    found = [(p.match(equation), side) for p, side in forms if p.match(equation)]
    if not found:
        raise ValueError(f"Invalid einsum equation {equation!r}.")
    match, elided_side = found[0]
    input_spec, kernel_spec, output_spec = match.groups()
    elided = len(input_shape) - len(input_spec)
    if elided < 0 or (elided_side is None and elided != 0):
        raise ValueError(
            f"EinsumDense: the input spec {input_spec!r} of {equation!r} has "
            f"{len(input_spec)} axes but the input has shape {input_shape}."
        )
    partial = list(partial_output_shape)
    if elided_side == "left":
        output_shape = [input_shape[0], *input_shape[1:elided], *partial]
        input_index = {c: i + elided for i, c in enumerate(input_spec)}
        output_index = {
            c: i + len(output_shape) - len(output_spec) for i, c in enumerate(output_spec)
        }
    else:
        output_shape = [input_shape[0], *partial]
        if elided_side == "right":
            output_shape += input_shape[len(input_shape) - elided :]
        input_index = {c: i for i, c in enumerate(input_spec)}
        output_index = {c: i for i, c in enumerate(output_spec)}
    for c, i in input_index.items():
        if c in output_index:
            j = output_index[c]
            if output_shape[j] is None:
                output_shape[j] = input_shape[i]
            elif input_shape[i] is not None and output_shape[j] != input_shape[i]:
                raise ValueError(
                    f"Input shape and output shape do not match at shared dimension {c!r}. "
                    f"Input shape is {input_shape[i]}, and output shape is {output_shape[j]}."
                )
    for c in output_spec:
        if c not in input_spec and c not in kernel_spec:
            raise ValueError(
                f"Dimension {c!r} was specified in the output {output_spec!r} but has no "
                f"corresponding dim in the input spec {input_spec!r} or weight spec "
                f"{kernel_spec!r}."
            )
    kernel_shape, input_axes, output_axes = [], [], []
    for i, c in enumerate(kernel_spec):
        if c in output_index:
            kernel_shape.append(output_shape[output_index[c]])
            output_axes.append(i)
        elif c in input_index:
            kernel_shape.append(input_shape[input_index[c]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"Weight dimension {c!r} did not have a match in either the input spec "
                f"{input_spec!r} or the output spec {output_spec!r}. For this layer, the weight "
                "must be fully specified."
            )
    bias_shape = None
    if bias_axes is not None:
        missing = [c for c in bias_axes if c not in output_spec]
        if missing:
            raise ValueError(
                f"Bias dimension {missing[0]!r} was requested, but is not part of the output "
                f"spec {output_spec!r}."
            )
        first = min(output_spec.index(c) for c in bias_axes)
        bias_shape = [
            output_shape[output_index[c]] if c in bias_axes else 1 for c in output_spec[first:]
        ]
        if elided_side == "right":
            bias_shape += [1] * elided
    return (
        tuple(kernel_shape),
        None if bias_shape is None else tuple(bias_shape),
        tuple(output_shape),
        input_axes,
        output_axes,
    )
