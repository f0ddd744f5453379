"""Regression loss functions: one value per sample, averaged over the last axis.

``mean_squared_error``, ``mean_absolute_error``, ``mean_absolute_percentage_error``,
``mean_squared_logarithmic_error``, ``huber``, ``log_cosh`` and ``cosine_similarity``, with Keras
3's formulas. They also serve as the metric functions of the same names.
"""

from __future__ import annotations

import math

from kcore import config, ops
from kcore_optim.losses.loss import prepared_inputs, squeeze_or_expand_to_same_rank

__all__ = [
    "cosine_similarity",
    "huber",
    "l2_normalize",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
]


def _prepare(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=ops.dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


_regression = prepared_inputs(_prepare)


@_regression
def mean_squared_error(y_true, y_pred):
    """``mean(square(y_true - y_pred), axis=-1)``.

    Args:
        y_true: targets, shape ``(batch, d0, .., dN)``.
        y_pred: predictions, same shape.

    Returns:
        The per-sample losses, shape ``(batch, d0, .., dN-1)``.
    """
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


@_regression
def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_true - y_pred), axis=-1)``; arguments as :func:`mean_squared_error`."""
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


@_regression
def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)``."""
    denominator = ops.maximum(ops.abs(y_true), config.epsilon())
    diff = ops.abs(ops.divide(ops.subtract(y_true, y_pred), denominator))
    return ops.multiply(100.0, ops.mean(diff, axis=-1))


@_regression
def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)``."""
    eps = config.epsilon()
    first = ops.log1p(ops.maximum(y_pred, eps))
    second = ops.log1p(ops.maximum(y_true, eps))
    return ops.mean(ops.square(ops.subtract(first, second)), axis=-1)


@_regression
def huber(y_true, y_pred, delta=1.0):
    """Huber loss: quadratic for ``|error| <= delta``, linear beyond.

    ``0.5 * error**2`` if ``|error| <= delta`` else ``delta * |error| - 0.5 * delta**2``,
    averaged over the last axis.
    """
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    quadratic = ops.multiply(0.5, ops.square(error))
    linear = ops.subtract(ops.multiply(delta, abs_error), 0.5 * delta * delta)
    return ops.mean(ops.where(ops.less_equal(abs_error, delta), quadratic, linear), axis=-1)


@_regression
def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed stably for large errors."""
    x = ops.subtract(y_pred, y_true)
    # log(cosh(x)) = x + softplus(-2x) - log(2) does not overflow for large |x|.
    value = ops.subtract(ops.add(x, ops.softplus(ops.multiply(x, -2.0))), math.log(2.0))
    return ops.mean(value, axis=-1)


def l2_normalize(x, axis=-1):
    """``x / max(||x||, epsilon)`` along ``axis``, as ``x * min(rsqrt(sum(x**2)), 1 / eps)``."""
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    inv_norm = ops.minimum(ops.rsqrt(square_sum), 1.0 / config.epsilon())
    return ops.multiply(x, inv_norm)


@_regression
def cosine_similarity(y_true, y_pred, axis=-1):
    """The loss form: ``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``.

    Values lie in ``[-1, 1]``; ``-1`` means the vectors point the same way, so minimizing the
    loss maximizes similarity.
    """
    product = ops.multiply(l2_normalize(y_true, axis), l2_normalize(y_pred, axis))
    return ops.negative(ops.sum(product, axis=axis))
