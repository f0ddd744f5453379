"""``AUC``: the area under the ROC or precision-recall curve, by a Riemann sum over thresholds."""

from __future__ import annotations

import numpy as np

from kcore import config, ops
from kcore_optim.metrics import confusion_utils
from kcore_optim.metrics.confusion_utils import ConfusionMatrix
from kcore_optim.metrics.metric import Metric

__all__ = ["AUC"]

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Approximate area under the ROC or precision-recall (PR) curve.

    Predictions are bucketed at ``num_thresholds`` thresholds; the four confusion counts per
    threshold give one point of the curve each, and the area is their Riemann sum.

    Args:
        num_thresholds: how many thresholds to use (> 1). Defaults to ``200``.
        curve: ``"ROC"`` (default), ``"PR"`` or ``"PRGAIN"``.
        summation_method: ``"interpolation"`` (default; for PR the Davis & Goadrich
            interpolation), ``"minoring"`` (lower Riemann sum) or ``"majoring"`` (upper).
        name: the metric name; defaults to ``"auc"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
        thresholds: explicit thresholds in ``[0, 1]`` (then ``num_thresholds`` is their count
            plus 2: ``-epsilon`` and ``1 + epsilon`` are added).
        multi_label: treat each column of 2-D inputs as its own label and average the per-label
            areas, instead of flattening.
        num_labels: the number of labels with ``multi_label``; builds the state up front.
        label_weights: per-label weights of the average (``multi_label``) or of each
            prediction's contribution (otherwise).
        from_logits: whether predictions are logits (a sigmoid is applied first).

    Example::

        m = kcore.metrics.AUC(num_thresholds=3)
        m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        m.result()  # 0.75
    """

    _direction = "up"

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        curve_key = str(getattr(curve, "value", curve)).lower()
        if curve_key not in _CURVES:
            raise ValueError(
                f"Invalid AUC curve value: {curve!r}. Expected one of ['PR', 'ROC', 'PRGAIN']."
            )
        summation = str(getattr(summation_method, "value", summation_method)).lower()
        if summation not in _SUMMATIONS:
            raise ValueError(
                f"Invalid AUC summation method value: {summation_method!r}. Expected one of "
                f"{list(_SUMMATIONS)}."
            )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            thresholds = sorted(thresholds)
            self.num_thresholds = len(thresholds) + 2
            self._thresholds_distributed_evenly = confusion_utils.is_evenly_distributed_thresholds(
                [0.0, *thresholds, 1.0]
            )
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. Received: "
                    f"num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        eps = config.epsilon()
        self._thresholds = np.array([0.0 - eps, *thresholds, 1.0 + eps])
        self.curve = _CURVES[curve_key]
        self.summation_method = summation
        super().__init__(name=name, dtype=dtype)
        if num_labels and not multi_label:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        self.multi_label = multi_label
        self.num_labels = num_labels
        self._label_weights_config = None if label_weights is None else list(label_weights)
        self.label_weights = None
        if label_weights is not None:
            self.label_weights = ops.convert_to_tensor(np.asarray(label_weights), self.dtype)
        self._from_logits = from_logits
        self._built = False
        if not multi_label:
            self._build(None)
        elif num_labels:
            self._build((None, num_labels))

    @property
    def thresholds(self):
        """The thresholds, including the added ``-epsilon`` and ``1 + epsilon``."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. Found rank "
                    f"{len(shape)}. Full shape received for `y_pred`: {tuple(shape)}"
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        self.true_positives = self.add_variable(variable_shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(variable_shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(variable_shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(variable_shape, "zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's confusion counts at every threshold."""
        y_pred = ops.convert_to_tensor(y_pred)
        if not self._built:
            self._build(tuple(ops.shape(y_pred)))
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        confusion_utils.update_confusion_matrix_variables(
            {
                ConfusionMatrix.TRUE_POSITIVES: self.true_positives,
                ConfusionMatrix.TRUE_NEGATIVES: self.true_negatives,
                ConfusionMatrix.FALSE_POSITIVES: self.false_positives,
                ConfusionMatrix.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average_over_labels(self, by_threshold):
        if not self.multi_label:
            return ops.sum(by_threshold)
        by_label = ops.sum(by_threshold, axis=0)
        if self.label_weights is None:
            return ops.mean(by_label)
        weighted = ops.sum(ops.multiply(by_label, self.label_weights))
        return ops.divide_no_nan(weighted, ops.sum(self.label_weights))

    def interpolate_pr_auc(self):
        """PR-AUC with Davis & Goadrich's interpolation between thresholds."""
        tp, fp, fn = (
            self.true_positives.value,
            self.false_positives.value,
            self.false_negatives.value,
        )
        n = self.num_thresholds
        d_tp = ops.subtract(tp[: n - 1], tp[1:])
        p = ops.add(tp, fp)
        p_lo, p_hi = p[: n - 1], p[1:]
        d_p = ops.subtract(p_lo, p_hi)
        slope = ops.divide_no_nan(d_tp, ops.maximum(d_p, 0.0))
        intercept = ops.subtract(tp[1:], ops.multiply(slope, p_hi))
        both_positive = ops.logical_and(ops.greater(p_lo, 0.0), ops.greater(p_hi, 0.0))
        ratio = ops.where(
            both_positive, ops.divide_no_nan(p_lo, ops.maximum(p_hi, 0.0)), ops.ones_like(p_hi)
        )
        increment = ops.divide_no_nan(
            ops.multiply(slope, ops.add(d_tp, ops.multiply(intercept, ops.log(ratio)))),
            ops.maximum(ops.add(tp[1:], fn[1:]), 0.0),
        )
        return self._average_over_labels(increment)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = ops.divide_no_nan(tp, ops.add(tp, fn))
        if self.curve == "ROC":
            x, y = ops.divide_no_nan(fp, ops.add(fp, tn)), recall
        elif self.curve == "PR":
            x, y = recall, ops.divide_no_nan(tp, ops.add(tp, fp))
        else:  # PRGAIN
            scale = ops.divide_no_nan(ops.add(tp, fn), ops.add(tn, fp))
            no_tp = ops.equal(tp, 0.0)
            recall_gain = ops.subtract(1.0, ops.multiply(scale, ops.divide_no_nan(fn, tp)))
            precision_gain = ops.subtract(1.0, ops.multiply(scale, ops.divide_no_nan(fp, tp)))
            x = ops.maximum(ops.where(no_tp, 0.0, recall_gain), 0.0)
            y = ops.where(no_tp, 1.0, precision_gain)
        n = self.num_thresholds
        y_lo, y_hi = y[: n - 1], y[1:]
        if self.summation_method == "interpolation":
            heights = ops.divide(ops.add(y_lo, y_hi), 2.0)
        elif self.summation_method == "minoring":
            heights = ops.minimum(y_lo, y_hi)
        else:
            heights = ops.maximum(y_lo, y_hi)
        return self._average_over_labels(ops.multiply(ops.subtract(x[: n - 1], x[1:]), heights))

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self._label_weights_config,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}
