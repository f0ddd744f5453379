"""``GroupNormalization``: normalize each example over groups of channels."""

from __future__ import annotations

from kcore import InputSpec, ops
from kcore_layers.normalization.base_normalization import (
    AffineNormalization,
    check_axes_in_bounds,
    check_int_axes,
    check_number,
)

__all__ = ["GroupNormalization"]

_LAYER = "GroupNormalization"


class GroupNormalization(AffineNormalization):
    """Group normalization (Wu et al., 2018): statistics per example and group of channels.

    The channels (``axis``) are split into ``groups`` equal groups; each example is normalized
    over every axis but the batch one within each group, then scaled by ``gamma`` and shifted by
    ``beta`` per channel. ``groups=1`` is layer normalization over all non-batch axes;
    ``groups=-1`` (one channel per group) is instance normalization.

    Args:
        groups: the number of groups, a divisor of the channel count; ``-1`` means one group
            per channel. Defaults to 32.
        axis: the channels axis (``-1`` for ``channels_last``, ``1`` for ``channels_first``).
        epsilon: small float added to the variance to avoid dividing by zero.
        center: whether to add the learned offset ``beta``.
        scale: whether to multiply by the learned scale ``gamma``.
        beta_initializer: initializer of ``beta``. Defaults to ``"zeros"``.
        gamma_initializer: initializer of ``gamma``. Defaults to ``"ones"``.
        beta_regularizer: regularizer of ``beta``.
        gamma_regularizer: regularizer of ``gamma``.
        beta_constraint: constraint on ``beta``.
        gamma_constraint: constraint on ``gamma``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        Arbitrary, with a known channel size divisible by ``groups``. Output shape: same as
        the input.

    Example::

        layer = kcore.layers.GroupNormalization(groups=4)
        outputs = layer(np.random.randn(2, 8, 8, 16).astype("float32"))  # (2, 8, 8, 16)
    """

    def __init__(
        self,
        groups=32,
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
        if (
            isinstance(groups, bool)
            or not isinstance(groups, int)
            or (groups <= 0 and groups != -1)
        ):
            raise ValueError(
                f"{_LAYER}: `groups` must be a positive integer (or -1 for instance "
                f"normalization). Received: groups={groups!r}"
            )
        axis = check_int_axes(_LAYER, axis, allow_list=False)
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
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self._channel_axis = None
        self._num_groups = None
        self._param_shape = None
        self._reduction_axes = None
        self._cast_to = None
        if self._mixed:  # normalize the float32 inputs, then cast (Keras: autocast=False)
            self.autocast = False

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        check_axes_in_bounds(_LAYER, self.axis, input_shape)
        ndim = len(input_shape)
        axis = self.axis % ndim
        dim = input_shape[axis]
        if axis == 0:
            raise ValueError(
                f'Layer "{self.name}": `axis` must be a channels axis, not the batch axis 0. '
                f"Received: axis={self.axis}, input_shape={input_shape}"
            )
        if dim is None:
            raise ValueError(
                f'Layer "{self.name}": axis {self.axis} of the input must have a known size. '
                f"Received: input_shape={input_shape}"
            )
        groups = dim if self.groups == -1 else self.groups
        if groups > dim or dim % groups:
            raise ValueError(
                f'Layer "{self.name}": the number of channels ({dim}) must be a multiple of '
                f"`groups` ({groups}) and at least as large. Pick a divisor of {dim}. "
                f"Received: groups={self.groups}, input_shape={input_shape}"
            )
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: dim})
        self._add_affine_weights((dim,))
        # Inputs are viewed as (..., groups, dim // groups, ...) with the groups at `axis`.
        self._channel_axis = axis
        self._num_groups = groups
        self._param_shape = tuple([1] * axis + [groups, dim // groups] + [1] * (ndim - axis - 1))
        self._reduction_axes = [i for i in range(1, ndim + 1) if i != axis]
        self._cast_to = self.compute_dtype if self._mixed else None
        self.built = True

    def call(self, inputs):
        if self._cast_to is not None:
            inputs = ops.cast(inputs, "float32")
        shape = ops.shape(inputs)
        axis, groups = self._channel_axis, self._num_groups
        grouped_shape = [-1, *shape[1:axis], groups, shape[axis] // groups, *shape[axis + 1 :]]
        grouped = ops.reshape(inputs, grouped_shape)
        mean, variance = ops.moments(grouped, self._reduction_axes, keepdims=True)
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        if self.gamma is not None:
            inv = ops.multiply(inv, ops.reshape(self.gamma.value, self._param_shape))
        offset = ops.negative(ops.multiply(mean, inv))
        if self.beta is not None:
            offset = ops.add(offset, ops.reshape(self.beta.value, self._param_shape))
        outputs = ops.reshape(ops.add(ops.multiply(grouped, inv), offset), shape)
        if self._cast_to is not None:
            outputs = ops.cast(outputs, self._cast_to)
        return outputs

    def get_config(self):
        config = {
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            **self._affine_config(),
        }
        return {**super().get_config(), **config}
