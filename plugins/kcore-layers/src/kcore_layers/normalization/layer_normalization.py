"""``LayerNormalization``: normalize each example over its feature axes."""

from __future__ import annotations

import warnings

from kcore import ops
from kcore_layers.normalization.base_normalization import (
    AffineNormalization,
    check_bool,
    check_int_axes,
    check_number,
    positive_axes,
)

__all__ = ["LayerNormalization"]

_LAYER = "LayerNormalization"


class LayerNormalization(AffineNormalization):
    """Layer normalization (Ba et al., 2016): each example is normalized on its own.

    For every example, the mean and variance are taken over ``axis`` and the output is
    ``gamma * (x - mean) / sqrt(variance + epsilon) + beta``, with ``gamma`` and ``beta``
    spanning the ``axis`` dimensions (``LayerNormalization(axis=[1, 2, 3])`` on inputs
    ``(5, 20, 30, 40)`` gives weights of shape ``(20, 30, 40)``).

    Args:
        axis: an int or a list of ints, the axes to normalize over (usually the features).
        epsilon: small float added to the variance to avoid dividing by zero.
        center: whether to add the learned offset ``beta``.
        scale: whether to multiply by the learned scale ``gamma``.
        beta_initializer: initializer of ``beta``. Defaults to ``"zeros"``.
        gamma_initializer: initializer of ``gamma``. Defaults to ``"ones"``.
        beta_regularizer: regularizer of ``beta``.
        gamma_regularizer: regularizer of ``gamma``.
        beta_constraint: constraint on ``beta``.
        gamma_constraint: constraint on ``gamma``.
        **kwargs: base layer arguments (``name``, ``dtype``...). Keras 3's deprecated
            ``rms_scaling=True`` is accepted with its warning and its Keras 3.15 meaning:
            ``x / sqrt(variance + epsilon) * gamma`` (no centering, no ``beta``).

    Input shape:
        Arbitrary. Output shape: same as the input.

    Example::

        layer = kcore.layers.LayerNormalization(axis=-1)
        outputs = layer(np.arange(6, dtype="float32").reshape(2, 3))  # each row ~[-1.2, 0, 1.2]
    """

    def __init__(
        self,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        rms_scaling = check_bool(_LAYER, "rms_scaling", kwargs.pop("rms_scaling", False))
        axis = check_int_axes(_LAYER, axis, allow_list=True)
        epsilon = check_number(_LAYER, "epsilon", epsilon)
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
        if rms_scaling:
            warnings.warn(
                "LayerNormalization: `rms_scaling=True` is deprecated in Keras 3: it scales the "
                "input by its variance, not its root mean square. For RMS normalization use "
                "`kcore.ops.rms_normalization` instead.",
                stacklevel=2,
            )
        self.axis = axis
        self.epsilon = epsilon
        self.rms_scaling = rms_scaling
        self._axes = None
        self._param_shape = None
        self._cast_to = None
        if self._mixed:  # normalize the float32 inputs, then cast (Keras: autocast=False)
            self.autocast = False

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        axes = positive_axes(_LAYER, self.axis, input_shape)
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ValueError(
                f'Layer "{self.name}": the normalized axes {self.axis} of the input must have '
                f"known sizes. Received: input_shape={input_shape}"
            )
        self._add_affine_weights(
            shape,
            with_gamma=self.scale or self.rms_scaling,
            with_beta=self.center and not self.rms_scaling,
        )
        ndim = len(input_shape)
        if axes == [ndim - 1]:
            self._axes, self._param_shape = -1, None  # 1-D weights broadcast as they are
        else:
            self._axes = axes
            self._param_shape = tuple(input_shape[i] if i in axes else 1 for i in range(ndim))
        self._cast_to = self.compute_dtype if self._mixed else None
        self.built = True

    def _param(self, weight):
        if weight is None:
            return None
        value = weight.value
        return value if self._param_shape is None else ops.reshape(value, self._param_shape)

    def call(self, inputs):
        gamma = self._param(self.gamma)
        if self.rms_scaling:
            variance = ops.var(inputs, axis=self._axes, keepdims=True)
            outputs = ops.multiply(inputs, ops.rsqrt(ops.add(variance, self.epsilon)))
            if gamma is not None:
                outputs = ops.multiply(outputs, gamma)
        else:
            outputs = ops.layer_normalization(
                inputs, gamma, self._param(self.beta), axis=self._axes, epsilon=self.epsilon
            )
        if self._cast_to is not None:
            outputs = ops.cast(outputs, self._cast_to)
        return outputs

    def get_config(self):
        config = {
            "axis": self.axis,
            "epsilon": self.epsilon,
            **self._affine_config(),
            "rms_scaling": self.rms_scaling,
        }
        return {**super().get_config(), **config}
