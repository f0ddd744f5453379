"""``PReLU``: a leaky ReLU whose negative slope ``alpha`` is learned."""

from __future__ import annotations

from kcore import InputSpec, Layer, ops
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve

__all__ = ["PReLU"]


def _check_shared_axes(shared_axes):
    if shared_axes is None:
        return None
    axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
    for axis in axes:
        if isinstance(axis, bool) or not hasattr(axis, "__index__") or int(axis) < 1:
            raise ValueError(
                "PReLU: `shared_axes` must be an integer >= 1 or a list of them (axis 0 is the "
                f"batch axis). Received: shared_axes={shared_axes!r}"
            )
    return [int(a) for a in axes]


class PReLU(Layer):
    """Parametric Rectified Linear Unit: ``f(x) = x`` for ``x >= 0``, ``alpha * x`` otherwise.

    ``alpha`` is a weight with the input's shape (without the batch axis), or size 1 along the
    ``shared_axes``.

    Args:
        alpha_initializer: initializer of ``alpha``. Defaults to ``"Zeros"``.
        alpha_regularizer: regularizer of ``alpha``.
        alpha_constraint: constraint on ``alpha``.
        shared_axes: axes (>= 1) along which ``alpha`` is shared: with feature maps
            ``(batch, height, width, channels)``, ``shared_axes=[1, 2]`` learns one slope per
            channel.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        Arbitrary; the non-shared, non-batch dims must be known when the layer is built.

    Output shape:
        Same as the input.

    Example::

        inputs = kcore.Input(shape=(8, 8, 16))
        outputs = kcore.layers.PReLU(shared_axes=[1, 2])(inputs)  # alpha: (1, 1, 16)
    """

    def __init__(
        self,
        alpha_initializer="Zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ):
        shared_axes = _check_shared_axes(shared_axes)
        alpha_initializer = _resolve.initializer(alpha_initializer, "alpha_initializer")
        alpha_regularizer = _resolve.regularizer(alpha_regularizer, "alpha_regularizer")
        alpha_constraint = _resolve.constraint(alpha_constraint, "alpha_constraint")
        super().__init__(**kwargs)
        self.alpha_initializer = alpha_initializer
        self.alpha_regularizer = alpha_regularizer
        self.alpha_constraint = alpha_constraint
        self.shared_axes = shared_axes
        self.supports_masking = True

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        rank = len(input_shape)
        shared = set(self.shared_axes or ())
        bad = sorted(a for a in shared if a >= rank)
        if bad:
            raise ValueError(
                f'Layer "{self.name}" (PReLU): `shared_axes` {self.shared_axes} do not fit an '
                f"input of rank {rank}; each must be in [1, {rank - 1}]. "
                f"Received: input_shape={input_shape}"
            )
        param_shape = tuple(1 if i in shared else d for i, d in enumerate(input_shape) if i)
        if None in param_shape:
            raise ValueError(
                f'Layer "{self.name}" (PReLU): the non-batch dims of the input must be known to '
                f"create `alpha`, or be listed in `shared_axes`. Received: "
                f"input_shape={input_shape}, shared_axes={self.shared_axes}"
            )
        self.alpha = self.add_weight(
            name="alpha",
            shape=param_shape,
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        axes = {i: input_shape[i] for i in range(1, rank) if i not in shared}
        self.input_spec = InputSpec(ndim=rank, axes=axes)
        self._cast_alpha_to = (  # mixed precision: compute in half
            self.compute_dtype if self.compute_dtype != self.variable_dtype else None
        )
        self.built = True

    def call(self, inputs):
        alpha = self.alpha.value
        if self._cast_alpha_to is not None:
            alpha = ops.cast(alpha, self._cast_alpha_to)
        return ops.subtract(ops.relu(inputs), ops.multiply(alpha, ops.relu(ops.negative(inputs))))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {
            "alpha_initializer": serialize_keras_object(self.alpha_initializer),
            "alpha_regularizer": serialize_keras_object(self.alpha_regularizer),
            "alpha_constraint": serialize_keras_object(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }
        return {**super().get_config(), **config}
