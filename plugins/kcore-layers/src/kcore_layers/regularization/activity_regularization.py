"""``ActivityRegularization``: adds an L1/L2 penalty on its input to the layer losses."""

from __future__ import annotations

from kcore import Layer
from kcore_layers.regularizers import L1L2

__all__ = ["ActivityRegularization"]


class ActivityRegularization(Layer):
    """Passes its input through and adds ``L1L2(l1, l2)`` of it (per sample) to ``losses``.

    The penalty, ``l1 * sum(|x|) + l2 * sum(x^2)`` divided by the batch size, is added to the
    training loss by ``fit``.

    Args:
        l1: the L1 factor. Defaults to ``0.0``.
        l2: the L2 factor. Defaults to ``0.0``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example::

        layer = kcore.layers.ActivityRegularization(l1=1e-3)
        outputs = layer(x)  # == x; layer.losses holds the penalty
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base_config = super().get_config()
        base_config.pop("activity_regularizer", None)
        return {**base_config, "l1": self.l1, "l2": self.l2}
