"""``SparseCategoricalCrossentropy``: crossentropy against integer class labels."""

from __future__ import annotations

from kcore_optim.losses import probabilistic
from kcore_optim.losses.loss import LossFunctionWrapper

__all__ = ["SparseCategoricalCrossentropy"]


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy between integer labels and predicted class probabilities (or logits).

    Labels stay integers (they are not cast to the loss dtype) and go straight to the backend's
    fused ``sparse_categorical_crossentropy`` kernel.

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        ignore_class: a label to ignore: its entries get loss 0 and are left out of the
            ``"sum_over_batch_size"`` average (useful for padding in segmentation maps).
        reduction: see :class:`~kcore_optim.losses.loss.Loss`.
        axis: the class axis. Defaults to ``-1``.
        name: defaults to ``"sparse_categorical_crossentropy"``.
        dtype: see :class:`~kcore_optim.losses.loss.Loss`.

    Example::

        loss = kcore.losses.SparseCategoricalCrossentropy(from_logits=True)
        loss([1, 2], [[0.1, 2.0, -1.0], [0.3, 0.2, 1.5]])
    """

    _cast_y_true = False
    _check_shapes = False

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            probabilistic.sparse_categorical_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def _call_with_mask(self, y_true, y_pred):
        return probabilistic.sparse_categorical_crossentropy_with_mask(
            y_true, y_pred, self.from_logits, self.ignore_class, self.axis
        )

    def get_config(self):
        return {
            "name": self.name,
            "reduction": self.reduction,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }
