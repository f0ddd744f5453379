"""``Lion``: evolved sign momentum (Chen et al., 2023)."""

from __future__ import annotations

from kcore import ops
from kcore_optim.optimizers.base_optimizer import Optimizer

__all__ = ["Lion"]


class Lion(Optimizer):
    """The Lion optimizer: steps of uniform magnitude along the sign of an interpolated momentum.

    ``w = w - lr * sign(beta_1 * m + (1 - beta_1) * g)`` then
    ``m = beta_2 * m + (1 - beta_2) * g``. Its updates are larger than Adam's, so it usually
    wants a 3-10x smaller learning rate.

    Args:
        learning_rate: a float, a schedule or a callable; defaults to ``0.001``.
        beta_1: the interpolation factor of the update direction, in ``(0, 1]``.
        beta_2: the decay rate of the momentum.
        **kwargs: the base ``Optimizer`` arguments (``weight_decay``, ``clipnorm``,
            ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``).

    Example::

        optimizer = kcore.optimizers.Lion(learning_rate=1e-4, weight_decay=0.01)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1}."
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        m = self._momentums[self._get_variable_index(variable)]
        direction = ops.sign(
            ops.add(
                ops.multiply(m.value, beta_1), ops.multiply(gradient, ops.subtract(1.0, beta_1))
            )
        )
        variable.assign(ops.subtract(variable.value, ops.multiply(lr, direction)))
        m.assign(
            ops.add(
                ops.multiply(m.value, beta_2), ops.multiply(gradient, ops.subtract(1.0, beta_2))
            )
        )

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
