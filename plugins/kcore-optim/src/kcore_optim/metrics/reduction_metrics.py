"""``Sum``, ``Mean`` and ``MeanMetricWrapper`` (the running mean of any per-sample function)."""

from __future__ import annotations

from kcore import ops
from kcore_optim.losses.loss import apply_mask, squeeze_or_expand_to_same_rank
from kcore_optim.metrics.metric import Metric

__all__ = ["Mean", "MeanMetricWrapper", "Sum", "reduce_to_samplewise_values"]


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype, mask=None):
    """Weight ``values`` and reduce them to one value per sample (the first axis).

    Axes of ``values`` beyond ``sample_weight``'s rank are reduced with ``reduce_fn`` before
    weighting; what remains beyond the first axis is reduced after.

    Args:
        values: the per-element values.
        sample_weight: weights, or ``None``.
        reduce_fn: ``ops.sum`` or ``ops.mean``.
        dtype: the dtype to compute in.
        mask: a mask of ``values`` folded into ``sample_weight`` (only when weights are given).

    Returns:
        ``(values, sample_weight)``, both reduced to per-sample shape.
    """
    values = ops.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype, "sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = ops.ndim(sample_weight), ops.ndim(values)
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        sample_weight = ops.broadcast_to(sample_weight, ops.shape(values))
        values = ops.multiply(values, sample_weight)
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    values_ndim = ops.ndim(values)
    if values_ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values_ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of the values seen.

    Args:
        name: defaults to ``"sum"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.

    Example::

        m = kcore.metrics.Sum()
        m.update_state([1, 3, 5, 7])
        m.result()  # 16.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="total"
        )

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, ops.sum, self.dtype)
        self.total.assign_add(ops.sum(values))

    def result(self):
        return ops.cast(self.total.value, self.dtype)


class Mean(Metric):
    """The (weighted) mean of the values seen: ``total / count``.

    Values with more than one axis are first averaged to one value per sample; with
    ``sample_weight`` the count is the sum of the weights.

    Args:
        name: defaults to ``"mean"``.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.

    Example::

        m = kcore.metrics.Mean()
        m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
        m.result()  # 2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="total"
        )
        self.count = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="count"
        )

    def update_state(self, values, sample_weight=None):
        self._update_mean(values, sample_weight)

    def _update_mean(self, values, sample_weight, mask=None):
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, ops.mean, self.dtype, mask
        )
        self.total.assign_add(ops.sum(values))
        if sample_weight is not None:
            num_samples = ops.cast(ops.sum(sample_weight), self.dtype)
        elif ops.ndim(values) >= 1:
            num_samples = float(ops.shape(values)[0])
        else:
            num_samples = 1.0
        self.count.assign_add(num_samples)

    def result(self):
        return ops.divide_no_nan(self.total.value, self.count.value)


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred, **kwargs)``.

    Args:
        fn: a function ``fn(y_true, y_pred, **kwargs)`` returning per-sample values.
        name: the metric name; defaults to the snake-case class name.
        dtype: see :class:`~kcore_optim.metrics.metric.Metric`.
        **kwargs: passed to ``fn`` on every update.

    Example::

        m = kcore.metrics.MeanMetricWrapper(kcore.losses.mean_squared_error, name="mse")
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = getattr(y_pred, "_keras_mask", None)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        sample_weight = apply_mask(sample_weight, mask, self.dtype, "sum")
        self._update_mean(values, sample_weight, getattr(values, "_keras_mask", None))

    def get_config(self):
        from kcore.saving import serialize_keras_object

        config = {**super().get_config(), "fn": serialize_keras_object(self._fn)}
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        if "fn" in config:
            from kcore.saving import deserialize_keras_object

            config = dict(config)
            config["fn"] = deserialize_keras_object(config["fn"], kind="metrics")
        return cls(**config)
