"""``Adam``: adaptive moment estimation (Kingma & Ba, 2014)."""

from __future__ import annotations

from kcore import ops
from kcore_optim.optimizers.base_optimizer import Optimizer

__all__ = ["Adam"]


class Adam(Optimizer):
    """The Adam optimizer: per-coordinate steps from bias-corrected first and second moments.

    ``m = m + (g - m) * (1 - beta_1)``, ``v = v + (g**2 - v) * (1 - beta_2)``,
    ``w = w - lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (sqrt(v) + epsilon)``; with
    ``amsgrad`` the running maximum of ``v`` replaces ``v``.

    Args:
        learning_rate: a float, a schedule or a callable; defaults to ``0.001``.
        beta_1: the decay rate of the first moment estimates.
        beta_2: the decay rate of the second moment estimates.
        epsilon: a small constant for numerical stability (the "epsilon hat" of the paper).
        amsgrad: whether to use the AMSGrad variant (Reddi et al., 2018).
        **kwargs: the base ``Optimizer`` arguments (``weight_decay``, ``clipnorm``,
            ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``).

    Example::

        optimizer = kcore.optimizers.Adam(learning_rate=3e-4, amsgrad=True)
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        name=None,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = self._local_step(dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), step)
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), step)
        alpha = ops.divide(ops.multiply(lr, ops.sqrt(1 - beta_2_power)), 1 - beta_1_power)

        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        m_value = ops.add(m.value, ops.multiply(ops.subtract(gradient, m.value), 1 - self.beta_1))
        v_value = ops.add(
            v.value, ops.multiply(ops.subtract(ops.square(gradient), v.value), 1 - self.beta_2)
        )
        m.assign(m_value)
        v.assign(v_value)
        if self.amsgrad:
            v_hat = self._velocity_hats[index]
            v_value = ops.maximum(v_hat.value, v_value)
            v_hat.assign(v_value)
        update = ops.divide(ops.multiply(m_value, alpha), ops.add(ops.sqrt(v_value), self.epsilon))
        variable.assign(ops.subtract(variable.value, update))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return config
