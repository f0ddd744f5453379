"""``BatchNormalization``: normalize with batch statistics in training, moving ones otherwise."""

from __future__ import annotations

import math

from kcore import InputSpec, config, ops
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve
from kcore_layers.normalization.base_normalization import (
    AffineNormalization,
    check_axes_in_bounds,
    check_bool,
    check_int_axes,
    check_number,
)

__all__ = ["BatchNormalization"]

_LAYER = "BatchNormalization"
_CLIPPING_KEYS = ("rmax", "rmin", "dmax")


def _check_renorm_clipping(renorm, renorm_clipping):
    """Keras's rules: keys among rmax / rmin / dmax, rmax >= rmin, dmax >= 0."""
    if not renorm:
        return renorm_clipping  # unused without renorm; kept as given, like Keras
    clipping = renorm_clipping or {}
    if not isinstance(clipping, dict):
        raise ValueError(
            f"{_LAYER}: `renorm_clipping` must be a dict with keys among {list(_CLIPPING_KEYS)}."
            f" Received: renorm_clipping={renorm_clipping!r}"
        )
    unknown = sorted(set(clipping) - set(_CLIPPING_KEYS))
    if unknown:
        raise ValueError(
            f"{_LAYER}: received invalid keys {unknown} for `renorm_clipping`. Supported keys: "
            f"{list(_CLIPPING_KEYS)}. Received: renorm_clipping={renorm_clipping!r}"
        )
    for key, value in clipping.items():
        if value is not None:
            check_number(_LAYER, f"renorm_clipping[{key!r}]", value, minimum=-math.inf)
    rmax, rmin, dmax = (clipping.get(k) for k in _CLIPPING_KEYS)
    if rmax is not None and rmin is not None and rmax < rmin:
        raise ValueError(
            f"{_LAYER}: `renorm_clipping` needs rmax >= rmin. Received: rmax={rmax}, rmin={rmin}"
        )
    if dmax is not None and dmax < 0:
        raise ValueError(
            f"{_LAYER}: `renorm_clipping['dmax']` must be non-negative. Received: dmax={dmax}"
        )
    return clipping


class BatchNormalization(AffineNormalization):
    """Normalizes its inputs to zero mean and unit variance over every axis but ``axis``.

    In training (``training=True``, as in ``fit``) it uses the mean and variance of the batch
    and updates the moving statistics with
    ``moving = moving * momentum + batch * (1 - momentum)``; otherwise (inference, or
    ``trainable=False``, as in Keras) it uses the moving statistics. The output is
    ``gamma * (x - mean) / sqrt(variance + epsilon) + beta``.

    Args:
        axis: the features axis (``-1`` for ``channels_last``, ``1`` for ``channels_first``).
        momentum: momentum of the moving average, in ``[0, 1]``.
        epsilon: small float added to the variance to avoid dividing by zero.
        center: whether to add the learned offset ``beta``.
        scale: whether to multiply by the learned scale ``gamma``.
        beta_initializer: initializer of ``beta``. Defaults to ``"zeros"``.
        gamma_initializer: initializer of ``gamma``. Defaults to ``"ones"``.
        moving_mean_initializer: initializer of ``moving_mean``. Defaults to ``"zeros"``.
        moving_variance_initializer: initializer of ``moving_variance``. Defaults to ``"ones"``.
        beta_regularizer: regularizer of ``beta``.
        gamma_regularizer: regularizer of ``gamma``.
        beta_constraint: constraint on ``beta``.
        gamma_constraint: constraint on ``gamma``.
        renorm: whether to use batch renormalization (Ioffe, 2017): adds the non-trainable
            ``moving_stddev``, ``renorm_mean`` and ``renorm_stddev`` weights.
        renorm_clipping: dict with optional ``rmax``, ``rmin``, ``dmax`` clipping the renorm
            corrections ``r`` and ``d``.
        renorm_momentum: momentum of the renorm statistics.
        synchronized: accepted for compatibility; with one device there is nothing to
            synchronize, so it changes nothing.
        **kwargs: base layer arguments (``name``, ``dtype``, ``trainable``...).

    Call arguments:
        inputs: a tensor of any rank.
        training: whether to normalize with the batch statistics (and update the moving ones).
        mask: optional boolean tensor of the inputs' shape without the last axis; in training,
            the statistics use only the unmasked entries.

    Weights:
        ``gamma``, ``beta`` (trainable), ``moving_mean``, ``moving_variance`` (non-trainable),
        each of shape ``(input_shape[axis],)``.

    Example::

        x = kcore.Input(shape=(32, 32, 3))
        y = kcore.layers.BatchNormalization()(kcore.layers.Conv2D(16, 3)(x))
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        synchronized=False,
        **kwargs,
    ):
        axis = check_int_axes(_LAYER, axis, allow_list=False)
        momentum = check_number(_LAYER, "momentum", momentum, 0.0, 1.0)
        epsilon = check_number(_LAYER, "epsilon", epsilon)
        renorm = check_bool(_LAYER, "renorm", renorm)
        renorm_momentum = check_number(_LAYER, "renorm_momentum", renorm_momentum, 0.0, 1.0)
        renorm_clipping = _check_renorm_clipping(renorm, renorm_clipping)
        synchronized = check_bool(_LAYER, "synchronized", synchronized)
        moving_mean_initializer = _resolve.initializer(
            moving_mean_initializer, "moving_mean_initializer"
        )
        moving_variance_initializer = _resolve.initializer(
            moving_variance_initializer, "moving_variance_initializer"
        )
        super().__init__(
            center=center,
            scale=scale,
            beta_initializer=beta_initializer,
            gamma_initializer=gamma_initializer,
            beta_regularizer=beta_regularizer,
            gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint,
            gamma_constraint=gamma_constraint,
            **kwargs,
        )
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.renorm = renorm
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.synchronized = synchronized
        self.moving_mean = None
        self.moving_variance = None
        self._reduction_axes = None
        self._channel_axis = None
        self._upcast = False

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        check_axes_in_bounds(_LAYER, self.axis, input_shape)
        ndim = len(input_shape)
        channel_axis = self.axis % ndim
        dim = input_shape[channel_axis]
        if dim is None:
            raise ValueError(
                f'Layer "{self.name}": axis {self.axis} of the input must have a known size to '
                f"build BatchNormalization. Received: input_shape={input_shape}"
            )
        shape = (dim,)
        self._add_affine_weights(shape)
        self.moving_mean = self._add_state("moving_mean", shape, self.moving_mean_initializer)
        self.moving_variance = self._add_state(
            "moving_variance", shape, self.moving_variance_initializer
        )
        if self.renorm:
            variance_init = self.moving_variance_initializer

            def stddev_init(shape, dtype=None):
                return ops.sqrt(variance_init(shape, dtype=dtype))

            self.moving_stddev = self._add_state("moving_stddev", shape, stddev_init)
            self.renorm_mean = self._add_state("renorm_mean", shape, self.moving_mean_initializer)
            self.renorm_stddev = self._add_state("renorm_stddev", shape, stddev_init)
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: dim})
        self._reduction_axes = [i for i in range(ndim) if i != channel_axis]
        self._channel_axis = channel_axis
        self._upcast = self._mixed
        self.built = True

    def _add_state(self, name, shape, initializer):
        return self.add_weight(
            name=name, shape=shape, initializer=initializer, trainable=False, autocast=False
        )

    def call(self, inputs, training=None, mask=None):
        if self._upcast:  # statistics in float32 under a mixed policy, as Keras
            inputs = ops.cast(inputs, "float32")
        gamma = None if self.gamma is None else self.gamma.value
        beta = None if self.beta is None else self.beta.value
        if training and self.trainable:
            if mask is None:
                mean, variance = ops.moments(inputs, self._reduction_axes)
            else:
                mean, variance = self._masked_moments(inputs, mask)
            if self.renorm:
                gamma, beta = self._renorm_update(mean, variance, gamma, beta)
            else:
                keep, take = self.momentum, 1.0 - self.momentum
                moving_mean, moving_variance = self.moving_mean, self.moving_variance
                moving_mean.assign(
                    ops.add(ops.multiply(moving_mean.value, keep), ops.multiply(mean, take))
                )
                moving_variance.assign(
                    ops.add(ops.multiply(moving_variance.value, keep), ops.multiply(variance, take))
                )
        else:
            mean, variance = self.moving_mean.value, self.moving_variance.value
        outputs = ops.batch_normalization(
            inputs, mean, variance, self._channel_axis, beta, gamma, self.epsilon
        )
        if self._upcast:
            outputs = ops.cast(outputs, self.compute_dtype)
        return outputs

    def _masked_moments(self, inputs, mask):
        """Mean and variance over the entries where ``mask`` (inputs' shape minus the last
        axis) is true."""
        mask_rank, input_rank = len(mask.shape), len(inputs.shape)
        if mask_rank != input_rank - 1:
            raise ValueError(
                f'Layer "{self.name}": the mask must have one dimension less than the inputs. '
                f"Received: mask.shape={tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}"
            )
        axes = self._reduction_axes
        keep = ops.broadcast_to(ops.expand_dims(ops.cast(mask, "bool"), -1), ops.shape(inputs))
        count = ops.add(
            ops.sum(ops.cast(keep, inputs.dtype), axes, keepdims=True), config.epsilon()
        )
        mean = ops.divide(ops.sum(ops.where(keep, inputs, 0.0), axes, keepdims=True), count)
        squares = ops.square(ops.where(keep, ops.subtract(inputs, mean), 0.0))
        variance = ops.divide(ops.sum(squares, axes, keepdims=True), count)
        return ops.squeeze(mean, axes), ops.squeeze(variance, axes)

    def _renorm_update(self, mean, variance, gamma, beta):
        """Batch renormalization: update the statistics; return the corrected gamma and beta."""
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        renorm_mean = self.renorm_mean.value
        renorm_stddev = self.renorm_stddev.value
        floor = ops.maximum(renorm_stddev, math.sqrt(self.epsilon))
        r = ops.divide(stddev, floor)
        d = ops.divide(ops.subtract(mean, renorm_mean), floor)
        clipping = self.renorm_clipping
        if clipping.get("rmin") is not None:
            r = ops.maximum(r, clipping["rmin"])
        if clipping.get("rmax") is not None:
            r = ops.minimum(r, clipping["rmax"])
        if clipping.get("dmax") is not None:
            d = ops.clip(d, -clipping["dmax"], clipping["dmax"])
        r, d = ops.stop_gradient(r), ops.stop_gradient(d)
        new_gamma = r if gamma is None else ops.multiply(r, gamma)
        new_beta = d if gamma is None else ops.multiply(d, gamma)
        if beta is not None:
            new_beta = ops.add(new_beta, beta)

        def average(variable, value, momentum):
            old = variable.value
            return ops.add(ops.multiply(old, momentum), ops.multiply(value, 1.0 - momentum))

        self.renorm_mean.assign(average(self.renorm_mean, mean, self.renorm_momentum))
        self.renorm_stddev.assign(average(self.renorm_stddev, stddev, self.renorm_momentum))
        self.moving_mean.assign(average(self.moving_mean, mean, self.momentum))
        moving_stddev = average(self.moving_stddev, stddev, self.momentum)
        self.moving_stddev.assign(moving_stddev)
        self.moving_variance.assign(ops.relu(ops.subtract(ops.square(moving_stddev), self.epsilon)))
        return new_gamma, new_beta

    def get_config(self):
        config_ = {
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            **self._affine_config(),
            "moving_mean_initializer": serialize_keras_object(self.moving_mean_initializer),
            "moving_variance_initializer": serialize_keras_object(self.moving_variance_initializer),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        }
        return {**super().get_config(), **config_}
