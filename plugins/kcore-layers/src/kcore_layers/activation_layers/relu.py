"""``ReLU``: the rectified linear unit as a layer, with Keras's cap, leak and threshold."""

from __future__ import annotations

import numbers

from kcore import Layer, ops
from kcore_layers import activations

__all__ = ["ReLU"]


def _non_negative(value, name, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        expected = "a float >= 0 or None" if allow_none else "a float >= 0"
        raise ValueError(f"ReLU: `{name}` must be {expected}. Received: {name}={value!r}")
    return value if isinstance(value, (int, float)) else float(value)  # NumPy scalars: JSON


class ReLU(Layer):
    """Rectified Linear Unit activation layer.

    Computes::

        f(x) = max_value                        if x >= max_value
        f(x) = x                                if threshold < x < max_value
        f(x) = negative_slope * (x - threshold) otherwise

    (with ``threshold=0``, ``x = 0`` gives 0 either way).

    Args:
        max_value: float >= 0, the largest output; ``None`` means no cap. Defaults to ``None``.
        negative_slope: float >= 0, the slope below the threshold. Defaults to ``0.0``.
        threshold: float >= 0, the value below which the output leaks. Defaults to ``0.0``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example::

        layer = kcore.layers.ReLU(max_value=10, negative_slope=0.5)
        layer(np.array([-10.0, -5.0, 0.0, 5.0, 10.0]))  # [-5, -2.5, 0, 5, 10]
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        max_value = _non_negative(max_value, "max_value", allow_none=True)
        negative_slope = _non_negative(negative_slope, "negative_slope")
        threshold = _non_negative(threshold, "threshold")
        super().__init__(**kwargs)
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True
        self._plain = max_value is None and negative_slope == 0 and threshold == 0
        self.built = True

    def call(self, inputs):
        if self._plain:
            return ops.relu(inputs)
        return activations.relu(
            inputs,
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }
        return {**super().get_config(), **config}
