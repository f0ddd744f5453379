"""``Adagrad``: learning rates scaled by the accumulated squared gradients (Duchi et al., 2011)."""

from __future__ import annotations

from kcore import ops
from kcore_optim.optimizers.base_optimizer import Optimizer

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """The Adagrad optimizer.

    ``accumulator = accumulator + g**2`` and ``w = w - lr * g / sqrt(accumulator + epsilon)``:
    parameters updated often get smaller steps.

    Args:
        learning_rate: a float, a schedule or a callable; defaults to ``0.001``.
        initial_accumulator_value: the starting value of the accumulators, >= 0.
        epsilon: a small constant for numerical stability.
        **kwargs: the base ``Optimizer`` arguments (``weight_decay``, ``clipnorm``,
            ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``).

    Example::

        optimizer = kcore.optimizers.Adagrad(learning_rate=0.01)
    """

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
        epsilon=1e-7,
        name=None,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=float(self.initial_accumulator_value)
        )

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        accumulator = self._accumulators[self._get_variable_index(variable)]
        new_accumulator = ops.add(accumulator.value, ops.square(gradient))
        accumulator.assign(new_accumulator)
        update = ops.divide(
            ops.multiply(lr, gradient), ops.sqrt(ops.add(new_accumulator, self.epsilon))
        )
        variable.assign(ops.subtract(variable.value, update))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon,
            }
        )
        return config
