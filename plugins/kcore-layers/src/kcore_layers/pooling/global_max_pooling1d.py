"""``GlobalMaxPooling1D``: global maximum pooling for temporal (1D) data."""

from __future__ import annotations

from kcore_layers.pooling.base_global_pooling import BaseGlobalPooling

__all__ = ["GlobalMaxPooling1D"]


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Global maximum pooling operation for temporal (1D) data.

    Takes the maximum over every step of each channel: one ``kcore.ops.max`` call.

    Args:
        data_format: ``"channels_last"`` (inputs ``(batch_size, steps, features)``) or
            ``"channels_first"`` (inputs ``(batch_size, features, steps)``). Defaults to
            ``kcore.config.image_data_format()``.
        keepdims: whether the pooled axes stay, with length 1 (as ``np.max(...,
            keepdims=True)``). Defaults to ``False``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        ``(batch_size, steps, features)``
        or, channels first, ``(batch_size, features, steps)``.

    Output shape:
        ``(batch_size, features)``; with ``keepdims=True``, ``(batch_size, 1, features)``
        or, channels first, ``(batch_size, features, 1)``.

    Example::

        inputs = kcore.Input(shape=(10, 4))
        outputs = kcore.layers.GlobalMaxPooling1D()(inputs)  # shape (None, 4)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(
            pool_dimensions=1,
            pool_mode="max",
            data_format=data_format,
            keepdims=keepdims,
            **kwargs,
        )
