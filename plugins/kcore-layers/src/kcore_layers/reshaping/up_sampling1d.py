"""``UpSampling1D``: repeats each step ``size`` times along the steps axis."""

from __future__ import annotations

from kcore_layers._validation import positive_int
from kcore_layers.reshaping.base_up_sampling import BaseUpSampling

__all__ = ["UpSampling1D"]


class UpSampling1D(BaseUpSampling):
    """Upsampling layer for 1D inputs.

    Repeats each temporal step ``size`` times along the time axis (one ``kcore.ops.repeat``).

    Args:
        size: a positive int, the upsampling factor. Defaults to ``2``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        3D tensor ``(batch_size, steps, features)``.

    Output shape:
        3D tensor ``(batch_size, upsampled_steps, features)``.

    Example::

        inputs = kcore.Input(shape=(10, 4))
        outputs = kcore.layers.UpSampling1D(size=3)(inputs)  # shape (None, 30, 4)
    """

    def __init__(self, size=2, **kwargs):
        size = positive_int(size, "size")
        super().__init__((size,), "channels_last", **kwargs)
        self.size = size

    def get_config(self):
        return {**super().get_config(), "size": self.size}
