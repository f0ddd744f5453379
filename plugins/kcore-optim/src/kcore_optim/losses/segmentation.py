"""Overlap losses for segmentation: Dice and Tversky (functions and classes)."""

from __future__ import annotations

from kcore import config, ops
from kcore_optim.losses.loss import LossFunctionWrapper

__all__ = ["Dice", "Tversky", "dice", "tversky"]


def dice(y_true, y_pred, axis=None):
    """Dice loss ``1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))``.

    Args:
        y_true: the target masks.
        y_pred: the predicted masks.
        axis: the axes summed over; ``None`` (default) sums over everything and returns a
            scalar.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    intersection = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    total = ops.add(ops.sum(y_true, axis=axis), ops.sum(y_pred, axis=axis))
    score = ops.divide(ops.multiply(2.0, intersection), ops.add(total, config.epsilon()))
    return ops.subtract(1.0, score)


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """Tversky loss ``1 - tp / (tp + alpha * fp + beta * fn)``, a weighted Dice.

    As in Keras 3, ``fp = sum((1 - y_pred) * y_true)`` and ``fn = sum(y_pred * (1 - y_true))``.

    Args:
        y_true: the target masks.
        y_pred: the predicted masks.
        alpha: the weight of the ``fp`` term. Defaults to ``0.5``.
        beta: the weight of the ``fn`` term. Defaults to ``0.5``.
        axis: the axes summed over; ``None`` (default) sums over everything.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    intersection = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    fp = ops.sum(ops.multiply(ops.subtract(1.0, y_pred), y_true), axis=axis)
    fn = ops.sum(ops.multiply(y_pred, ops.subtract(1.0, y_true)), axis=axis)
    denominator = ops.add(ops.add(intersection, ops.multiply(fp, alpha)), ops.multiply(fn, beta))
    score = ops.divide(intersection, ops.add(denominator, config.epsilon()))
    return ops.subtract(1.0, score)


class Dice(LossFunctionWrapper):
    """Dice loss between target and predicted masks.

    Args:
        reduction: see :class:`~kcore_optim.losses.loss.Loss`.
        name: defaults to ``"dice"``.
        axis: the axes summed over; ``None`` sums over everything.
        dtype: see :class:`~kcore_optim.losses.loss.Loss`.
    """

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction, name, dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction, "axis": self.axis}


class Tversky(LossFunctionWrapper):
    """Tversky loss: Dice with separate weights for the two kinds of error.

    Args:
        alpha: the weight of the ``fp`` term. Defaults to ``0.5``.
        beta: the weight of the ``fn`` term. Defaults to ``0.5``.
        reduction: see :class:`~kcore_optim.losses.loss.Loss`.
        name: defaults to ``"tversky"``.
        axis: the axes summed over; ``None`` sums over everything.
        dtype: see :class:`~kcore_optim.losses.loss.Loss`.
    """

    def __init__(
        self,
        alpha=0.5,
        beta=0.5,
        reduction="sum_over_batch_size",
        name="tversky",
        axis=None,
        dtype=None,
    ):
        super().__init__(tversky, reduction, name, dtype, alpha=alpha, beta=beta, axis=axis)
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self):
        return {
            "name": self.name,
            "reduction": self.reduction,
            "alpha": self.alpha,
            "beta": self.beta,
            "axis": self.axis,
        }
