"""``GaussianNoise``: adds zero-centered Gaussian noise during training."""

from __future__ import annotations

from kcore import Layer, ops, random
from kcore_layers.regularization.base_noise import check_rate, check_seed

__all__ = ["GaussianNoise"]


class GaussianNoise(Layer):
    """Adds zero-centered Gaussian noise with standard deviation ``stddev`` during training.

    Useful against overfitting (a form of random data augmentation on real-valued inputs). As
    a regularization layer it is only active in training (``training=True``, as in ``fit``);
    otherwise it returns its input.

    Args:
        stddev: float in ``[0, 1]`` (Keras 3's bound), the standard deviation of the noise.
        seed: an int to make the noise reproducible.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        inputs: a tensor of any rank.
        training: whether to add noise (``True``) or pass the input through.

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example::

        layer = kcore.layers.GaussianNoise(0.1, seed=1)
        y = layer(np.zeros((2, 3), "float32"), training=True)  # values ~ N(0, 0.1**2)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        stddev = check_rate("GaussianNoise", stddev, name="stddev")
        seed = check_seed("GaussianNoise", seed)
        super().__init__(**kwargs)
        self.stddev = stddev
        self.seed = seed
        if stddev > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = random.normal(
            ops.shape(inputs),
            mean=0.0,
            stddev=self.stddev,
            dtype=self.compute_dtype,
            seed=self.seed_generator,
        )
        return ops.add(inputs, noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
