"""``CategoricalCrossentropy`` and ``CategoricalFocalCrossentropy`` loss classes."""

from __future__ import annotations

from kcore_optim.losses import probabilistic
from kcore_optim.losses.loss import LossFunctionWrapper

__all__ = ["CategoricalCrossentropy", "CategoricalFocalCrossentropy"]


class CategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy between one-hot (or soft) targets and predicted class probabilities.

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: in ``[0, 1]``; targets become ``y * (1 - s) + s / num_classes``.
        axis: the class axis. Defaults to ``-1``.
        reduction: see :class:`~kcore_optim.losses.loss.Loss`.
        name: defaults to ``"categorical_crossentropy"``.
        dtype: see :class:`~kcore_optim.losses.loss.Loss`.

    Example::

        loss = kcore.losses.CategoricalCrossentropy()
        loss([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])  # 1.177
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            probabilistic.categorical_crossentropy,
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


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical crossentropy down-weighting well-classified examples.

    Each class term is scaled by ``alpha * (1 - p) ** gamma``.

    Args:
        alpha: the weighting factor. Defaults to ``0.25``.
        gamma: the focusing exponent. Defaults to ``2.0``.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``, as in :class:`CategoricalCrossentropy`.
        axis: the class axis. Defaults to ``-1``.
        reduction: see :class:`~kcore_optim.losses.loss.Loss`.
        name: defaults to ``"categorical_focal_crossentropy"``.
        dtype: see :class:`~kcore_optim.losses.loss.Loss`.
    """

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            probabilistic.categorical_focal_crossentropy,
            reduction,
            name,
            dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
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
            "alpha": self.alpha,
            "gamma": self.gamma,
        }
