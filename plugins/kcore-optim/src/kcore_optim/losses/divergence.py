"""``KLDivergence`` and ``Poisson`` loss classes."""

from __future__ import annotations

from kcore_optim.losses import probabilistic
from kcore_optim.losses.loss import LossFunctionWrapper

__all__ = ["KLDivergence", "Poisson"]


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))``.

    Both inputs are clipped to ``[epsilon, 1]``. Arguments as
    :class:`~kcore_optim.losses.loss.Loss`; ``name`` defaults to ``"kl_divergence"``.
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(probabilistic.kl_divergence, reduction, name, dtype)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}


class Poisson(LossFunctionWrapper):
    """Poisson loss ``mean(y_pred - y_true * log(y_pred))``, for count targets.

    Arguments as :class:`~kcore_optim.losses.loss.Loss`; ``name`` defaults to ``"poisson"``.
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(probabilistic.poisson, reduction, name, dtype)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}
