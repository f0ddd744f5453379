"""Hinge losses for maximum-margin classification: functions and classes.

``hinge`` and ``squared_hinge`` expect labels in ``{-1, 1}``; labels given as ``{0, 1}`` are
mapped to ``{-1, 1}`` first (a traced ``where``, so it works under ``jax.jit``).
"""

from __future__ import annotations

from kcore import ops
from kcore_optim.losses.loss import LossFunctionWrapper

__all__ = [
    "CategoricalHinge",
    "Hinge",
    "SquaredHinge",
    "categorical_hinge",
    "convert_binary_labels_to_hinge",
    "hinge",
    "squared_hinge",
]


def convert_binary_labels_to_hinge(y_true):
    """Map labels from ``{0, 1}`` to ``{-1, 1}``; leave any other labels unchanged."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, ops.subtract(ops.multiply(y_true, 2.0), 1.0), y_true)


def _margins(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = convert_binary_labels_to_hinge(ops.cast(y_true, ops.dtype(y_pred)))
    return ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0)


def hinge(y_true, y_pred):
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``.

    Args:
        y_true: labels in ``{-1, 1}`` (or ``{0, 1}``, converted).
        y_pred: predicted scores.

    Returns:
        The per-sample losses.
    """
    return ops.mean(_margins(y_true, y_pred), axis=-1)


def squared_hinge(y_true, y_pred):
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``; arguments as :func:`hinge`."""
    return ops.mean(ops.square(_margins(y_true, y_pred)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """``maximum(neg - pos + 1, 0)`` with ``pos = sum(y_true * y_pred)``.

    ``neg = max((1 - y_true) * y_pred)``, both over the last axis; ``y_true`` is one-hot.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    pos = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    neg = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(neg, pos), 1.0), 0.0)


class _HingeLoss(LossFunctionWrapper):
    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}


class Hinge(_HingeLoss):
    """Hinge loss ``maximum(1 - y_true * y_pred, 0)``; ``name`` defaults to ``"hinge"``."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction, name, dtype)


class SquaredHinge(_HingeLoss):
    """Squared hinge loss; ``name`` defaults to ``"squared_hinge"``."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction, name, dtype)


class CategoricalHinge(_HingeLoss):
    """Categorical hinge loss on one-hot targets; ``name`` defaults to ``"categorical_hinge"``."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction, name, dtype)
