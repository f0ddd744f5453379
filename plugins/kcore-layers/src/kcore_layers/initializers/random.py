"""Seeded random initializers: ``RandomNormal``, ``RandomUniform``, ``TruncatedNormal``.

Seeds, as in Keras 3: an int gives the same values on every call (reproducible); a
``kcore.random.SeedGenerator`` gives new values on every call, reproducibly; ``None`` draws fresh
values from kcore's global generator on every call (see the package README for why this differs
from Keras 3, which fixes a random seed when the initializer is created).
"""

from __future__ import annotations

from kcore import random
from kcore.saving import serialize_keras_object
from kcore_layers.initializers.base import Initializer

__all__ = ["RandomInitializer", "RandomNormal", "RandomUniform", "TruncatedNormal"]


def _standardize_seed(seed):
    if isinstance(seed, dict) and seed.get("class_name") == "SeedGenerator":
        return random.SeedGenerator(**(seed.get("config") or {}))
    if seed is None or isinstance(seed, random.SeedGenerator):
        return seed
    if isinstance(seed, int) and not isinstance(seed, bool):
        return seed
    raise ValueError(
        "`seed` argument should be an instance of `kcore.random.SeedGenerator` or an integer. "
        f"Received: seed={seed!r}"
    )


class RandomInitializer(Initializer):
    """Base class of initializers that draw random values.

    Args:
        seed: an int, a ``kcore.random.SeedGenerator`` or ``None``.
    """

    def __init__(self, seed=None):
        self.seed = _standardize_seed(seed)

    def get_config(self):
        seed = self.seed
        if isinstance(seed, random.SeedGenerator):
            seed = {"class_name": "SeedGenerator", "config": seed.get_config()}
        return {"seed": serialize_keras_object(seed)}


class RandomNormal(RandomInitializer):
    """Samples from a normal distribution.

    Args:
        mean: the mean of the values. Defaults to ``0.0``.
        stddev: the standard deviation. Defaults to ``0.05``.
        seed: an int (same values every call), a ``kcore.random.SeedGenerator`` or ``None``.

    Example::

        init = kcore.initializers.RandomNormal(mean=0.0, stddev=1.0, seed=1)
        values = init(shape=(2, 2))
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.normal(shape, mean=self.mean, stddev=self.stddev, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Samples from a normal distribution, redrawing values more than two ``stddev`` from ``mean``.

    Args:
        mean: the mean of the values. Defaults to ``0.0``.
        stddev: the standard deviation before truncation. Defaults to ``0.05``.
        seed: an int (same values every call), a ``kcore.random.SeedGenerator`` or ``None``.

    Example::

        values = kcore.initializers.TruncatedNormal(stddev=1.0, seed=1)(shape=(2, 2))
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.truncated_normal(
            shape, mean=self.mean, stddev=self.stddev, dtype=dtype, seed=self.seed
        )

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Samples uniformly from ``[minval, maxval)``.

    Args:
        minval: the lower bound (inclusive). Defaults to ``-0.05``.
        maxval: the upper bound (exclusive). Defaults to ``0.05``.
        seed: an int (same values every call), a ``kcore.random.SeedGenerator`` or ``None``.

    Example::

        values = kcore.initializers.RandomUniform(-1.0, 1.0, seed=1)(shape=(2, 2))
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.uniform(
            shape, minval=self.minval, maxval=self.maxval, dtype=dtype, seed=self.seed
        )

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}
