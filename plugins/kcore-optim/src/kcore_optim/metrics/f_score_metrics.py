"""``FBetaScore`` and ``F1Score``: the weighted harmonic mean of precision and recall."""

from __future__ import annotations

from kcore import config, ops
from kcore_optim.metrics.metric import Metric

__all__ = ["F1Score", "FBetaScore"]

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """``(1 + beta**2) * precision * recall / (beta**2 * precision + recall)``.

    Inputs are 2-D ``(batch_size, num_classes)``: one-hot (or multi-hot) labels and scores.

    Args:
        average: ``None`` (one score per class), ``"micro"`` (pool every class's counts),
            ``"macro"`` (unweighted mean of the class scores) or ``"weighted"`` (mean weighted
            by each class's number of true instances).
        beta: the weight of recall relative to precision, a float > 0. Defaults to ``1.0``.
        threshold: a float in ``(0, 1]``; scores above it are positive. ``None`` (default)
            takes the highest-scoring class of each row as the positive one.
        name: defaults to ``"fbeta_score"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
    """

    _direction = "up"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in _AVERAGES:
            raise ValueError(
                f"Invalid `average` argument value. Expected one of {_AVERAGES}. "
                f"Received: average={average!r}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                "Invalid `beta` argument value. It should be a Python float. "
                f"Received: beta={beta!r} of type {type(beta).__name__!r}"
            )
        if beta <= 0.0:
            raise ValueError(
                f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}"
            )
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. "
                    f"Received: threshold={threshold!r} of type {type(threshold).__name__!r}"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                    f"Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs with shape (batch_size, output_dim). "
                f"Received input shapes: y_pred.shape={y_pred_shape} and "
                f"y_true.shape={y_true_shape}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs with output_dim fully defined. "
                f"Received input shapes: y_pred.shape={y_pred_shape} and "
                f"y_true.shape={y_true_shape}."
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for name in (
            "true_positives",
            "false_positives",
            "false_negatives",
            "intermediate_weights",
        ):
            setattr(self, name, self.add_variable(shape, "zeros", dtype=self.dtype, name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's per-class counts; ``sample_weight`` weights each row."""
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        if not self._built:
            self._build(tuple(ops.shape(y_true)), tuple(ops.shape(y_pred)))
        if self.threshold is None:
            top = ops.max(y_pred, axis=-1, keepdims=True)
            positive = ops.logical_and(
                ops.greater_equal(y_pred, top), ops.greater(ops.abs(y_pred), 1e-9)
            )
        else:
            positive = ops.greater(y_pred, self.threshold)
        y_pred = ops.cast(positive, self.dtype)
        if sample_weight is not None:
            sample_weight = ops.expand_dims(ops.convert_to_tensor(sample_weight, self.dtype), 1)

        def weighted_sum(values):
            if sample_weight is not None:
                values = ops.multiply(values, sample_weight)
            return ops.sum(values, axis=self.axis)

        not_pred, not_true = ops.subtract(1.0, y_pred), ops.subtract(1.0, y_true)
        for variable, values in (
            (self.true_positives, ops.multiply(y_pred, y_true)),
            (self.false_positives, ops.multiply(y_pred, not_true)),
            (self.false_negatives, ops.multiply(not_pred, y_true)),
            (self.intermediate_weights, y_true),
        ):
            variable.assign(ops.add(variable.value, weighted_sum(values)))

    def result(self):
        eps = config.epsilon()
        tp = self.true_positives.value
        precision = ops.divide(tp, ops.add(ops.add(tp, self.false_positives.value), eps))
        recall = ops.divide(tp, ops.add(ops.add(tp, self.false_negatives.value), eps))
        beta_sq = self.beta**2
        numerator = ops.multiply(precision, recall)
        denominator = ops.add(ops.add(ops.multiply(beta_sq, precision), recall), eps)
        score = ops.multiply(ops.divide(numerator, denominator), 1.0 + beta_sq)
        if self.average == "weighted":
            weights = self.intermediate_weights.value
            weights = ops.divide(weights, ops.add(ops.sum(weights), eps))
            return ops.sum(ops.multiply(score, weights))
        if self.average is not None:  # "micro" scores are scalars already; "macro" averages
            return ops.mean(score)
        return score

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {"average": self.average, "beta": self.beta, "threshold": self.threshold}
        return {**super().get_config(), **config}


class F1Score(FBetaScore):
    """The F1 score, :class:`FBetaScore` with ``beta=1.0``.

    Args:
        average: ``None``, ``"micro"``, ``"macro"`` or ``"weighted"``; see :class:`FBetaScore`.
        threshold: see :class:`FBetaScore`.
        name: defaults to ``"f1_score"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
