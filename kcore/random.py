"""``kcore.random``: random tensors with explicit seeds, Keras 3's signatures.

``seed`` may be an int (the same numbers every call), a :class:`SeedGenerator` (new numbers every
call, reproducible from its seed, usable under ``jax.jit`` because its state is a Variable), or
``None`` (a process-wide generator; see :func:`set_global_seed`). Numbers differ between backends
like Keras's; distributions, shapes and dtypes agree.
"""

from __future__ import annotations

import random as _pyrandom

from kcore.backend import _selection
from kcore.backend.dtypes import standardize_dtype

__all__ = [
    "SeedGenerator",
    "draw_seed",
    "set_global_seed",
    "normal",
    "uniform",
    "truncated_normal",
    "randint",
    "dropout",
    "shuffle",
    "categorical",
    "gamma",
    "binomial",
    "beta",
]


class SeedGenerator:
    """A stateful source of seeds.

    Args:
        seed: an int to make the sequence reproducible; ``None`` picks one at random.
        name: a name for its state variable.

    Example::

        gen = kcore.random.SeedGenerator(1337)
        a = kcore.random.normal((2,), seed=gen)
        b = kcore.random.normal((2,), seed=gen)  # different from a, same on every run
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is None:
            seed = _pyrandom.randint(1, 2**31 - 1)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(
                f"SeedGenerator: `seed` must be an int or None. Received: seed={seed!r}"
            )
        from kcore._variable import Variable

        self._initial_seed = seed
        self.name = name or "seed_generator"
        self.state = Variable(
            [seed % 2**32, 0],
            shape=(2,),
            dtype="uint32",
            trainable=False,
            name="seed_generator_state",
        )

    def next(self):
        """The current seed pair (a uint32 tensor of shape ``(2,)``), then advance the state."""
        from kcore import ops

        value = self.state.value
        self.state.assign(ops.add(value, ops.convert_to_tensor([0, 1], dtype="uint32")))
        return value

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_global_generator: SeedGenerator | None = None


def set_global_seed(seed: int) -> None:
    """Reseed the process-wide generator used by ``seed=None``."""
    global _global_generator
    _global_generator = SeedGenerator(seed)


def draw_seed(seed):
    """Turn a user ``seed`` argument into a uint32 tensor of shape ``(2,)``.

    Raises:
        ValueError: ``seed`` is not an int, a SeedGenerator or None.
    """
    from kcore import ops

    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None:
        global _global_generator
        if _global_generator is None:
            _global_generator = SeedGenerator()
        return _global_generator.next()
    if isinstance(seed, int) and not isinstance(seed, bool):
        return ops.convert_to_tensor([seed % 2**32, 0], dtype="uint32")
    if ops.is_tensor(seed):
        return ops.cast(seed, "uint32")
    raise ValueError(
        "Argument `seed` must be an int, a kcore.random.SeedGenerator or None. "
        f"Received: seed={seed!r}"
    )


def _impl(name):
    backend = _selection.get_backend()
    fn = backend.random.get(name)
    if fn is None:
        raise NotImplementedError(
            f"kcore.random.{name} is not implemented by the {backend.name!r} backend."
        )
    return fn


def _float_dtype(dtype, fn):
    dtype = standardize_dtype(dtype)
    if not dtype.startswith(("float", "bfloat")):
        raise ValueError(f"{fn}: `dtype` must be a float dtype. Received: dtype={dtype!r}")
    return dtype


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution."""
    return _impl("normal")(shape, mean, stddev, _float_dtype(dtype, "normal"), draw_seed(seed))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from a uniform distribution on ``[minval, maxval)``."""
    return _impl("uniform")(shape, minval, maxval, _float_dtype(dtype, "uniform"), draw_seed(seed))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples re-drawn when more than two standard deviations from the mean."""
    dtype = _float_dtype(dtype, "truncated_normal")
    return _impl("truncated_normal")(shape, mean, stddev, dtype, draw_seed(seed))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers uniformly drawn from ``[minval, maxval)``."""
    dtype = standardize_dtype(dtype)
    if "int" not in dtype:
        raise ValueError(f"randint: `dtype` must be an integer dtype. Received: dtype={dtype!r}")
    return _impl("randint")(shape, minval, maxval, dtype, draw_seed(seed))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each element with probability ``rate`` and scale the rest by ``1 / (1 - rate)``."""
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: `rate` must be in [0, 1). Received: rate={rate!r}")
    return _impl("dropout")(inputs, rate, noise_shape, draw_seed(seed))


def shuffle(x, axis=0, seed=None):
    """A random permutation of ``x`` along ``axis``."""
    return _impl("shuffle")(x, axis, draw_seed(seed))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draw ``num_samples`` class indices per row of ``logits`` (shape ``(batch, classes)``)."""
    return _impl("categorical")(logits, num_samples, standardize_dtype(dtype), draw_seed(seed))


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples from a gamma distribution with concentration ``alpha``."""
    return _impl("gamma")(shape, alpha, _float_dtype(dtype, "gamma"), draw_seed(seed))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Samples from a binomial distribution."""
    dtype = _float_dtype(dtype, "binomial")
    return _impl("binomial")(shape, counts, probabilities, dtype, draw_seed(seed))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples from a beta distribution."""
    return _impl("beta")(shape, alpha, beta, _float_dtype(dtype, "beta"), draw_seed(seed))
