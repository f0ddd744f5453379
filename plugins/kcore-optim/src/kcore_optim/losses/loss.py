"""The ``Loss`` base class, ``LossFunctionWrapper`` and the reduction helpers.

A loss object is called as ``loss(y_true, y_pred, sample_weight=None)``: it converts both inputs
to its dtype, runs ``call`` to get one loss value per sample (per element for losses that keep
the time axis), folds in any mask and the sample weights, then applies its reduction. The
reductions follow Keras 3: ``"sum_over_batch_size"`` (alias ``"mean"``) divides the weighted sum
by the number of loss values, ``"mean_with_sample_weight"`` by the sum of the weights, ``"sum"``
does not divide, and ``"none"`` / ``None`` returns the unreduced values.
"""

from __future__ import annotations

import functools
import re

from kcore import config, ops
from kcore.dtype_policies import get_policy

__all__ = [
    "REDUCTIONS",
    "Loss",
    "LossFunctionWrapper",
    "apply_mask",
    "check_broadcastable",
    "prepared_inputs",
    "reduce_values",
    "reduce_weighted_values",
    "squeeze_or_expand_to_same_rank",
    "standardize_reduction",
]

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)
_MEAN_REDUCTIONS = ("sum_over_batch_size", "mean")


def standardize_reduction(reduction):
    """Return ``reduction`` if it is one of :data:`REDUCTIONS`, else raise ``ValueError``."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`: expected one of {REDUCTIONS}. "
            f"Received: reduction={reduction!r}"
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make ranks agree when they differ by one and the longer tensor ends in a size-1 axis.

    That size-1 axis is squeezed away, except that a rank-1 partner is expanded instead when
    ``expand_rank_1`` is true (so ``(batch,)`` against ``(batch, 1)`` stays 2-D).
    """
    rank1, rank2 = ops.ndim(x1), ops.ndim(x2)
    if rank1 == rank2:
        return x1, x2
    if rank1 == rank2 + 1 and ops.shape(x1)[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, axis=-1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    elif rank2 == rank1 + 1 and ops.shape(x2)[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, axis=-1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def check_broadcastable(y_true, y_pred, name):
    """Raise ``ValueError`` naming both shapes if ``y_true`` and ``y_pred`` cannot broadcast."""
    shape_true, shape_pred = tuple(ops.shape(y_true)), tuple(ops.shape(y_pred))
    if shape_true == shape_pred:
        return
    for a, b in zip(reversed(shape_true), reversed(shape_pred)):
        if a is not None and b is not None and a != b and a != 1 and b != 1:
            raise ValueError(
                f"{name}: `y_true` and `y_pred` must have compatible shapes. Received: "
                f"y_true.shape={shape_true}, y_pred.shape={shape_pred}"
            )


def apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a boolean ``mask`` into ``sample_weight`` (either may be ``None``).

    For the mean reductions, valid entries are weighted ``total / valid`` so that dividing by
    the full element count averages over the valid entries only.
    """
    if mask is None:
        return sample_weight
    if reduction in _MEAN_REDUCTIONS:
        total = ops.cast(_num_elements(mask), dtype)
        valid = ops.sum(ops.cast(mask, dtype))
        float_mask = ops.where(ops.cast(mask, "bool"), ops.divide_no_nan(total, valid), 0.0)
        float_mask = ops.cast(float_mask, dtype)
    else:
        float_mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return ops.multiply(sample_weight, float_mask)


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduce already-weighted loss ``values`` with ``reduction``."""
    shape = tuple(ops.shape(values))
    if reduction is None or reduction == "none" or shape == () or shape == (0,):
        return values
    if reduction == "sum":
        return ops.sum(values)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = ops.cast(ops.sum(sample_weight), ops.dtype(values))
        return ops.divide_no_nan(ops.sum(values), divisor)
    return ops.mean(values)


def reduce_weighted_values(
    values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None
):
    """Weight per-sample loss ``values`` by ``sample_weight`` and ``mask``, then reduce.

    Args:
        values: the unreduced losses.
        sample_weight: weights broadcastable to ``values`` after rank adjustment, or ``None``.
        mask: a boolean mask of ``values``'s shape, or ``None``.
        reduction: one of :data:`REDUCTIONS`.
        dtype: the dtype to compute in; defaults to ``values``'s.
    """
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values, dtype=dtype)
    dtype = ops.dtype(values)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype, reduction)
    if sample_weight is not None:
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        extra = ops.ndim(values) - ops.ndim(sample_weight)
        if extra > 0:  # per-sample weights against per-element losses: align on leading axes
            sample_weight = ops.reshape(
                sample_weight, tuple(ops.shape(sample_weight)) + (1,) * extra
            )
        values = ops.multiply(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)


def prepared_inputs(prepare):
    """Decorator factory: the public function runs ``prepare(y_true, y_pred)`` before the body.

    A :class:`LossFunctionWrapper` has already converted, cast and rank-matched its inputs, so
    it calls the undecorated body (kept as ``fn._prepared_body``) and skips the repeat work.

    Example::

        @prepared_inputs(convert_both)
        def my_loss(y_true, y_pred): ...
    """

    def decorate(body):
        @functools.wraps(body)
        def fn(y_true, y_pred, *args, **kwargs):
            y_true, y_pred = prepare(y_true, y_pred)
            return body(y_true, y_pred, *args, **kwargs)

        fn._prepared_body = body
        return fn

    return decorate


def _num_elements(x):
    count = 1
    for dim in ops.shape(x):
        count *= dim
    return count


def _snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


class Loss:
    """Base class of every loss.

    Subclasses implement ``call(y_true, y_pred)`` returning the unreduced losses (one per
    sample, or per element); ``__call__`` adds masking, sample weights and the reduction.

    Args:
        name: the loss name; defaults to the snake-case class name.
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, ``"none"`` or ``None``.
        dtype: the compute dtype (a dtype name or a dtype policy); defaults to
            ``kcore.config.floatx()``.

    Example::

        class MeanError(kcore.losses.Loss):
            def call(self, y_true, y_pred):
                return kcore.ops.mean(y_pred - y_true, axis=-1)
    """

    #: Whether ``__call__`` casts ``y_true`` to the loss dtype (integer labels stay integer
    #: for losses that index with them).
    _cast_y_true = True

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or _snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype_policy = get_policy(dtype or config.floatx())
        self._dtype = self._dtype_policy.compute_dtype

    @property
    def dtype(self):
        """The dtype the loss computes in."""
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Compute the reduced, weighted loss.

        Args:
            y_true: the targets.
            y_pred: the predictions; a ``_keras_mask`` attribute on it masks entries out.
            sample_weight: optional weights, per sample or per element.

        Returns:
            A scalar, or the unreduced weighted losses when ``reduction`` is ``"none"``.
        """
        in_mask = getattr(y_pred, "_keras_mask", None)
        y_pred = ops.convert_to_tensor(y_pred, dtype=self._dtype)
        y_true = ops.convert_to_tensor(y_true, dtype=self._dtype if self._cast_y_true else None)
        losses, out_mask = self._call_with_mask(y_true, y_pred)
        if in_mask is None:
            mask = out_mask
        elif out_mask is None:
            mask = in_mask
        else:
            mask = ops.logical_and(ops.cast(in_mask, "bool"), ops.cast(out_mask, "bool"))
        if sample_weight is None and mask is None:  # the training-step fast path
            if self.reduction in _MEAN_REDUCTIONS or self.reduction == "mean_with_sample_weight":
                return reduce_values(ops.cast(losses, self._dtype), None, "mean")
        return reduce_weighted_values(losses, sample_weight, mask, self.reduction, self._dtype)

    def _call_with_mask(self, y_true, y_pred):
        """``call``'s losses and the mask of the entries they cover (``None``: all)."""
        losses = self.call(y_true, y_pred)
        return losses, getattr(losses, "_keras_mask", None)

    def call(self, y_true, y_pred):
        """The unreduced losses; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement `call(y_true, y_pred)`.")

    def get_config(self):
        """``name`` and ``reduction``, as Keras writes them."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        """Rebuild the loss from :meth:`get_config` output."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name} reduction={self.reduction}>"


class LossFunctionWrapper(Loss):
    """A :class:`Loss` around a plain function ``fn(y_true, y_pred, **kwargs)``.

    Ranks of ``y_true`` and ``y_pred`` are reconciled first (a trailing size-1 axis is squeezed
    or added), and shapes that cannot broadcast raise ``ValueError``.

    Args:
        fn: the loss function, returning one value per sample.
        reduction: see :class:`Loss`.
        name: see :class:`Loss`.
        dtype: see :class:`Loss`.
        **kwargs: passed to ``fn`` on every call.
    """

    #: Whether ``call`` checks that ``y_true`` and ``y_pred`` broadcast (sparse labels do not).
    _check_shapes = True

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs
        self._body = getattr(fn, "_prepared_body", fn) if self._check_shapes else fn

    def call(self, y_true, y_pred):
        if self._check_shapes:
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
            check_broadcastable(y_true, y_pred, self.name)
        return self._body(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        from kcore.saving import serialize_keras_object

        config = super().get_config()
        config["fn"] = serialize_keras_object(self.fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        if "fn" in config:
            from kcore.saving import deserialize_keras_object

            config = dict(config)
            config["fn"] = deserialize_keras_object(config["fn"], kind="losses")
        return cls(**config)

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"
