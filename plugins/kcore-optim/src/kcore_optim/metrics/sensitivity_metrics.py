"""One rate at a fixed value of another: SensitivityAtSpecificity, SpecificityAtSensitivity,
PrecisionAtRecall and RecallAtPrecision.

Each accumulates the four confusion counts over ``num_thresholds`` evenly spaced thresholds in
``[0, 1]`` and reports the best value of one rate among thresholds where the other meets the
target.
"""

from __future__ import annotations

from kcore import ops
from kcore_optim.metrics import confusion_utils
from kcore_optim.metrics.confusion_utils import ConfusionMatrix
from kcore_optim.metrics.metric import Metric

__all__ = [
    "PrecisionAtRecall",
    "RecallAtPrecision",
    "SensitivityAtSpecificity",
    "SensitivitySpecificityBase",
    "SpecificityAtSensitivity",
]


class SensitivitySpecificityBase(Metric):
    """Shared state and update of the ``...At...`` metrics.

    Args:
        value: the target value of the constrained rate, in ``[0, 1]``.
        num_thresholds: how many thresholds to evaluate. Defaults to ``200``.
        class_id: compute the metric for this class (column) only.
        name: the metric name.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
    """

    _direction = "up"
    _value_name = "value"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if value < 0 or value > 1:
            raise ValueError(
                f"Argument `{self._value_name}` must be in the range [0, 1]. Received: "
                f"{self._value_name}={value}"
            )
        if num_thresholds <= 0:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 0. Received: "
                f"num_thresholds={num_thresholds}"
            )
        super().__init__(name=name, dtype=dtype)
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0, *inner, 1.0]
            self._thresholds_distributed_evenly = True
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's confusion counts at every threshold."""
        confusion_utils.update_confusion_matrix_variables(
            {
                ConfusionMatrix.TRUE_POSITIVES: self.true_positives,
                ConfusionMatrix.TRUE_NEGATIVES: self.true_negatives,
                ConfusionMatrix.FALSE_POSITIVES: self.false_positives,
                ConfusionMatrix.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def _rates(self):
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        return {
            "sensitivity": ops.divide_no_nan(tp, ops.add(tp, fn)),  # also recall
            "specificity": ops.divide_no_nan(tn, ops.add(tn, fp)),
            "precision": ops.divide_no_nan(tp, ops.add(tp, fp)),
        }

    def _max_under_constraint(self, constrained, dependent):
        feasible = ops.greater_equal(constrained, self.value)
        return ops.max(ops.where(feasible, dependent, 0.0), initial=0)

    def get_config(self):
        config = {
            "class_id": self.class_id,
            "num_thresholds": self.num_thresholds,
            self._value_name: self.value,
        }
        return {**super().get_config(), **config}


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) among thresholds whose specificity is >= ``specificity``.

    Args:
        specificity: the target specificity, in ``[0, 1]``.
        num_thresholds: how many thresholds to evaluate. Defaults to ``200``.
        class_id: compute the metric for this class (column) only.
        name: the metric name.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
    """

    _value_name = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)
        self.specificity = specificity

    def result(self):
        rates = self._rates()
        return self._max_under_constraint(rates["specificity"], rates["sensitivity"])


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity among thresholds whose sensitivity is >= ``sensitivity``.

    Arguments as :class:`SensitivityAtSpecificity`, with ``sensitivity`` the target.
    """

    _value_name = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)
        self.sensitivity = sensitivity

    def result(self):
        rates = self._rates()
        return self._max_under_constraint(rates["sensitivity"], rates["specificity"])


class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision among thresholds whose recall is >= ``recall``.

    Arguments as :class:`SensitivityAtSpecificity`, with ``recall`` the target.
    """

    _value_name = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)
        self.recall = recall

    def result(self):
        rates = self._rates()
        return self._max_under_constraint(rates["sensitivity"], rates["precision"])


class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall among thresholds whose precision is >= ``precision``.

    Arguments as :class:`SensitivityAtSpecificity`, with ``precision`` the target.
    """

    _value_name = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)
        self.precision = precision

    def result(self):
        rates = self._rates()
        return self._max_under_constraint(rates["precision"], rates["sensitivity"])
