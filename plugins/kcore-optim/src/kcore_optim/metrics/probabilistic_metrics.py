"""Probabilistic metrics: running means of the crossentropies, KL divergence and Poisson loss."""

from __future__ import annotations

from kcore_optim.losses import probabilistic
from kcore_optim.losses.loss import apply_mask
from kcore_optim.metrics.reduction_metrics import MeanMetricWrapper

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "KLDivergence",
    "Poisson",
    "SparseCategoricalCrossentropy",
]


class KLDivergence(MeanMetricWrapper):
    """The running mean Kullback-Leibler divergence; ``name`` defaults to ``"kl_divergence"``."""

    _direction = "down"

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(probabilistic.kl_divergence, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class Poisson(MeanMetricWrapper):
    """The running mean Poisson loss; ``name`` defaults to ``"poisson"``."""

    _direction = "down"

    def __init__(self, name="poisson", dtype=None):
        super().__init__(probabilistic.poisson, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryCrossentropy(MeanMetricWrapper):
    """The running mean binary crossentropy.

    Args:
        name: defaults to ``"binary_crossentropy"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
        from_logits: whether predictions are logits.
        label_smoothing: in ``[0, 1]``; targets are pulled towards 0.5 by this amount.
    """

    _direction = "down"

    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0
    ):
        super().__init__(
            probabilistic.binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


class CategoricalCrossentropy(MeanMetricWrapper):
    """The running mean categorical crossentropy.

    Args:
        name: defaults to ``"categorical_crossentropy"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
        from_logits: whether predictions are logits.
        label_smoothing: in ``[0, 1]``; targets become ``y * (1 - s) + s / num_classes``.
        axis: the class axis. Defaults to ``-1``.
    """

    _direction = "down"

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            probabilistic.categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The running mean crossentropy against integer labels.

    Args:
        name: defaults to ``"sparse_categorical_crossentropy"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
        from_logits: whether predictions are logits.
        ignore_class: a label whose entries contribute 0 (and, with sample weights, are left
            out of the mean).
        axis: the class axis. Defaults to ``-1``.
    """

    _direction = "down"

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        super().__init__(
            probabilistic.sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = getattr(y_pred, "_keras_mask", None)
        values, values_mask = probabilistic.sparse_categorical_crossentropy_with_mask(
            y_true, y_pred, self.from_logits, self.ignore_class, self.axis
        )
        sample_weight = apply_mask(sample_weight, mask, self.dtype, "sum")
        self._update_mean(values, sample_weight, values_mask)

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }
