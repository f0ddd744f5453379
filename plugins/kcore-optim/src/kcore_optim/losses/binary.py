"""``BinaryCrossentropy`` and ``BinaryFocalCrossentropy`` loss classes."""

from __future__ import annotations

from kcore_optim.losses import probabilistic
from kcore_optim.losses.loss import LossFunctionWrapper

__all__ = ["BinaryCrossentropy", "BinaryFocalCrossentropy"]


class BinaryCrossentropy(LossFunctionWrapper):
    """Crossentropy between binary targets and predicted probabilities (or logits).

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: in ``[0, 1]``; targets are pulled towards 0.5 by this amount.
        axis: the axis the mean is taken over. Defaults to ``-1``.
        reduction: see :class:`~kcore_optim.losses.loss.Loss`.
        name: defaults to ``"binary_crossentropy"``.
        dtype: see :class:`~kcore_optim.losses.loss.Loss`.

    Example::

        loss = kcore.losses.BinaryCrossentropy(from_logits=True)
        loss([0.0, 1.0], [-2.0, 3.0])
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            probabilistic.binary_crossentropy,
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return {
            "name": self.name,
            "reduction": self.reduction,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary crossentropy down-weighting easy examples by ``(1 - p_t) ** gamma``.

    Args:
        apply_class_balancing: weight positives by ``alpha`` and negatives by ``1 - alpha``.
        alpha: the class-balancing weight. Defaults to ``0.25``.
        gamma: the focusing exponent. Defaults to ``2.0``.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``; targets are pulled towards 0.5 by this amount.
        axis: the axis the mean is taken over. Defaults to ``-1``.
        reduction: see :class:`~kcore_optim.losses.loss.Loss`.
        name: defaults to ``"binary_focal_crossentropy"``.
        dtype: see :class:`~kcore_optim.losses.loss.Loss`.
    """

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            probabilistic.binary_focal_crossentropy,
            reduction,
            name,
            dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return {
            "name": self.name,
            "reduction": self.reduction,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
            "apply_class_balancing": self.apply_class_balancing,
            "alpha": self.alpha,
            "gamma": self.gamma,
        }
