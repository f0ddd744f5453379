"""``RMSprop``: divide the gradient by a running root mean square of recent gradients."""

from __future__ import annotations

from kcore import ops
from kcore_optim.optimizers.base_optimizer import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """The RMSprop optimizer.

    ``velocity = rho * velocity + (1 - rho) * g**2`` and
    ``w = w - lr * g / sqrt(velocity + epsilon)``. ``centered`` subtracts the square of a
    running mean gradient from ``velocity`` (normalizing by the estimated variance);
    ``momentum`` accumulates the increments before applying them.

    Args:
        learning_rate: a float, a schedule or a callable; defaults to ``0.001``.
        rho: the discounting factor for the old gradients.
        momentum: if not ``0.0``, the momentum applied to the increments.
        epsilon: a small constant for numerical stability.
        centered: whether to normalize by the estimated variance of the gradient.
        **kwargs: the base ``Optimizer`` arguments (``weight_decay``, ``clipnorm``,
            ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``).

    Example::

        optimizer = kcore.optimizers.RMSprop(learning_rate=1e-3, centered=True)
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
        name=None,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        rho = self.rho

        velocity = self._velocities[index]
        new_velocity = ops.add(
            ops.multiply(rho, velocity.value), ops.multiply(1 - rho, ops.square(gradient))
        )
        velocity.assign(new_velocity)
        if self.centered:
            average = self._average_gradients[index]
            new_average = ops.add(ops.multiply(rho, average.value), ops.multiply(1 - rho, gradient))
            average.assign(new_average)
            denominator = ops.add(ops.subtract(new_velocity, ops.square(new_average)), self.epsilon)
        else:
            denominator = ops.add(new_velocity, self.epsilon)
        increment = ops.divide(ops.multiply(lr, gradient), ops.sqrt(denominator))
        if self.momentum > 0:
            momentum = self._momentums[index]
            increment = ops.add(ops.multiply(self.momentum, momentum.value), increment)
            momentum.assign(increment)
        variable.assign(ops.subtract(variable.value, increment))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return config
