"""``kcore.random`` on TensorFlow: stateless ``tf.random.stateless_*`` ops keyed by the seed.

Each function receives ``seed`` as a length-2 uint32 tensor (see :func:`kcore.random.draw_seed`).
"""

from __future__ import annotations

import tensorflow as tf

from kcore_backend_tf._utils import convert, tf_dtype

__all__ = ["TABLE"]


def _seed(seed):
    return tf.cast(convert(seed), tf.int64)


def _shape(shape):
    if isinstance(shape, int):
        return [shape]
    return list(shape) if not isinstance(shape, tf.Tensor) else shape


def normal(shape, mean, stddev, dtype, seed):
    """Normal samples."""
    return tf.random.stateless_normal(_shape(shape), _seed(seed), mean, stddev, tf_dtype(dtype))


def uniform(shape, minval, maxval, dtype, seed):
    """Uniform samples on ``[minval, maxval)``."""
    dt = tf_dtype(dtype)
    return tf.random.stateless_uniform(
        _shape(shape), _seed(seed), tf.cast(minval, dt), tf.cast(maxval, dt), dt
    )


def truncated_normal(shape, mean, stddev, dtype, seed):
    """Normal samples within two standard deviations of the mean."""
    return tf.random.stateless_truncated_normal(
        _shape(shape), _seed(seed), mean, stddev, tf_dtype(dtype)
    )


def randint(shape, minval, maxval, dtype, seed):
    """Integers uniformly drawn from ``[minval, maxval)``."""
    dt = tf_dtype(dtype)
    work = dt if dt in (tf.int32, tf.int64) else tf.int64
    out = tf.random.stateless_uniform(
        _shape(shape), _seed(seed), tf.cast(minval, work), tf.cast(maxval, work), work
    )
    return tf.cast(out, dt)


def dropout(inputs, rate, noise_shape, seed):
    """Zero elements with probability ``rate``; scale the kept ones by ``1 / (1 - rate)``."""
    x = convert(inputs)
    if not x.dtype.is_floating:
        x = tf.cast(x, tf.float32)
    if noise_shape is None:
        noise_shape = tf.shape(x)
    else:
        dims = tf.shape(x)
        noise_shape = tf.stack(
            [dims[i] if d is None else tf.constant(int(d)) for i, d in enumerate(noise_shape)]
        )
    keep = tf.random.stateless_uniform(noise_shape, _seed(seed), dtype=tf.float32) >= rate
    scale = tf.cast(1.0 / (1.0 - rate), x.dtype)
    return tf.where(keep, x * scale, tf.zeros_like(x))


def shuffle(x, axis, seed):
    """A random permutation of ``x`` along ``axis``."""
    x = convert(x)
    n = tf.shape(x)[axis]
    keys = tf.random.stateless_uniform([n], _seed(seed), dtype=tf.float32)
    return tf.gather(x, tf.argsort(keys), axis=axis)


def categorical(logits, num_samples, dtype, seed):
    """``num_samples`` class indices per row of ``logits``."""
    logits = convert(logits)
    dt = tf_dtype(dtype)
    work = dt if dt in (tf.int32, tf.int64) else tf.int64
    out = tf.random.stateless_categorical(logits, num_samples, _seed(seed), dtype=work)
    return tf.cast(out, dt)


def gamma(shape, alpha, dtype, seed):
    """Gamma samples with concentration ``alpha``."""
    dt = tf_dtype(dtype)
    work = tf.float32 if dt in (tf.float16, tf.bfloat16) else dt
    out = tf.random.stateless_gamma(
        _shape(shape), _seed(seed), alpha=tf.cast(alpha, work), dtype=work
    )
    return tf.cast(out, dt)


def binomial(shape, counts, probabilities, dtype, seed):
    """Binomial samples."""
    dt = tf_dtype(dtype)
    work = tf.float32 if dt in (tf.float16, tf.bfloat16) else dt
    out = tf.random.stateless_binomial(
        _shape(shape),
        _seed(seed),
        counts=tf.cast(convert(counts), work),
        probs=tf.cast(convert(probabilities), work),
        output_dtype=work,
    )
    return tf.cast(out, dt)


def beta(shape, alpha, beta, dtype, seed):
    """Beta samples, as ``g1 / (g1 + g2)`` of two gamma draws."""
    dt = tf_dtype(dtype)
    work = tf.float32 if dt in (tf.float16, tf.bfloat16) else dt
    seeds = tf.random.experimental.stateless_split(_seed(seed), 2)
    g1 = tf.random.stateless_gamma(
        _shape(shape), seeds[0], alpha=tf.cast(convert(alpha), work), dtype=work
    )
    g2 = tf.random.stateless_gamma(
        _shape(shape), seeds[1], alpha=tf.cast(convert(beta), work), dtype=work
    )
    return tf.cast(g1 / (g1 + g2), dt)


TABLE = {
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
