"""``kcore.random`` on torch: every draw uses a fresh ``torch.Generator`` seeded from ``seed``.

``seed`` arrives from :func:`kcore.random.draw_seed` as a length-2 integer tensor ``[key,
counter]`` (uint32 values stored as int64, see ``_convert``). Both words are mixed with
SplitMix64 into one 64-bit generator seed, so consecutive counters give unrelated streams and the
same seed always gives the same numbers. The global torch RNG is never touched.
"""

from __future__ import annotations

import torch

from kcore_backend_torch._convert import (
    Tensor,
    floatx_torch,
    shape_tuple,
    to_float,
    to_tensor,
    to_torch_dtype,
)

_MASK64 = (1 << 64) - 1


def _splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def generator_from_seed(seed) -> torch.Generator:
    """A CPU ``torch.Generator`` determined by ``seed`` (an int, a (2,) tensor, or None)."""
    gen = torch.Generator()
    if seed is None:
        gen.seed()
        return gen
    if isinstance(seed, int):
        words = (seed & 0xFFFFFFFF, 0)
    else:
        values = seed.tolist() if isinstance(seed, Tensor) else list(seed)
        words = (int(values[0]) & 0xFFFFFFFF, int(values[1]) & 0xFFFFFFFF)
    mixed = _splitmix64((words[0] << 32) | words[1])
    # torch's CPU generator keeps 64 bits; fold in both halves so no entropy is lost.
    gen.manual_seed(mixed & 0x7FFFFFFFFFFFFFFF)
    return gen


def _compute_dtype(dtype) -> torch.dtype:
    td = floatx_torch() if dtype is None else to_torch_dtype(dtype)
    return torch.float64 if td == torch.float64 else torch.float32


def _finish(x, dtype):
    td = floatx_torch() if dtype is None else to_torch_dtype(dtype)
    return x.to(td)


def _scalar_or_tensor(v, dtype):
    if isinstance(v, (int, float)):
        return v
    return to_tensor(v).to(dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples."""
    cd = _compute_dtype(dtype)
    gen = generator_from_seed(seed)
    z = torch.randn(shape_tuple(shape), generator=gen, dtype=cd)
    return _finish(z * _scalar_or_tensor(stddev, cd) + _scalar_or_tensor(mean, cd), dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform samples on ``[minval, maxval)``."""
    cd = _compute_dtype(dtype)
    gen = generator_from_seed(seed)
    u = torch.rand(shape_tuple(shape), generator=gen, dtype=cd)
    lo = _scalar_or_tensor(minval, cd)
    hi = _scalar_or_tensor(maxval, cd)
    return _finish(u * (hi - lo) + lo, dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples, re-drawn while more than two standard deviations from the mean."""
    cd = _compute_dtype(dtype)
    gen = generator_from_seed(seed)
    shape = shape_tuple(shape)
    z = torch.randn(shape, generator=gen, dtype=cd)
    bad = torch.abs(z) > 2.0
    while bool(bad.any()):
        z = torch.where(bad, torch.randn(shape, generator=gen, dtype=cd), z)
        bad = torch.abs(z) > 2.0
    return _finish(z * _scalar_or_tensor(stddev, cd) + _scalar_or_tensor(mean, cd), dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers uniformly drawn from ``[minval, maxval)``."""
    gen = generator_from_seed(seed)
    lo = int(minval.item() if isinstance(minval, Tensor) else minval)
    hi = int(maxval.item() if isinstance(maxval, Tensor) else maxval)
    out = torch.randint(lo, hi, shape_tuple(shape), generator=gen, dtype=torch.int64)
    return out.to(to_torch_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero elements with probability ``rate``; scale the rest by ``1 / (1 - rate)``."""
    x = to_float(inputs)
    if rate == 0:
        return x
    if noise_shape is None:
        shape = tuple(x.shape)
    else:
        shape = tuple(x.shape[i] if d is None else int(d) for i, d in enumerate(noise_shape))
    gen = generator_from_seed(seed)
    keep = torch.rand(shape, generator=gen) >= rate
    return torch.where(keep, x / (1.0 - rate), torch.zeros((), dtype=x.dtype))


def shuffle(x, axis=0, seed=None):
    """A random permutation of ``x`` along ``axis``."""
    x = to_tensor(x)
    gen = generator_from_seed(seed)
    perm = torch.randperm(x.shape[axis], generator=gen)
    return torch.index_select(x, axis, perm)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """``num_samples`` class ids per row of ``logits`` ``(batch, classes)``."""
    logits = to_float(logits)
    if logits.ndim != 2:
        raise ValueError(
            f"categorical: `logits` must be 2-D (batch, classes), received shape "
            f"{tuple(logits.shape)}."
        )
    gen = generator_from_seed(seed)
    probs = torch.softmax(logits.to(torch.float64), dim=-1)
    out = torch.multinomial(probs, int(num_samples), replacement=True, generator=gen)
    return out.to(to_torch_dtype(dtype))


def _standard_gamma(alpha, gen, cd):
    """Marsaglia-Tsang gamma sampling with an explicit generator (torch's has none)."""
    boost = alpha < 1
    a = torch.where(boost, alpha + 1, alpha)
    d = a - 1.0 / 3.0
    c = 1.0 / torch.sqrt(9.0 * d)
    out = torch.zeros_like(a)
    pending = torch.ones_like(a, dtype=torch.bool)
    while bool(pending.any()):
        x = torch.randn(a.shape, generator=gen, dtype=cd)
        v = (1 + c * x) ** 3
        u = torch.rand(a.shape, generator=gen, dtype=cd)
        ok = (v > 0) & (
            torch.log(u) < 0.5 * x * x + d - d * v + d * torch.log(torch.clamp(v, min=1e-30))
        )
        accept = pending & ok
        out = torch.where(accept, d * v, out)
        pending = pending & ~ok
    if bool(boost.any()):
        u = torch.rand(a.shape, generator=gen, dtype=cd)
        out = torch.where(boost, out * u ** (1.0 / alpha), out)
    return out


def gamma(shape, alpha, dtype=None, seed=None):
    """Gamma samples with concentration ``alpha`` (scale 1)."""
    cd = _compute_dtype(dtype)
    gen = generator_from_seed(seed)
    shape = shape_tuple(shape)
    a = torch.broadcast_to(to_tensor(alpha).to(cd), shape)
    return _finish(_standard_gamma(a, gen, cd), dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Beta samples as ``X / (X + Y)`` with ``X ~ Gamma(alpha)``, ``Y ~ Gamma(beta)``."""
    cd = _compute_dtype(dtype)
    gen = generator_from_seed(seed)
    shape = shape_tuple(shape)
    a = torch.broadcast_to(to_tensor(alpha).to(cd), shape)
    b = torch.broadcast_to(to_tensor(beta).to(cd), shape)
    x = _standard_gamma(a, gen, cd)
    y = _standard_gamma(b, gen, cd)
    return _finish(x / (x + y), dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Binomial samples (number of successes in ``counts`` trials)."""
    cd = _compute_dtype(dtype)
    gen = generator_from_seed(seed)
    shape = shape_tuple(shape)
    n = torch.broadcast_to(to_tensor(counts).to(cd), shape).contiguous()
    p = torch.broadcast_to(to_tensor(probabilities).to(cd), shape).contiguous()
    return _finish(torch.binomial(n, p, generator=gen), dtype)


RANDOM_OPS = {
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
