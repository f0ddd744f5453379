"""``Adamax``: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from kcore import ops
from kcore_optim.optimizers.base_optimizer import Optimizer

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """The Adamax optimizer (section 7 of the Adam paper).

    ``m = m + (g - m) * (1 - beta_1)``, ``u = max(beta_2 * u, |g|)`` and
    ``w = w - lr * m / ((1 - beta_1**t) * (u + epsilon))``.

    Args:
        learning_rate: a float, a schedule or a callable; defaults to ``0.001``.
        beta_1: the decay rate of the first moment estimates.
        beta_2: the decay rate of the exponentially weighted infinity norm.
        epsilon: a small constant for numerical stability.
        **kwargs: the base ``Optimizer`` arguments (``weight_decay``, ``clipnorm``,
            ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``).

    Example::

        optimizer = kcore.optimizers.Adamax(learning_rate=2e-3)
    """

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs
    ):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), self._local_step(dtype))
        index = self._get_variable_index(variable)
        m, u = self._m[index], self._u[index]

        new_m = ops.add(m.value, ops.multiply(ops.subtract(gradient, m.value), 1 - self.beta_1))
        new_u = ops.maximum(ops.multiply(self.beta_2, u.value), ops.abs(gradient))
        m.assign(new_m)
        u.assign(new_u)
        update = ops.divide(
            ops.multiply(lr, new_m), ops.multiply(1 - beta_1_power, ops.add(new_u, self.epsilon))
        )
        variable.assign(ops.subtract(variable.value, update))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
