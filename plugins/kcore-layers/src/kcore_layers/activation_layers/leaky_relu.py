"""``LeakyReLU``: ``x`` if positive, else ``negative_slope * x``."""

from __future__ import annotations

import numbers
import warnings

from kcore import Layer, ops

__all__ = ["LeakyReLU"]


class LeakyReLU(Layer):
    """Leaky version of the Rectified Linear Unit: a small slope below zero.

    Computes ``f(x) = x`` for ``x >= 0`` and ``f(x) = negative_slope * x`` otherwise.

    Args:
        negative_slope: float >= 0, the slope below zero. Defaults to ``0.3``.
        **kwargs: base layer arguments (``name``, ``dtype``...). The Keras 2 name ``alpha`` is
            still accepted for ``negative_slope`` (with a deprecation warning).

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example::

        layer = kcore.layers.LeakyReLU(negative_slope=0.5)
        layer(np.array([-10.0, -5.0, 0.0, 5.0, 10.0]))  # [-5, -2.5, 0, 5, 10]
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "LeakyReLU: argument `alpha` is deprecated. Use `negative_slope` instead.",
                stacklevel=2,
            )
        if (
            isinstance(negative_slope, bool)
            or not isinstance(negative_slope, numbers.Real)
            or not negative_slope >= 0
        ):
            raise ValueError(
                "LeakyReLU: `negative_slope` must be a float >= 0. "
                f"Received: negative_slope={negative_slope!r}"
            )
        super().__init__(**kwargs)
        if not isinstance(negative_slope, (int, float)):
            negative_slope = float(negative_slope)  # NumPy scalars: keep the config JSON-able
        self.negative_slope = negative_slope
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}
