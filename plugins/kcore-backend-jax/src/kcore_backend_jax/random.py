"""``kcore.random`` on jax: stateless ``jax.random`` draws keyed by kcore's seed pair.

Every function receives ``seed`` as a uint32 array of shape ``(2,)`` (drawn by
``kcore.random.draw_seed``); it is wrapped as threefry key data, so the same seed gives the same
numbers, eagerly and under ``jax.jit``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from kcore_backend_jax._common import _t, _tt, jdtype

__all__ = ["RANDOM"]


def _key(seed):
    seed = _tt(seed)
    if seed.dtype != jnp.uint32:
        seed = seed.astype(jnp.uint32)
    if seed.shape != (2,):
        raise ValueError(f"kcore.random: `seed` must have shape (2,). Received: {seed.shape}")
    return jax.random.wrap_key_data(seed, impl="threefry2x32")


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(int(d) for d in shape)


def normal(shape, mean, stddev, dtype, seed):
    """Samples from ``N(mean, stddev**2)``."""
    dtype = jdtype(dtype)
    return jax.random.normal(_key(seed), _shape(shape), dtype) * stddev + mean


def uniform(shape, minval, maxval, dtype, seed):
    """Samples from ``U[minval, maxval)``."""
    dtype = jdtype(dtype)
    return jax.random.uniform(_key(seed), _shape(shape), dtype, _t(minval), _t(maxval))


def truncated_normal(shape, mean, stddev, dtype, seed):
    """Normal samples truncated to two standard deviations."""
    dtype = jdtype(dtype)
    sample = jax.random.truncated_normal(_key(seed), -2.0, 2.0, _shape(shape), dtype)
    return sample * stddev + mean


def randint(shape, minval, maxval, dtype, seed):
    """Integers from ``[minval, maxval)``."""
    return jax.random.randint(_key(seed), _shape(shape), _t(minval), _t(maxval), jdtype(dtype))


def dropout(inputs, rate, noise_shape, seed):
    """Zero elements with probability ``rate``; scale the rest by ``1 / (1 - rate)``."""
    inputs = _tt(inputs)
    if noise_shape is None:
        noise_shape = inputs.shape
    else:
        noise_shape = tuple(inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    keep = jax.random.bernoulli(_key(seed), 1.0 - rate, noise_shape)
    keep = jnp.broadcast_to(keep, inputs.shape)
    return jnp.where(keep, inputs / (1.0 - rate), jnp.zeros_like(inputs))


def shuffle(x, axis, seed):
    """A random permutation of ``x`` along ``axis``."""
    return jax.random.permutation(_key(seed), _tt(x), axis=axis, independent=False)


def categorical(logits, num_samples, dtype, seed):
    """``num_samples`` class draws per row of ``logits`` ``(batch, classes)``."""
    logits = _tt(logits)
    if logits.ndim != 2:
        raise ValueError(
            f"categorical: `logits` must be 2-D (batch, classes). Received: {logits.shape}"
        )
    draws = jax.random.categorical(
        _key(seed), logits, axis=-1, shape=(int(num_samples), logits.shape[0])
    )
    return draws.T.astype(jdtype(dtype))


def gamma(shape, alpha, dtype, seed):
    """Samples from ``Gamma(alpha, 1)``."""
    dtype = jdtype(dtype)
    return jax.random.gamma(_key(seed), _t(alpha), _shape(shape), dtype)


def binomial(shape, counts, probabilities, dtype, seed):
    """Samples from ``Binomial(counts, probabilities)``."""
    dtype = jdtype(dtype)
    counts = jnp.asarray(_t(counts), dtype)
    probabilities = jnp.asarray(_t(probabilities), dtype)
    return jax.random.binomial(_key(seed), counts, probabilities, _shape(shape), dtype)


def beta(shape, alpha, beta, dtype, seed):
    """Samples from ``Beta(alpha, beta)``."""
    dtype = jdtype(dtype)
    return jax.random.beta(_key(seed), _t(alpha), _t(beta), _shape(shape), dtype)


RANDOM = {
    "normal": normal,
    "uniform": uniform,
    "truncated_normal": truncated_normal,
    "randint": randint,
    "dropout": dropout,
    "shuffle": shuffle,
    "categorical": categorical,
    "gamma": gamma,
    "binomial": binomial,
    "beta": beta,
}
