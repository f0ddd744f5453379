"""Probabilistic loss functions: crossentropies, focal crossentropies, KL divergence, Poisson.

The plain crossentropies call the backend's fused ``kcore.ops`` kernels
(``binary_crossentropy``, ``categorical_crossentropy``, ``sparse_categorical_crossentropy``) and
add as little as possible around them, since they run in every training step.
"""

from __future__ import annotations

import warnings

from kcore import config, ops
from kcore_optim.losses.loss import prepared_inputs

__all__ = [
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "kl_divergence",
    "poisson",
    "sparse_categorical_crossentropy",
    "sparse_categorical_crossentropy_with_mask",
]


def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred), axis=-1)``.

    Both inputs are clipped to ``[epsilon, 1]`` first.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=ops.dtype(y_pred))
    eps = config.epsilon()
    y_true = ops.clip(y_true, eps, 1.0)
    y_pred = ops.clip(y_pred, eps, 1.0)
    return ops.sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


def poisson(y_true, y_pred):
    """Poisson loss ``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=ops.dtype(y_pred))
    log_pred = ops.log(ops.add(y_pred, config.epsilon()))
    return ops.mean(ops.subtract(y_pred, ops.multiply(y_true, log_pred)), axis=-1)


def _cast_to_prediction_dtype(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    return ops.cast(y_true, ops.dtype(y_pred)), y_pred


_probabilistic = prepared_inputs(_cast_to_prediction_dtype)


def _smooth_binary(y_true, label_smoothing):
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)


def _smooth_categorical(y_true, label_smoothing):
    num_classes = ops.shape(y_true)[-1]
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), label_smoothing / num_classes)


@_probabilistic
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy, averaged over ``axis``.

    Args:
        y_true: targets in ``[0, 1]``.
        y_pred: probabilities, or logits when ``from_logits`` is true.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``; targets become ``y * (1 - s) + 0.5 * s``.
        axis: the axis the mean is taken over. Defaults to ``-1``.

    Returns:
        The per-sample losses.
    """
    if label_smoothing:
        y_true = _smooth_binary(y_true, label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary focal crossentropy: crossentropy scaled by ``(1 - p_t) ** gamma``.

    ``p_t`` is the probability given to the true class. With ``apply_class_balancing``, positives
    are further weighted by ``alpha`` and negatives by ``1 - alpha``. Other arguments as
    :func:`binary_crossentropy`.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    if label_smoothing:
        y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    one_minus_true = ops.subtract(1.0, y_true)
    p_t = ops.add(
        ops.multiply(y_true, y_pred), ops.multiply(one_minus_true, ops.subtract(1.0, y_pred))
    )
    focal = ops.multiply(ops.power(ops.subtract(1.0, p_t), gamma), bce)
    if apply_class_balancing:
        weight = ops.add(ops.multiply(y_true, alpha), ops.multiply(one_minus_true, 1.0 - alpha))
        focal = ops.multiply(weight, focal)
    return ops.mean(focal, axis=axis)


def _check_axis(axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"`axis` must be an int. Received: axis={axis!r}")


def _warn_single_class(name, y_pred):
    if ops.shape(y_pred)[-1] == 1:
        warnings.warn(
            f"In loss {name}, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={tuple(ops.shape(y_pred))}. Consider "
            "using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


@_probabilistic
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical crossentropy between one-hot (or soft) targets and predictions.

    Args:
        y_true: one-hot or probability targets, the shape of ``y_pred``.
        y_pred: probabilities (renormalized to sum to 1), or logits when ``from_logits``.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``; targets become ``y * (1 - s) + s / num_classes``.
        axis: the class axis. Defaults to ``-1``.

    Returns:
        The per-sample losses.
    """
    _check_axis(axis)
    _warn_single_class("categorical_crossentropy", y_pred)
    if label_smoothing:
        y_true = _smooth_categorical(y_true, label_smoothing)
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Categorical focal crossentropy: ``sum(alpha * (1 - p) ** gamma * -y_true * log(p))``.

    ``p`` is ``y_pred`` renormalized over ``axis`` (softmax first when ``from_logits``) and
    clipped to ``[epsilon, 1 - epsilon]``. Other arguments as :func:`categorical_crossentropy`.
    """
    _check_axis(axis)
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    _warn_single_class("categorical_focal_crossentropy", y_pred)
    if label_smoothing:
        y_true = _smooth_categorical(y_true, label_smoothing)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    eps = config.epsilon()
    output = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
    output = ops.clip(output, eps, 1.0 - eps)
    cce = ops.negative(ops.multiply(y_true, ops.log(output)))
    factor = ops.multiply(ops.power(ops.subtract(1.0, output), gamma), alpha)
    return ops.sum(ops.multiply(factor, cce), axis=axis)


def sparse_categorical_crossentropy_with_mask(
    y_true, y_pred, from_logits=False, ignore_class=None, axis=-1
):
    """:func:`sparse_categorical_crossentropy` and its validity mask (``None`` if none ignored)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    pred_shape = tuple(ops.shape(y_pred))
    true_shape = tuple(ops.shape(y_true))
    rank = len(pred_shape)
    class_axis = axis % rank if rank else axis
    if len(true_shape) == rank and true_shape[class_axis] == 1:
        y_true = ops.squeeze(y_true, axis=class_axis)
        true_shape = true_shape[:class_axis] + true_shape[class_axis + 1 :]
    expected = pred_shape[:class_axis] + pred_shape[class_axis + 1 :]
    if len(true_shape) != len(expected) or any(
        a is not None and b is not None and a != b for a, b in zip(true_shape, expected)
    ):
        raise ValueError(
            "sparse_categorical_crossentropy: `y_true` must hold one integer label per "
            f"prediction, with shape {expected} for y_pred.shape={pred_shape}. Received: "
            f"y_true.shape={tuple(ops.shape(y_true))}, y_pred.shape={pred_shape}"
        )
    if ignore_class is None:
        loss = ops.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=from_logits, axis=axis
        )
        return loss, None
    valid = ops.not_equal(y_true, ignore_class)
    y_true = ops.where(valid, y_true, 0)
    y_pred = ops.where(ops.expand_dims(valid, class_axis), y_pred, 0.0)
    loss = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    return ops.where(valid, loss, 0.0), valid


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Crossentropy between integer labels and predicted class probabilities (or logits).

    Args:
        y_true: integer class ids, shape ``y_pred.shape`` without ``axis`` (a trailing size-1
            axis is accepted).
        y_pred: probabilities, or logits when ``from_logits`` is true.
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label whose entries get loss 0 and are left out of the mean when
            called through the :class:`SparseCategoricalCrossentropy` loss.
        axis: the class axis. Defaults to ``-1``.

    Returns:
        The per-sample losses.
    """
    loss, mask = sparse_categorical_crossentropy_with_mask(
        y_true, y_pred, from_logits, ignore_class, axis
    )
    if mask is not None:
        try:  # torch / tf tensors carry masks as attributes, like Keras; jax arrays cannot
            loss._keras_mask = mask
        except AttributeError:
            pass
    return loss
