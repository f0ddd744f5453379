"""``VarianceScaling`` and its named special cases (Glorot, He, LeCun; normal and uniform)."""

from __future__ import annotations

import math

from kcore import random
from kcore_layers.initializers.random import RandomInitializer

__all__ = [
    "compute_fans",
    "VarianceScaling",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "LecunNormal",
    "LecunUniform",
]

_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")
# The standard deviation of a unit normal truncated to [-2, 2]: dividing by it makes the
# truncated samples have the requested variance (Keras uses the same constant).
_TRUNCATED_STDDEV = 0.87962566103423978


def compute_fans(shape, input_axes=None, output_axes=None):
    """``(fan_in, fan_out)`` of a weight of ``shape``.

    With ``input_axes`` and ``output_axes`` the fans are the products of those dims; otherwise a
    2D shape is ``(in, out)`` and higher ranks are convolution kernels ``(*spatial, in, out)``.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[a] for a in input_axes), math.prod(shape[a] for a in output_axes)
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class VarianceScaling(RandomInitializer):
    """Scales its draws to the shape of the weight.

    With a normal distribution the standard deviation (after truncation, for
    ``"truncated_normal"``) is ``sqrt(scale / n)``; with ``"uniform"`` the values lie in
    ``[-limit, limit]`` with ``limit = sqrt(3 * scale / n)``. ``n`` is the fan-in, the fan-out or
    their average, per ``mode``.

    Args:
        scale: a positive scaling factor. Defaults to ``1.0``.
        mode: ``"fan_in"`` (default), ``"fan_out"`` or ``"fan_avg"``.
        distribution: ``"truncated_normal"`` (default; ``"normal"`` is accepted as an alias),
            ``"untruncated_normal"`` or ``"uniform"``.
        seed: an int (same values every call), a ``kcore.random.SeedGenerator`` or ``None``.
        input_axes: optional axes of the weight that count towards the fan-in.
        output_axes: optional axes of the weight that count towards the fan-out.

    Example::

        init = kcore.initializers.VarianceScaling(scale=0.1, distribution="uniform", seed=1)
        values = init(shape=(64, 32))
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        if not isinstance(scale, (int, float)) or isinstance(scale, bool) or scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale!r}")
        if mode not in _MODES:
            raise ValueError(
                f"Invalid `mode` argument: expected one of {_MODES}. Received: mode={mode!r}"
            )
        distribution = str(distribution).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(
                f"Invalid `distribution` argument: expected one of {_DISTRIBUTIONS}. "
                f"Received: distribution={distribution!r}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * scale)
            return random.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / _TRUNCATED_STDDEV
            return random.truncated_normal(shape, stddev=stddev, dtype=dtype, seed=self.seed)
        return random.normal(shape, stddev=math.sqrt(scale), dtype=dtype, seed=self.seed)

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling whose scale, mode and distribution are fixed by the subclass."""

    _settings: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, distribution = self._settings
        super().__init__(scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self):
        config = super().get_config()
        return {k: config[k] for k in ("seed", "input_axes", "output_axes")}


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform: ``U(-limit, limit)``, ``limit = sqrt(6 / (fan_in + fan_out))``.

    The default ``kernel_initializer`` of ``Dense`` and the convolution layers.

    Args:
        seed: an int (same values every call), a ``kcore.random.SeedGenerator`` or ``None``.
        input_axes: optional axes of the weight that count towards the fan-in.
        output_axes: optional axes of the weight that count towards the fan-out.

    Example::

        values = kcore.initializers.GlorotUniform(seed=1)(shape=(784, 512))
    """

    _settings = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal, ``stddev = sqrt(2 / (fan_in + fan_out))``.

    Args:
        seed: an int (same values every call), a ``kcore.random.SeedGenerator`` or ``None``.
        input_axes: optional axes of the weight that count towards the fan-in.
        output_axes: optional axes of the weight that count towards the fan-out.

    Example::

        values = kcore.initializers.GlorotNormal(seed=1)(shape=(784, 512))
    """

    _settings = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_FixedVarianceScaling):
    """He normal: truncated normal with ``stddev = sqrt(2 / fan_in)``.

    Args:
        seed: an int (same values every call), a ``kcore.random.SeedGenerator`` or ``None``.
        input_axes: optional axes of the weight that count towards the fan-in.
        output_axes: optional axes of the weight that count towards the fan-out.

    Example::

        values = kcore.initializers.HeNormal(seed=1)(shape=(784, 512))
    """

    _settings = (2.0, "fan_in", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """He uniform: ``U(-limit, limit)`` with ``limit = sqrt(6 / fan_in)``.

    Args:
        seed: an int (same values every call), a ``kcore.random.SeedGenerator`` or ``None``.
        input_axes: optional axes of the weight that count towards the fan-in.
        output_axes: optional axes of the weight that count towards the fan-out.

    Example::

        values = kcore.initializers.HeUniform(seed=1)(shape=(784, 512))
    """

    _settings = (2.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal: truncated normal with ``stddev = sqrt(1 / fan_in)`` (pair with ``selu``).

    Args:
        seed: an int (same values every call), a ``kcore.random.SeedGenerator`` or ``None``.
        input_axes: optional axes of the weight that count towards the fan-in.
        output_axes: optional axes of the weight that count towards the fan-out.

    Example::

        values = kcore.initializers.LecunNormal(seed=1)(shape=(784, 512))
    """

    _settings = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform: ``U(-limit, limit)`` with ``limit = sqrt(3 / fan_in)``.

    Args:
        seed: an int (same values every call), a ``kcore.random.SeedGenerator`` or ``None``.
        input_axes: optional axes of the weight that count towards the fan-in.
        output_axes: optional axes of the weight that count towards the fan-out.

    Example::

        values = kcore.initializers.LecunUniform(seed=1)(shape=(784, 512))
    """

    _settings = (1.0, "fan_in", "uniform")
