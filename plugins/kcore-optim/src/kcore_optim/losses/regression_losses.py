"""Regression loss classes: thin :class:`LossFunctionWrapper` subclasses over ``regression``.

Each takes ``reduction``, ``name`` and ``dtype`` as described in :class:`kcore_optim.losses.loss.Loss`;
their configs hold ``name`` and ``reduction`` (plus ``delta`` / ``axis`` where they apply).
"""

from __future__ import annotations

from kcore_optim.losses import regression
from kcore_optim.losses.loss import LossFunctionWrapper

__all__ = [
    "CosineSimilarity",
    "Huber",
    "LogCosh",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
]


class _RegressionLoss(LossFunctionWrapper):
    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}


class MeanSquaredError(_RegressionLoss):
    """Mean of the squared errors: ``mean(square(y_true - y_pred))``.

    Example::

        loss = kcore.losses.MeanSquaredError()
        loss([[0.0, 1.0]], [[1.0, 1.0]])  # 0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(regression.mean_squared_error, reduction, name, dtype)


class MeanAbsoluteError(_RegressionLoss):
    """Mean of the absolute errors: ``mean(abs(y_true - y_pred))``."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(regression.mean_absolute_error, reduction, name, dtype)


class MeanAbsolutePercentageError(_RegressionLoss):
    """``100 * mean(abs((y_true - y_pred) / y_true))``, with ``|y_true|`` floored at epsilon."""

    def __init__(
        self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None
    ):
        super().__init__(regression.mean_absolute_percentage_error, reduction, name, dtype)


class MeanSquaredLogarithmicError(_RegressionLoss):
    """``mean(square(log(y_true + 1) - log(y_pred + 1)))``, inputs floored at epsilon."""

    def __init__(
        self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None
    ):
        super().__init__(regression.mean_squared_logarithmic_error, reduction, name, dtype)


class CosineSimilarity(_RegressionLoss):
    """Negative cosine similarity between ``y_true`` and ``y_pred`` along ``axis``.

    Args:
        axis: the axis the similarity is computed along. Defaults to ``-1``.
        reduction: see :class:`~kcore_optim.losses.loss.Loss`.
        name: defaults to ``"cosine_similarity"``.
        dtype: see :class:`~kcore_optim.losses.loss.Loss`.
    """

    def __init__(
        self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None
    ):
        super().__init__(regression.cosine_similarity, reduction, name, dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Huber(_RegressionLoss):
    """Huber loss: squared error for small errors, absolute error beyond ``delta``.

    Args:
        delta: where the loss switches from quadratic to linear. Defaults to ``1.0``.
        reduction: see :class:`~kcore_optim.losses.loss.Loss`.
        name: defaults to ``"huber_loss"``.
        dtype: see :class:`~kcore_optim.losses.loss.Loss`.
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(regression.huber, reduction, name, dtype, delta=delta)
        self.delta = delta

    def get_config(self):
        return {**super().get_config(), "delta": self.delta}


class LogCosh(_RegressionLoss):
    """Logarithm of the hyperbolic cosine of the prediction error."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(regression.log_cosh, reduction, name, dtype)
