"""Regression metrics: running means of the regression losses, RMSE, cosine similarity, R^2."""

from __future__ import annotations

from kcore import ops
from kcore_optim.losses import regression
from kcore_optim.losses.loss import squeeze_or_expand_to_same_rank
from kcore_optim.metrics.metric import Metric
from kcore_optim.metrics.reduction_metrics import Mean, MeanMetricWrapper

__all__ = [
    "CosineSimilarity",
    "LogCoshError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "R2Score",
    "RootMeanSquaredError",
    "cosine_similarity",
]


def cosine_similarity(y_true, y_pred, axis=-1):
    """The metric form: ``sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``."""
    return ops.negative(regression.cosine_similarity(y_true, y_pred, axis=axis))


class _LossMean(MeanMetricWrapper):
    _direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_LossMean):
    """The running mean of ``mean(square(y_true - y_pred), axis=-1)``.

    Args:
        name: defaults to ``"mean_squared_error"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(regression.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(_LossMean):
    """The running mean absolute error; ``name`` defaults to ``"mean_absolute_error"``."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(regression.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_LossMean):
    """The running mean absolute percentage error.

    ``name`` defaults to ``"mean_absolute_percentage_error"``.
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(regression.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_LossMean):
    """The running mean squared logarithmic error.

    ``name`` defaults to ``"mean_squared_logarithmic_error"``.
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(regression.mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(_LossMean):
    """The running mean of ``log(cosh(y_pred - y_true))``; ``name`` defaults to ``"logcosh"``."""

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(regression.log_cosh, name=name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """The running mean cosine similarity between labels and predictions.

    Args:
        name: defaults to ``"cosine_similarity"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
        axis: the axis the similarity is computed along. Defaults to ``-1``.
    """

    _direction = "up"

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class RootMeanSquaredError(Mean):
    """``sqrt`` of the running (weighted) mean of the element-wise squared errors.

    Args:
        name: defaults to ``"root_mean_squared_error"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
    """

    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true, self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        self._update_mean(ops.square(ops.subtract(y_pred, y_true)), sample_weight)

    def result(self):
        return ops.sqrt(super().result())


class R2Score(Metric):
    """The coefficient of determination, per output and aggregated.

    Inputs are 2-D ``(batch_size, num_outputs)``.

    Args:
        class_aggregation: how per-output scores combine: ``"uniform_average"`` (default),
            ``"variance_weighted_average"`` or ``None`` (one score per output).
        num_regressors: the number of independent variables, for the adjusted R^2
            (``0``, the default, gives the plain R^2). If there are not more samples than
            ``num_regressors + 1``, the plain R^2 is returned.
        name: defaults to ``"r2_score"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
    """

    _direction = "up"
    _AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")

    def __init__(
        self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in self._AGGREGATIONS:
            raise ValueError(
                "Invalid value for argument `class_aggregation`. Expected one of "
                f"{self._AGGREGATIONS}. Received: class_aggregation={class_aggregation!r}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), "zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        shape = (y_pred_shape[-1],)
        self.squared_sum = self.add_variable(shape, "zeros", name="squared_sum")
        self.sum = self.add_variable(shape, "zeros", name="sum")
        self.total_mse = self.add_variable(shape, "zeros", name="residual")
        self.count = self.add_variable(shape, "zeros", name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(tuple(ops.shape(y_true)), tuple(ops.shape(y_pred)))
        weight = ops.convert_to_tensor(1.0 if sample_weight is None else sample_weight, self.dtype)
        if ops.ndim(weight) == 1:
            weight = ops.expand_dims(weight, axis=1)
        weight = ops.broadcast_to(weight, ops.shape(y_true))
        weighted_true = ops.multiply(y_true, weight)
        squared_error = ops.multiply(ops.square(ops.subtract(y_true, y_pred)), weight)
        for variable, values in (
            (self.sum, weighted_true),
            (self.squared_sum, ops.multiply(y_true, weighted_true)),
            (self.total_mse, squared_error),
            (self.count, weight),
        ):
            variable.assign(ops.add(variable.value, ops.sum(values, axis=0)))
        size = 1
        for dim in ops.shape(y_true):
            size *= dim
        self.num_samples.assign(ops.add(self.num_samples.value, float(size)))

    def result(self):
        total_sum = self.sum.value
        mean = ops.divide(total_sum, self.count.value)
        total = ops.subtract(self.squared_sum.value, ops.multiply(total_sum, mean))
        raw = ops.subtract(1.0, ops.divide(self.total_mse.value, total))
        raw = ops.where(ops.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            score = ops.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = ops.divide(ops.sum(ops.multiply(total, raw)), ops.sum(total))
        else:
            score = raw
        if self.num_regressors == 0:
            return score
        # Adjusted R^2, falling back to the plain score when n - 1 <= p (traceable: no `if`).
        n = self.num_samples.value
        p = float(self.num_regressors)
        denominator = ops.subtract(ops.subtract(n, p), 1.0)
        adjusted = ops.subtract(
            1.0,
            ops.divide_no_nan(
                ops.multiply(ops.subtract(1.0, score), ops.subtract(n, 1.0)), denominator
            ),
        )
        return ops.where(ops.greater(denominator, 0.0), adjusted, score)

    def get_config(self):
        config = {
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
        return {**super().get_config(), **config}
