"""``Masking``: masks timesteps whose features all equal ``mask_value``."""

from __future__ import annotations

from kcore import Layer, ops
from kcore.saving import deserialize_keras_object, serialize_keras_object

__all__ = ["Masking"]


class Masking(Layer):
    """Masks a sequence by using a mask value to skip timesteps.

    A timestep (``inputs[i, t, :]``) is masked when all its features equal ``mask_value``:
    its output is zeroed and the mask (``(batch, timesteps)``, ``True`` = keep) is passed to
    the downstream layers that support masking (recurrent layers, ...).

    Args:
        mask_value: the value that marks padding. Defaults to ``0.0``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, timesteps, features)`` (any rank ≥ 2; the last axis is the features).

    Output shape:
        Same as the input.

    Example::

        inputs = kcore.Input(shape=(10, 8))
        x = kcore.layers.Masking(mask_value=0.0)(inputs)  # timesteps of all-zero features skip
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config") is not None:
            mask_value = deserialize_keras_object(mask_value)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs, mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return ops.where(keep, inputs, ops.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": serialize_keras_object(self.mask_value)}
