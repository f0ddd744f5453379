"""``ELU``: the exponential linear unit as a layer."""

from __future__ import annotations

import numbers

from kcore import Layer, ops

__all__ = ["ELU"]


class ELU(Layer):
    """Exponential Linear Unit activation layer.

    Computes ``f(x) = x`` for ``x > 0`` and ``f(x) = alpha * (exp(x) - 1)`` otherwise.

    Args:
        alpha: float, the scale of the negative part. Defaults to ``1.0``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example::

        layer = kcore.layers.ELU(alpha=0.5)
        layer(np.array([-1.0, 0.0, 2.0]))  # [-0.316, 0, 2]
    """

    def __init__(self, alpha=1.0, **kwargs):
        if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
            raise ValueError(f"ELU: `alpha` must be a float. Received: alpha={alpha!r}")
        super().__init__(**kwargs)
        self.alpha = alpha if isinstance(alpha, (int, float)) else float(alpha)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return ops.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
