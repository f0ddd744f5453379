"""Hinge metrics: running means of the hinge losses."""

from __future__ import annotations

from kcore_optim.losses import hinge as hinge_losses
from kcore_optim.metrics.reduction_metrics import MeanMetricWrapper

__all__ = ["CategoricalHinge", "Hinge", "SquaredHinge"]


class _HingeMean(MeanMetricWrapper):
    _direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class Hinge(_HingeMean):
    """The running mean hinge loss; ``name`` defaults to ``"hinge"``."""

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge_losses.hinge, name=name, dtype=dtype)


class SquaredHinge(_HingeMean):
    """The running mean squared hinge loss; ``name`` defaults to ``"squared_hinge"``."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(hinge_losses.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(_HingeMean):
    """The running mean categorical hinge loss; ``name`` defaults to ``"categorical_hinge"``."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(hinge_losses.categorical_hinge, name=name, dtype=dtype)
