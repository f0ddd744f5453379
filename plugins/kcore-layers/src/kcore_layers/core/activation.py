"""``Activation``: applies an activation function to its input."""

from __future__ import annotations

from kcore import Layer
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve

__all__ = ["Activation"]


class Activation(Layer):
    """Applies an activation function to an output.

    Args:
        activation: the activation, a name (``"relu"``) or a callable.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example::

        layer = kcore.layers.Activation("relu")
        layer(np.array([-3.0, 0.0, 2.0]))  # [0.0, 0.0, 2.0]
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = _resolve.activation(activation)
        self.built = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": serialize_keras_object(self.activation)}
