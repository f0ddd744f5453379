"""Accuracy metrics: functions returning per-sample matches, and their running-mean classes."""

from __future__ import annotations

from kcore import config, ops
from kcore_optim.losses.loss import squeeze_or_expand_to_same_rank
from kcore_optim.metrics.reduction_metrics import MeanMetricWrapper

__all__ = [
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
]


def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred`` exactly, else 0.0."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=ops.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.cast(ops.equal(y_true, y_pred), config.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where ``y_pred > threshold`` agrees with the binary ``y_true``, else 0.0."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = ops.cast(ops.greater(y_pred, threshold), ops.dtype(y_true))
    return ops.cast(ops.equal(y_true, y_pred), config.floatx())


def categorical_accuracy(y_true, y_pred):
    """1.0 where the arg-max of the one-hot ``y_true`` equals the arg-max of ``y_pred``."""
    matches = ops.equal(ops.argmax(y_true, axis=-1), ops.argmax(y_pred, axis=-1))
    return ops.cast(matches, config.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label ``y_true`` equals the arg-max of ``y_pred``.

    Args:
        y_true: labels, shape ``(batch, ...)`` or with a trailing size-1 axis.
        y_pred: class scores, shape ``(batch, ..., num_classes)``.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if ops.ndim(y_true) == ops.ndim(y_pred) and ops.shape(y_true)[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    predicted = ops.cast(ops.argmax(y_pred, axis=-1), ops.dtype(y_true))
    return ops.cast(ops.equal(y_true, predicted), config.floatx())


def _flat_top_k(y_true, y_pred, k, from_sorted_ids=False):
    true_shape = tuple(ops.shape(y_true))
    if ops.ndim(y_pred) > 2:
        y_pred = ops.reshape(y_pred, (-1, ops.shape(y_pred)[-1]))
    if len(true_shape) > 1:
        y_true = ops.reshape(y_true, (-1,))
    if from_sorted_ids:
        top = ops.cast(y_pred[:, :k], ops.dtype(y_true))
        matches = ops.any(ops.equal(ops.expand_dims(y_true, axis=1), top), axis=1)
    else:
        matches = ops.in_top_k(ops.cast(y_true, "int32"), y_pred, k)
    matches = ops.cast(matches, config.floatx())
    return ops.reshape(matches, true_shape) if len(true_shape) > 1 else matches


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the arg-max of the one-hot ``y_true`` is among the ``k`` top predictions."""
    y_pred = ops.convert_to_tensor(y_pred)
    return _flat_top_k(ops.argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label ``y_true`` is among the ``k`` top predictions.

    Args:
        y_true: integer labels.
        y_pred: class scores, or (``from_sorted_ids``) class ids sorted by score.
        k: how many top predictions count.
        from_sorted_ids: whether ``y_pred`` already holds the top class ids.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=ops.dtype(y_pred) if from_sorted_ids else "int32")
    return _flat_top_k(y_true, y_pred, k, from_sorted_ids)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    Args:
        name: defaults to ``"accuracy"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
    """

    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches the binary labels.

    Args:
        name: defaults to ``"binary_accuracy"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
        threshold: the decision threshold. Defaults to ``0.5``.
    """

    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of the prediction matches the one-hot label.

    Args:
        name: defaults to ``"categorical_accuracy"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
    """

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of the prediction matches the integer label.

    Args:
        name: defaults to ``"sparse_categorical_accuracy"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
    """

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the ``k`` top predictions.

    Args:
        k: how many top predictions count. Defaults to ``5``.
        name: defaults to ``"top_k_categorical_accuracy"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
    """

    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` top predictions.

    Args:
        k: how many top predictions count. Defaults to ``5``.
        name: defaults to ``"sparse_top_k_categorical_accuracy"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
        from_sorted_ids: whether ``y_pred`` holds class ids sorted by score.
    """

    _direction = "up"

    def __init__(
        self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False
    ):
        super().__init__(
            fn=sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
