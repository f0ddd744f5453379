"""``Ftrl``: Follow The Regularized Leader (McMahan et al., 2013)."""

from __future__ import annotations

from kcore import ops
from kcore_optim.optimizers.base_optimizer import Optimizer

__all__ = ["Ftrl"]

_NON_NEGATIVE = (
    "initial_accumulator_value",
    "l1_regularization_strength",
    "l2_regularization_strength",
    "l2_shrinkage_regularization_strength",
)


class Ftrl(Optimizer):
    """The FTRL-proximal optimizer, suited to shallow models with large sparse feature spaces.

    Per coordinate, with ``n`` the accumulated squared gradients and ``z`` the linear term:
    ``n' = n + g**2``, ``z = z + g' - (n'**-p - n**-p) / lr * w`` (``g'`` adds the L2 shrinkage
    term ``2 * l2_shrinkage * w``) and ``w = (clip(z, -l1, l1) - z) / (n'**-p / lr + 2 * l2)``
    with ``p = learning_rate_power`` and ``l2`` increased by ``beta / (2 * lr)``.

    Args:
        learning_rate: a float, a schedule or a callable; defaults to ``0.001``.
        learning_rate_power: a float <= 0 controlling how the rate decreases; ``0`` is fixed.
        initial_accumulator_value: the starting value of the accumulators, >= 0.
        l1_regularization_strength: a float >= 0.
        l2_regularization_strength: a float >= 0 (stabilization penalty).
        l2_shrinkage_regularization_strength: a float >= 0 (magnitude penalty).
        beta: a float; ``beta / (2 * lr)`` is added to the L2 strength.
        **kwargs: the base ``Optimizer`` arguments (``weight_decay``, ``clipnorm``,
            ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``).

    Example::

        optimizer = kcore.optimizers.Ftrl(learning_rate=0.1, l1_regularization_strength=0.01)
    """

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
        name=None,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        values = {
            "initial_accumulator_value": initial_accumulator_value,
            "l1_regularization_strength": l1_regularization_strength,
            "l2_regularization_strength": l2_regularization_strength,
            "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength,
        }
        for arg in _NON_NEGATIVE:
            if values[arg] < 0.0:
                raise ValueError(
                    f"`{arg}` needs to be positive or zero. Received: {arg}={values[arg]}."
                )
        if learning_rate_power > 0.0:
            raise ValueError(
                "`learning_rate_power` needs to be negative or zero. Received: "
                f"learning_rate_power={learning_rate_power}."
            )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list,
            ["accumulator", "linear"],
            initializer=[float(self.initial_accumulator_value), "zeros"],
        )

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        accumulator, linear = self._accumulators[index], self._linears[index]
        power = -self.learning_rate_power
        l2 = ops.add(self.l2_regularization_strength, ops.divide(self.beta, ops.multiply(2.0, lr)))
        value = variable.value

        shrunk_gradient = ops.add(
            gradient, ops.multiply(2 * self.l2_shrinkage_regularization_strength, value)
        )
        new_accumulator = ops.add(accumulator.value, ops.square(gradient))
        sigma = ops.divide(
            ops.subtract(ops.power(new_accumulator, power), ops.power(accumulator.value, power)),
            lr,
        )
        new_linear = ops.add(
            linear.value, ops.subtract(shrunk_gradient, ops.multiply(sigma, value))
        )
        linear.assign(new_linear)
        quadratic = ops.add(ops.divide(ops.power(new_accumulator, power), lr), ops.multiply(2, l2))
        l1 = self.l1_regularization_strength
        clipped = ops.clip(new_linear, -l1, l1)
        variable.assign(ops.divide(ops.subtract(clipped, new_linear), quadratic))
        accumulator.assign(new_accumulator)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta,
            }
        )
        return config
