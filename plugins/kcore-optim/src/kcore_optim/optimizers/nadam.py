"""``Nadam``: Adam with Nesterov momentum (Dozat, 2016)."""

from __future__ import annotations

from kcore import ops
from kcore.backend import floatx
from kcore_optim.optimizers.base_optimizer import Optimizer

__all__ = ["Nadam"]


class Nadam(Optimizer):
    """The Nadam optimizer: Adam whose first moment looks one step ahead.

    The momentum schedule is ``u_t = beta_1 * (1 - 0.5 * 0.96**t)``; ``u_product`` (one scalar
    variable, created after the slots) holds the running product of ``u_t``.

    Args:
        learning_rate: a float, a schedule or a callable; defaults to ``0.001``.
        beta_1: the decay rate of the first moment estimates.
        beta_2: the decay rate of the second moment estimates.
        epsilon: a small constant for numerical stability.
        **kwargs: the base ``Optimizer`` arguments (``weight_decay``, ``clipnorm``,
            ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``).

    Example::

        optimizer = kcore.optimizers.Nadam(learning_rate=2e-3)
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
        var_list = list(var_list)
        dtype = var_list[0].dtype if var_list else floatx()
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        self._u_product = self.add_variable((), "ones", dtype, name="u_product")

    def _momentum_decay(self, dtype, offset):
        """``beta_1 * (1 - 0.5 * 0.96 ** (iterations + offset))`` in ``dtype``."""
        decay = ops.power(ops.cast(0.96, dtype), self._local_step(dtype, offset))
        return ops.multiply(
            ops.cast(self.beta_1, dtype), ops.subtract(1.0, ops.multiply(0.5, decay))
        )

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        dtype = self._u_product.dtype
        # Same association as Keras (u_product * beta_1 * (1 - 0.5 * 0.96**t)) for equal bits.
        decay = ops.subtract(
            1.0, ops.multiply(0.5, ops.power(ops.cast(0.96, dtype), self._local_step(dtype)))
        )
        self._u_product.assign(
            ops.multiply(ops.multiply(self._u_product.value, self.beta_1), decay)
        )
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        u_t = self._momentum_decay(dtype, 1)
        u_t_1 = self._momentum_decay(dtype, 2)
        u_product_t = ops.cast(self._u_product.value, dtype)
        u_product_t_1 = ops.multiply(u_product_t, u_t_1)
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), self._local_step(dtype))
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]

        # 1 - beta is taken in the variable dtype (not in Python), as Keras does.
        one_minus_beta_1 = ops.subtract(1.0, ops.cast(self.beta_1, dtype))
        one_minus_beta_2 = ops.subtract(1.0, ops.cast(self.beta_2, dtype))
        new_m = ops.add(m.value, ops.multiply(ops.subtract(gradient, m.value), one_minus_beta_1))
        new_v = ops.add(
            v.value, ops.multiply(ops.subtract(ops.square(gradient), v.value), one_minus_beta_2)
        )
        m.assign(new_m)
        v.assign(new_v)
        m_hat = ops.add(
            ops.divide(ops.multiply(u_t_1, new_m), ops.subtract(1.0, u_product_t_1)),
            ops.divide(
                ops.multiply(ops.subtract(1.0, u_t), gradient), ops.subtract(1.0, u_product_t)
            ),
        )
        v_hat = ops.divide(new_v, ops.subtract(1.0, beta_2_power))
        update = ops.divide(ops.multiply(m_hat, lr), ops.add(ops.sqrt(v_hat), self.epsilon))
        variable.assign(ops.subtract(variable.value, update))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
