"""Shared machinery of the threshold metrics: confusion counts per threshold, confusion matrices.

``update_confusion_matrix_variables`` adds a batch's true/false positive/negative counts at each
threshold to the given variables. With evenly spaced thresholds (``AUC``, the ``...AtRecall``
family) predictions are bucketed with one ``segment_sum`` and a reverse cumulative sum, which
costs ``O(batch + thresholds)`` instead of ``O(batch * thresholds)``.
"""

from __future__ import annotations

import enum

import numpy as np

from kcore import config, ops
from kcore_optim.losses.loss import squeeze_or_expand_to_same_rank

__all__ = [
    "NEG_INF",
    "ConfusionMatrix",
    "confusion_matrix",
    "is_evenly_distributed_thresholds",
    "parse_init_thresholds",
    "update_confusion_matrix_variables",
]

#: The score given to predictions outside the top ``k`` (and the default threshold with top_k).
NEG_INF = -1e10


class ConfusionMatrix(enum.Enum):
    """The four confusion-matrix counts."""

    TRUE_POSITIVES = "tp"
    FALSE_POSITIVES = "fp"
    TRUE_NEGATIVES = "tn"
    FALSE_NEGATIVES = "fn"


def parse_init_thresholds(thresholds, default_threshold=0.5):
    """``thresholds`` (a float or a list of floats in ``[0, 1]``) as a list; the default if None."""
    if thresholds is None:
        return [default_threshold]
    thresholds = list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds]
    invalid = [t for t in thresholds if t is None or t < 0 or t > 1]
    if invalid:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return thresholds


def is_evenly_distributed_thresholds(thresholds):
    """Whether ``thresholds`` are ``i / (n - 1)`` for ``i`` in ``0..n-1`` (``n >= 3``)."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype="float32") / (n - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def _filter_top_k(x, k):
    """Keep the ``k`` largest entries of the last axis; set the others to :data:`NEG_INF`."""
    _, indices = ops.top_k(x, k)
    keep = ops.sum(ops.one_hot(indices, ops.shape(x)[-1], axis=-1, dtype=ops.dtype(x)), axis=-2)
    return ops.add(ops.multiply(x, keep), ops.multiply(NEG_INF, ops.subtract(1.0, keep)))


def update_confusion_matrix_variables(
    variables_to_update,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """Add one batch's confusion counts at every threshold to ``variables_to_update``.

    A prediction counts as positive at threshold ``t`` when ``y_pred > t``; a label is
    positive when non-zero.

    Args:
        variables_to_update: ``{ConfusionMatrix: Variable}``; each variable has shape
            ``(num_thresholds,)``, or ``(num_thresholds, num_labels)`` with ``multi_label``.
        y_true: labels.
        y_pred: scores, normally in ``[0, 1]``.
        thresholds: a list of floats.
        top_k: only the ``top_k`` highest predictions of each row count as positive.
        class_id: only this column of ``y_true`` / ``y_pred`` is used.
        sample_weight: per-sample (or per-element) weights.
        multi_label: count each label (last axis) separately instead of flattening.
        label_weights: per-label weights (only without ``multi_label``).
        thresholds_distributed_evenly: use the bucketed fast path (thresholds must be evenly
            spaced; a first threshold below 0 / last above 1 is allowed).
    """
    if multi_label and label_weights is not None:
        raise ValueError("`label_weights` with `multi_label=True` must be applied by the caller.")
    invalid = [key for key in variables_to_update if not isinstance(key, ConfusionMatrix)]
    if invalid or not variables_to_update:
        raise ValueError(
            f"`variables_to_update` keys must be ConfusionMatrix members. Received: {invalid}"
        )
    dtype = next(iter(variables_to_update.values())).dtype
    y_true = ops.cast(ops.convert_to_tensor(y_true), dtype)
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = ops.expand_dims(ops.cast(sample_weight, dtype), axis=-1)
        _, sample_weight = squeeze_or_expand_to_same_rank(
            y_true, sample_weight, expand_rank_1=False
        )
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if ops.ndim(y_pred) == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes). Received: y_pred.shape={tuple(ops.shape(y_pred))}"
            )
        y_true = ops.take(y_true, [class_id], axis=-1)
        y_pred = ops.take(y_pred, [class_id], axis=-1)
    weights = None
    if sample_weight is not None:
        weights = ops.broadcast_to(sample_weight, ops.shape(y_pred))
    if label_weights is not None:
        label_weights = ops.broadcast_to(
            ops.expand_dims(ops.cast(label_weights, dtype), 0), ops.shape(y_pred)
        )
        weights = label_weights if weights is None else ops.multiply(weights, label_weights)
    labels = ops.cast(ops.cast(y_true, "bool"), dtype)
    if thresholds_distributed_evenly:
        with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        counts = _bucketed_counts(
            labels, y_pred, weights, len(thresholds), multi_label, with_epsilon
        )
    else:
        thresholds = ops.convert_to_tensor(np.asarray(thresholds), dtype=dtype)
        counts = _tiled_counts(labels, y_pred, weights, thresholds, multi_label)
    for key, variable in variables_to_update.items():
        variable.assign(ops.add(variable.value, counts(key)))


def _bucketed_counts(labels, y_pred, weights, num_thresholds, multi_label, with_epsilon):
    dtype = ops.dtype(y_pred)
    if not multi_label:
        labels, y_pred = ops.reshape(labels, (-1,)), ops.reshape(y_pred, (-1,))
        if weights is not None:
            weights = ops.reshape(weights, (-1,))
    true_labels = labels if weights is None else ops.multiply(labels, weights)
    false_labels = ops.subtract(1.0, labels)
    if weights is not None:
        false_labels = ops.multiply(false_labels, weights)
    # Segment s holds predictions in (t[s-1], t[s]]: positive at thresholds t[0..s-1].
    segments = ops.ceil(ops.multiply(ops.clip(y_pred, 0.0, 1.0), float(num_thresholds - 1)))
    if with_epsilon:  # the first threshold is just below 0, so 0.0 is positive there
        segments = ops.maximum(segments, 1.0)
    segments = ops.cast(segments, "int32")
    num_segments = num_thresholds
    if multi_label:
        num_labels = ops.shape(y_pred)[-1]
        segments = ops.add(
            ops.multiply(segments, num_labels), ops.arange(num_labels, dtype="int32")
        )
        num_segments = num_thresholds * num_labels
        segments = ops.reshape(segments, (-1,))
        true_flat, false_flat = ops.reshape(true_labels, (-1,)), ops.reshape(false_labels, (-1,))
    else:
        true_flat, false_flat = true_labels, false_labels

    def above(data):
        per_segment = ops.segment_sum(data, segments, num_segments=num_segments)
        if multi_label:
            per_segment = ops.reshape(per_segment, (num_thresholds, num_labels))
        at_or_above = ops.flip(ops.cumsum(ops.flip(per_segment, axis=0), axis=0), axis=0)
        tail = ops.zeros((1,) + tuple(ops.shape(at_or_above))[1:], dtype=dtype)
        return ops.concatenate([at_or_above[1:], tail], axis=0)

    cache = {}

    def counts(key):
        if key not in cache:
            if key is ConfusionMatrix.TRUE_POSITIVES:
                cache[key] = above(true_flat)
            elif key is ConfusionMatrix.FALSE_POSITIVES:
                cache[key] = above(false_flat)
            elif key is ConfusionMatrix.FALSE_NEGATIVES:
                total = ops.sum(true_labels, axis=0)
                cache[key] = ops.subtract(total, counts(ConfusionMatrix.TRUE_POSITIVES))
            else:
                total = ops.sum(false_labels, axis=0)
                cache[key] = ops.subtract(total, counts(ConfusionMatrix.FALSE_POSITIVES))
        return cache[key]

    return counts


def _tiled_counts(labels, y_pred, weights, thresholds, multi_label):
    dtype = ops.dtype(y_pred)
    if multi_label:  # (thresholds, samples, labels), summed over samples
        preds, labels = ops.expand_dims(y_pred, 0), ops.expand_dims(labels, 0)
        thresholds = ops.reshape(thresholds, (-1, 1, 1))
        if weights is not None:
            weights = ops.expand_dims(weights, 0)
    else:  # (thresholds, every prediction)
        preds, labels = ops.reshape(y_pred, (1, -1)), ops.reshape(labels, (1, -1))
        thresholds = ops.reshape(thresholds, (-1, 1))
        if weights is not None:
            weights = ops.reshape(weights, (1, -1))
    pred_is_pos = ops.greater(preds, thresholds)
    label_is_pos = ops.cast(labels, "bool")
    conditions = {
        ConfusionMatrix.TRUE_POSITIVES: (label_is_pos, pred_is_pos),
        ConfusionMatrix.FALSE_POSITIVES: (ops.logical_not(label_is_pos), pred_is_pos),
        ConfusionMatrix.TRUE_NEGATIVES: (ops.logical_not(label_is_pos), None),
        ConfusionMatrix.FALSE_NEGATIVES: (label_is_pos, None),
    }

    def counts(key):
        label, pred = conditions[key]
        if pred is None:
            pred = ops.logical_not(pred_is_pos)
        both = ops.logical_and(label, pred)
        if weights is None:
            return ops.sum(ops.cast(both, dtype), axis=1)
        return ops.sum(ops.where(both, weights, 0.0), axis=1)

    return counts


def confusion_matrix(labels, predictions, num_classes, weights=None, dtype="int32"):
    """The ``(num_classes, num_classes)`` matrix counting (label, prediction) pairs.

    Args:
        labels: integer labels in ``[0, num_classes)``, flat.
        predictions: integer predictions in ``[0, num_classes)``, flat.
        num_classes: the number of classes.
        weights: per-pair weights, or ``None`` for counts.
        dtype: the dtype of the result.
    """
    labels = ops.cast(labels, "int32")
    predictions = ops.cast(predictions, "int32")
    labels, predictions = squeeze_or_expand_to_same_rank(labels, predictions)
    flat = ops.add(ops.multiply(labels, num_classes), predictions)
    values = ops.ones_like(flat, dtype=dtype) if weights is None else ops.cast(weights, dtype)
    matrix = ops.segment_sum(values, flat, num_segments=num_classes * num_classes)
    return ops.reshape(matrix, (num_classes, num_classes))
