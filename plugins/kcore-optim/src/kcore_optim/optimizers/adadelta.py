"""``Adadelta``: per-dimension learning rates from running averages of updates (Zeiler, 2012)."""

from __future__ import annotations

from kcore import ops
from kcore_optim.optimizers.base_optimizer import Optimizer

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """The Adadelta optimizer.

    ``acc_g = rho * acc_g + (1 - rho) * g**2``;
    ``delta = -sqrt(acc_dx + epsilon) / sqrt(acc_g + epsilon) * g``;
    ``acc_dx = rho * acc_dx + (1 - rho) * delta**2``; ``w = w + lr * delta``.

    Args:
        learning_rate: a float, a schedule or a callable; defaults to ``0.001`` (the paper
            uses ``1.0``).
        rho: the decay rate.
        epsilon: a small constant for numerical stability.
        **kwargs: the base ``Optimizer`` arguments (``weight_decay``, ``clipnorm``,
            ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``).

    Example::

        optimizer = kcore.optimizers.Adadelta(learning_rate=1.0, rho=0.95)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def update_step(self, grad, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        grad = ops.cast(grad, variable.dtype)
        index = self._get_variable_index(variable)
        rho = self.rho
        accumulated_grad = self._accumulated_grads[index]
        accumulated_delta = self._accumulated_delta_vars[index]

        new_grad = ops.add(
            ops.multiply(rho, accumulated_grad.value), ops.multiply(1 - rho, ops.square(grad))
        )
        accumulated_grad.assign(new_grad)
        delta = ops.negative(
            ops.divide(
                ops.multiply(ops.sqrt(ops.add(accumulated_delta.value, self.epsilon)), grad),
                ops.sqrt(ops.add(new_grad, self.epsilon)),
            )
        )
        accumulated_delta.assign(
            ops.add(
                ops.multiply(rho, accumulated_delta.value),
                ops.multiply(1 - rho, ops.square(delta)),
            )
        )
        variable.assign(ops.add(variable.value, ops.multiply(lr, delta)))

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
