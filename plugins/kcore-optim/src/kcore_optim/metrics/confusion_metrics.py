"""Threshold counts and ratios: TruePositives, FalsePositives, TrueNegatives, FalseNegatives,
Precision and Recall.

Each keeps one count per threshold; with a single threshold ``result()`` is a scalar, otherwise
a vector with one entry per threshold.
"""

from __future__ import annotations

from kcore import ops
from kcore_optim.metrics import confusion_utils
from kcore_optim.metrics.confusion_utils import ConfusionMatrix
from kcore_optim.metrics.metric import Metric

__all__ = [
    "FalseNegatives",
    "FalsePositives",
    "Precision",
    "Recall",
    "TrueNegatives",
    "TruePositives",
]


def _per_threshold(values, thresholds):
    return ops.reshape(values, ()) if len(thresholds) == 1 else values


class _ConfusionMatrixConditionCount(Metric):
    """The weighted count of one confusion-matrix condition at each threshold.

    Args:
        thresholds: a float or list of floats in ``[0, 1]``; a prediction above a threshold
            is positive. Defaults to ``0.5``.
        name: the metric name.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
    """

    _condition: ConfusionMatrix

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = confusion_utils.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = confusion_utils.is_evenly_distributed_thresholds(
            self.thresholds
        )
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), initializer="zeros", name="accumulator"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's count; ``sample_weight`` weights each prediction."""
        confusion_utils.update_confusion_matrix_variables(
            {self._condition: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        return _per_threshold(self.accumulator.value, self.thresholds)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true positives; arguments as the other threshold counts."""

    _condition = ConfusionMatrix.TRUE_POSITIVES


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false positives; arguments as :class:`TruePositives`."""

    _condition = ConfusionMatrix.FALSE_POSITIVES


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true negatives; arguments as :class:`TruePositives`."""

    _condition = ConfusionMatrix.TRUE_NEGATIVES


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false negatives; arguments as :class:`TruePositives`."""

    _condition = ConfusionMatrix.FALSE_NEGATIVES


class _PrecisionRecall(Metric):
    _direction = "up"
    _other: ConfusionMatrix
    _other_name: str

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else confusion_utils.NEG_INF
        self.thresholds = confusion_utils.parse_init_thresholds(thresholds, default)
        self._thresholds_distributed_evenly = confusion_utils.is_evenly_distributed_thresholds(
            self.thresholds
        )
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.other = self.add_variable(shape, "zeros", name=self._other_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's counts; ``sample_weight`` weights each prediction."""
        confusion_utils.update_confusion_matrix_variables(
            {ConfusionMatrix.TRUE_POSITIVES: self.true_positives, self._other: self.other},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        tp = self.true_positives.value
        ratio = ops.divide_no_nan(tp, ops.add(tp, self.other.value))
        return _per_threshold(ratio, self.thresholds)

    def get_config(self):
        config = {
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }
        return {**super().get_config(), **config}


class Precision(_PrecisionRecall):
    """``true_positives / (true_positives + false_positives)``.

    Args:
        thresholds: a float or list of floats in ``[0, 1]``; a prediction above a threshold
            is positive. Defaults to ``0.5`` (or, with ``top_k``, every top-k prediction).
        top_k: only the ``top_k`` highest scores of each sample count as positive.
        class_id: compute the metric for this class (column) only.
        name: the metric name; defaults to ``"precision"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.

    Example::

        m = kcore.metrics.Precision()
        m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        m.result()  # 0.6667
    """

    _other = ConfusionMatrix.FALSE_POSITIVES
    _other_name = "false_positives"

    @property
    def false_positives(self):
        """The false-positive counts variable."""
        return self.other


class Recall(_PrecisionRecall):
    """``true_positives / (true_positives + false_negatives)``.

    Arguments as :class:`Precision`; ``name`` defaults to ``"recall"``.
    """

    _other = ConfusionMatrix.FALSE_NEGATIVES
    _other_name = "false_negatives"

    @property
    def false_negatives(self):
        """The false-negative counts variable."""
        return self.other
