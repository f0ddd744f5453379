"""Argument checks shared by the dropout and noise layers (rate, stddev, seed)."""

from __future__ import annotations

import numbers

__all__ = ["check_rate", "check_seed"]


def check_rate(layer: str, rate, allow_one: bool = True, name: str = "rate"):
    """``rate`` if it is a number in ``[0, 1]`` (``[0, 1)`` without ``allow_one``), else
    ``ValueError`` naming ``layer`` and saying what was expected."""
    upper_ok = (lambda r: r <= 1) if allow_one else (lambda r: r < 1)
    if (
        isinstance(rate, bool)
        or not isinstance(rate, numbers.Real)
        or not (rate >= 0 and upper_ok(rate))
    ):
        interval = "[0, 1]" if allow_one else "[0, 1)"
        raise ValueError(
            f"{layer}: invalid value received for argument `{name}`. Expected a float in "
            f"{interval}. Received: {name}={rate!r}"
        )
    return rate if isinstance(rate, (int, float)) else float(rate)


def check_seed(layer: str, seed):
    """``seed`` if it is an int or ``None``, else ``ValueError`` naming ``layer``."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise ValueError(
            f"{layer}: `seed` must be an integer (for reproducible noise) or None. "
            f"Received: seed={seed!r}"
        )
    return None if seed is None else int(seed)
