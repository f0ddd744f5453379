"""Intersection-over-union metrics for segmentation: IoU, MeanIoU, BinaryIoU, OneHotIoU and
OneHotMeanIoU.

All accumulate a ``(num_classes, num_classes)`` confusion matrix (rows: labels, columns:
predictions) and report ``true_positives / (true_positives + false_positives +
false_negatives)`` averaged over the target classes that occurred.
"""

from __future__ import annotations

import warnings

from kcore import config, ops
from kcore.backend.dtypes import is_float
from kcore_optim.metrics.confusion_utils import confusion_matrix
from kcore_optim.metrics.metric import Metric

__all__ = ["BinaryIoU", "IoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU"]


class _IoUBase(Metric):
    _direction = "up"

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(name=name, dtype=dtype or "int32")
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            (num_classes, num_classes), "zeros", dtype=self.dtype, name="total_confusion_matrix"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's (label, prediction) pairs to the confusion matrix.

        Labels or predictions outside ``[0, num_classes)``, and labels equal to
        ``ignore_class``, are skipped.
        """
        if not self.sparse_y_true:
            y_true = ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(y_pred, axis=self.axis)
        y_true = ops.reshape(ops.convert_to_tensor(y_true, dtype=self.dtype), (-1,))
        y_pred = ops.reshape(ops.convert_to_tensor(y_pred, dtype=self.dtype), (-1,))
        if sample_weight is None:
            sample_weight = 1
        elif is_float(getattr(sample_weight, "dtype", "int32")) and not is_float(self.dtype):
            warnings.warn(
                f"{type(self).__name__}: `sample_weight` is float but the metric dtype is "
                f"{self.dtype!r}; weights are truncated. Use integer weights or a float dtype.",
                stacklevel=2,
            )
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=self.dtype)
        if ops.ndim(sample_weight) > 1:
            sample_weight = ops.reshape(sample_weight, (-1,))
        sample_weight = ops.broadcast_to(sample_weight, ops.shape(y_true))
        in_range = ops.logical_and(
            ops.logical_and(ops.greater_equal(y_true, 0), ops.less(y_true, self.num_classes)),
            ops.logical_and(ops.greater_equal(y_pred, 0), ops.less(y_pred, self.num_classes)),
        )
        if self.ignore_class is not None:
            in_range = ops.logical_and(in_range, ops.not_equal(y_true, self.ignore_class))
        y_true = ops.where(in_range, y_true, 0)
        y_pred = ops.where(in_range, y_pred, 0)
        sample_weight = ops.cast(ops.where(in_range, sample_weight, 0), self.dtype)
        current = confusion_matrix(
            y_true, y_pred, self.num_classes, weights=sample_weight, dtype=self.dtype
        )
        self.total_cm.assign(ops.add(self.total_cm.value, current))


class IoU(_IoUBase):
    """Intersection over union, averaged over ``target_class_ids``.

    Args:
        num_classes: the number of classes.
        target_class_ids: the class ids whose IoU is averaged.
        name: the metric name; defaults to ``"io_u"``.
        dtype: the dtype of the confusion matrix; defaults to ``"int32"``.
        ignore_class: a label to skip (e.g. the void class).
        sparse_y_true: whether labels are class ids (else one-hot, arg-maxed over ``axis``).
        sparse_y_pred: whether predictions are class ids (else scores, arg-maxed).
        axis: the class axis of dense inputs. Defaults to ``-1``.

    Example::

        m = kcore.metrics.IoU(num_classes=2, target_class_ids=[0])
        m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        m.result()  # 0.3333
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is "
                f"[0, {num_classes})."
            )
        self.target_class_ids = list(target_class_ids)

    def result(self):
        matrix = ops.cast(self.total_cm.value, "float32")
        true_positives = ops.diag(matrix)
        denominator = ops.subtract(
            ops.add(ops.sum(matrix, axis=0), ops.sum(matrix, axis=1)), true_positives
        )
        ids = ops.convert_to_tensor(self.target_class_ids, dtype="int32")
        true_positives = ops.take(true_positives, ids)
        denominator = ops.take(denominator, ids)
        valid = ops.greater(denominator, 1e-9)
        num_valid = ops.sum(ops.cast(valid, "float32"))
        iou = ops.divide(true_positives, ops.add(denominator, config.epsilon()))
        iou = ops.where(valid, iou, 0.0)
        return ops.divide(ops.sum(iou, axis=self.axis), ops.add(num_valid, config.epsilon()))

    def get_config(self):
        config = {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
        return {**super().get_config(), **config}


class BinaryIoU(IoU):
    """IoU of binary predictions: ``y_pred >= threshold`` is class 1.

    Args:
        target_class_ids: which of the classes ``0`` and ``1`` to average. Defaults to both.
        threshold: the decision threshold. Defaults to ``0.5``.
        name: the metric name; defaults to ``"binary_io_u"``.
        dtype: the dtype of the confusion matrix; defaults to ``"int32"``.
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.convert_to_tensor(y_pred, dtype="float32")
        y_pred = ops.cast(ops.greater_equal(y_pred, self.threshold), self.dtype)
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


class MeanIoU(IoU):
    """IoU averaged over every class.

    Args:
        num_classes: the number of classes.
        name: the metric name; defaults to ``"mean_io_u"``.
        dtype: the dtype of the confusion matrix; defaults to ``"int32"``.
        ignore_class: a label to skip.
        sparse_y_true: whether labels are class ids (else one-hot).
        sparse_y_pred: whether predictions are class ids (else scores).
        axis: the class axis of dense inputs. Defaults to ``-1``.
    """

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            num_classes,
            list(range(num_classes)),
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        config = super().get_config()
        del config["target_class_ids"]
        return config


class OneHotIoU(IoU):
    """:class:`IoU` for one-hot labels and per-class scores (both arg-maxed over ``axis``).

    Arguments as :class:`IoU`, without ``sparse_y_true``; ``sparse_y_pred`` defaults to False.
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes,
            target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """:class:`MeanIoU` for one-hot labels and per-class scores.

    Arguments as :class:`MeanIoU`, without ``sparse_y_true``; ``sparse_y_pred`` defaults to False.
    """

    def __init__(
        self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1
    ):
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config
