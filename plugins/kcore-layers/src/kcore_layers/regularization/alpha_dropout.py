"""``AlphaDropout``: dropout that keeps the mean and variance of SELU activations."""

from __future__ import annotations

from kcore import Layer, ops, random
from kcore_layers.regularization.base_noise import check_rate, check_seed
from kcore_layers.regularization.dropout import _validate_noise_shape

__all__ = ["AlphaDropout"]

# SELU's constants: a dropped unit is set to SELU's negative saturation value -scale * alpha.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SATURATION = -_SELU_ALPHA * _SELU_SCALE


class AlphaDropout(Layer):
    """Applies Alpha Dropout: a dropout that keeps the inputs' mean and variance.

    In training, each unit is set with probability ``rate`` to SELU's negative saturation
    value ``-1.7581``, then the result goes through the affine map ``a * x + b`` that restores
    zero mean and unit variance for zero-mean, unit-variance inputs. It fits layers with the
    ``selu`` activation (self-normalizing networks). Otherwise the layer returns its input.

    Args:
        rate: float in ``[0, 1)``, the drop probability. (``rate=1`` drops everything and
            makes ``a`` infinite; Keras 3 accepts it and fails when training, kcore refuses it
            here.)
        noise_shape: shape of the drop mask, broadcast against the input; ``None`` entries
            take the input's size: with inputs ``(batch, timesteps, features)``,
            ``(None, 1, None)`` drops the same features at every timestep.
        seed: an int to make the masks reproducible.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        inputs: a tensor of any rank.
        training: whether to drop (``True``) or pass the input through.

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example::

        inputs = kcore.Input(shape=(64,))
        x = kcore.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")(inputs)
        x = kcore.layers.AlphaDropout(0.1)(x)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        rate = check_rate("AlphaDropout", rate, allow_one=False)
        noise_shape = _validate_noise_shape(noise_shape)
        seed = check_seed("AlphaDropout", seed)
        super().__init__(**kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        # Affine correction: for inputs of mean 0 and variance 1, a * x + b has mean 0 and
        # variance 1 again.
        self._a = ((1 - rate) * (1 + rate * _SATURATION**2)) ** -0.5
        self._b = -self._a * _SATURATION * rate
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        shape = ops.shape(inputs)
        noise_shape = self.noise_shape
        if noise_shape is None:
            noise_shape = shape
        elif None in noise_shape:
            noise_shape = tuple(shape[i] if d is None else d for i, d in enumerate(noise_shape))
        dtype = ops.dtype(inputs)
        kept = ops.greater_equal(random.uniform(noise_shape, seed=self.seed_generator), self.rate)
        kept = ops.cast(kept, dtype)
        x = ops.add(ops.multiply(inputs, kept), ops.multiply(ops.subtract(1.0, kept), _SATURATION))
        return ops.add(ops.multiply(x, self._a), self._b)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
        return {**super().get_config(), **config}
