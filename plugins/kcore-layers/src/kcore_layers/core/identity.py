"""``Identity``: returns its input unchanged."""

from __future__ import annotations

from kcore import KerasTensor, Layer, tree

__all__ = ["Identity"]


class Identity(Layer):
    """A placeholder layer that returns its input (any structure of tensors) unchanged.

    Useful when building models where a layer is optional: put an ``Identity`` in its place.

    Args:
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example::

        projection = kcore.layers.Dense(64) if project else kcore.layers.Identity()
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs):
        return tree.map_structure(lambda x: KerasTensor(x.shape, x.dtype, x.sparse), inputs)

    def get_config(self):
        return super().get_config()
