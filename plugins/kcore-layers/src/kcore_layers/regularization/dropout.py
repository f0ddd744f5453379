"""``Dropout``: randomly zeroes inputs during training."""

from __future__ import annotations

from kcore import Layer, ops, random

__all__ = ["Dropout"]


def _validate_noise_shape(noise_shape):
    if noise_shape is None:
        return None
    if isinstance(noise_shape, str) or not hasattr(noise_shape, "__iter__"):
        raise ValueError(
            "Invalid value received for argument `noise_shape`. Expected a tuple or list of "
            f"integers. Received: noise_shape={noise_shape!r}"
        )
    noise_shape = tuple(noise_shape)
    for i, dim in enumerate(noise_shape):
        if dim is not None and (isinstance(dim, bool) or not isinstance(dim, int) or dim <= 0):
            raise ValueError(
                "Invalid value received for argument `noise_shape`. Expected positive integers "
                f"or None. Received: noise_shape={noise_shape!r} (element {i} is {dim!r})"
            )
    return noise_shape


class Dropout(Layer):
    """Applies dropout to the input.

    During training (``training=True``, as in ``fit``) each input unit is set to 0 with
    probability ``rate`` and the others are scaled by ``1 / (1 - rate)`` so the expected sum is
    unchanged. Otherwise (inference, ``predict``, ``training`` unset) it returns the input.

    Args:
        rate: float in ``[0, 1]``, the fraction of the input units to drop.
        noise_shape: shape of the binary dropout mask, broadcast against the input; e.g. with
            inputs ``(batch, timesteps, features)``, ``(batch, 1, features)`` drops the same
            features at every timestep. ``None`` entries take the input's size.
        seed: an int to make the dropout masks reproducible.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        inputs: a tensor of any rank.
        training: whether to drop (``True``) or pass the input through.

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example::

        layer = kcore.layers.Dropout(0.2, seed=1)
        outputs = layer(np.ones((2, 5), "float32"), training=True)  # 0.0 or 1.25 everywhere
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a float value between 0 "
                f"and 1. Received: rate={rate!r}"
            )
        self.rate = rate
        self.seed = seed
        self.noise_shape = _validate_noise_shape(noise_shape)
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return ops.zeros_like(inputs)
        noise_shape = self.noise_shape
        if noise_shape is not None and None in noise_shape:
            shape = ops.shape(inputs)
            noise_shape = tuple(shape[i] if d is None else d for i, d in enumerate(noise_shape))
        return random.dropout(inputs, self.rate, noise_shape=noise_shape, seed=self.seed_generator)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
        return {**super().get_config(), **config}
