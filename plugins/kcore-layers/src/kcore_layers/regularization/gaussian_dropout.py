"""``GaussianDropout``: multiplies inputs by 1-centered Gaussian noise during training."""

from __future__ import annotations

import math

from kcore import Layer, ops, random
from kcore_layers.regularization.base_noise import check_rate, check_seed

__all__ = ["GaussianDropout"]


class GaussianDropout(Layer):
    """Multiplies the inputs by 1-centered Gaussian noise during training.

    The noise has standard deviation ``sqrt(rate / (1 - rate))``, the variance a ``Dropout``
    of the same ``rate`` adds. Only active in training (``training=True``, as in ``fit``);
    otherwise the layer returns its input.

    Args:
        rate: float in ``[0, 1)``, the drop probability of the equivalent ``Dropout``.
            (``rate=1`` would make the noise infinite; Keras 3 accepts it and fails when
            training, kcore refuses it here.)
        seed: an int to make the noise reproducible.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        inputs: a tensor of any rank.
        training: whether to apply the noise (``True``) or pass the input through.

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example::

        layer = kcore.layers.GaussianDropout(0.2, seed=1)
        y = layer(np.ones((2, 3), "float32"), training=True)  # values ~ N(1, 0.25)
    """

    def __init__(self, rate, seed=None, **kwargs):
        rate = check_rate("GaussianDropout", rate, allow_one=False)
        seed = check_seed("GaussianDropout", seed)
        super().__init__(**kwargs)
        self.rate = rate
        self.seed = seed
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self._stddev = math.sqrt(rate / (1.0 - rate))
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        noise = random.normal(
            ops.shape(inputs),
            mean=1.0,
            stddev=self._stddev,
            dtype=self.compute_dtype,
            seed=self.seed_generator,
        )
        return ops.multiply(inputs, noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
