"""``SpectralNormalization``: a wrapper that keeps its layer's kernel at spectral norm 1."""

from __future__ import annotations

from kcore import InputSpec, Layer, ops
from kcore.saving import deserialize_keras_object, serialize_keras_object
from kcore_layers.initializers.random import TruncatedNormal

__all__ = ["SpectralNormalization"]

_LAYER = "SpectralNormalization"
_EPSILON = 1e-7  # floor of the power-iteration vector norms (Keras's default epsilon)


def _l2_normalize(x):
    """``x`` divided by its global L2 norm (at least ``_EPSILON``)."""
    return ops.normalize(x, axis=None, order=2, epsilon=_EPSILON)


class SpectralNormalization(Layer):
    """Spectral normalization (Miyato et al., 2018) of a layer's ``kernel`` (or ``embeddings``).

    In training (``training=True``) each call runs ``power_iterations`` steps of the power
    method to estimate the largest singular value ``sigma`` of the kernel (viewed as a matrix
    ``(-1, kernel.shape[-1])``), stores the kernel divided by ``sigma`` in the wrapped layer's
    kernel and the updated singular vector in the non-trainable ``vector_u``, then calls the
    layer. In inference it just calls the layer. An all-zero kernel is left unchanged.

    Args:
        layer: the layer to wrap, one with a ``kernel`` (``Dense``, ``Conv2D``...) or an
            ``embeddings`` (``Embedding``) weight.
        power_iterations: positive int, power-method steps per training call.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Weights:
        The wrapped layer's kernel, ``vector_u`` of shape ``(1, kernel.shape[-1])``
        (non-trainable), then the wrapped layer's other weights (Keras's order).

    Example::

        layer = kcore.layers.SpectralNormalization(kcore.layers.Dense(10))
        outputs = layer(np.ones((2, 4), "float32"), training=True)
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"{_LAYER}: `layer` must be a kcore layer instance (e.g. "
                f"kcore.layers.Dense(8)). Received: layer={layer!r}"
            )
        if (
            isinstance(power_iterations, bool)
            or not hasattr(power_iterations, "__index__")
            or int(power_iterations) <= 0
        ):
            raise ValueError(
                f"{_LAYER}: `power_iterations` must be a positive integer. "
                f"Received: power_iterations={power_iterations!r}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.power_iterations = int(power_iterations)
        self.kernel = None
        self.vector_u = None
        self._kernel_shape = None

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(
                f"{_LAYER}: the wrapped {type(self.layer).__name__} has no `kernel` nor "
                "`embeddings` weight to normalize. Wrap a layer such as Dense, Conv2D or "
                "Embedding."
            )
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        self.kernel = kernel  # tracked here too: Keras's weight order starts with it
        self._kernel_shape = tuple(kernel.shape)
        self.vector_u = self.add_weight(
            name="vector_u",
            shape=(1, self._kernel_shape[-1]),
            initializer=TruncatedNormal(stddev=0.02),
            dtype=kernel.dtype,
            trainable=False,
        )
        self.built = True

    def call(self, inputs, training=False):
        if training:
            vector_u, kernel = self.normalized_weights()
            self.vector_u.assign(vector_u)
            self.kernel.assign(kernel)
        return self.layer(inputs)

    def normalized_weights(self):
        """The power-method update: ``(new vector_u, kernel / sigma)`` (unchanged if zero)."""
        kernel = self.kernel.value
        weights = ops.reshape(kernel, (-1, self._kernel_shape[-1]))
        vector_u = self.vector_u.value
        for _ in range(self.power_iterations):
            vector_v = _l2_normalize(ops.matmul(vector_u, ops.transpose(weights)))
            vector_u = _l2_normalize(ops.matmul(vector_v, weights))
        vector_u = ops.stop_gradient(vector_u)
        vector_v = ops.stop_gradient(vector_v)
        sigma = ops.matmul(ops.matmul(vector_v, weights), ops.transpose(vector_u))
        # An all-zero kernel has sigma 0: keep both weights as they are.
        zero = ops.all(ops.equal(kernel, 0))
        sigma = ops.where(zero, ops.ones_like(sigma), sigma)
        vector_u = ops.where(zero, self.vector_u.value, vector_u)
        kernel = ops.reshape(ops.divide(weights, sigma), self._kernel_shape)
        return ops.cast(vector_u, self.vector_u.dtype), ops.cast(kernel, self.kernel.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def compute_output_spec(self, *args, **kwargs):
        return self.layer.compute_output_spec(*args)

    def get_config(self):
        config = {
            "layer": serialize_keras_object(self.layer),
            "power_iterations": self.power_iterations,
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), kind="layers")
        return cls(layer, **config)
