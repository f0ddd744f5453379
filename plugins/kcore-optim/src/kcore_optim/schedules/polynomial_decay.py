"""``PolynomialDecay``: a polynomial ramp from ``initial_learning_rate`` to ``end_learning_rate``."""

from __future__ import annotations

from kcore import ops
from kcore_optim.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    check_positive_steps,
    initial_rate_and_dtype,
)

__all__ = ["PolynomialDecay"]


class PolynomialDecay(LearningRateSchedule):
    """A schedule that decays the learning rate polynomially over ``decay_steps``.

    ``lr(step) = (initial - end) * (1 - step / decay_steps) ** power + end``. Without ``cycle``
    the step is capped at ``decay_steps`` (the rate then stays at ``end_learning_rate``); with
    ``cycle`` the horizon grows to the first multiple of ``decay_steps`` past ``step``.

    Args:
        initial_learning_rate: a float, the learning rate at step 0.
        decay_steps: a positive number of steps to decay over.
        end_learning_rate: the final learning rate.
        power: the polynomial's power; ``1.0`` is linear.
        cycle: whether to restart the decay beyond ``decay_steps``.
        name: the schedule's name.

    Example::

        schedule = kcore.optimizers.schedules.PolynomialDecay(0.1, 10000, 0.01, power=0.5)
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        super().__init__()
        check_positive_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        initial, dtype = initial_rate_and_dtype(self.initial_learning_rate)
        end = ops.cast(self.end_learning_rate, dtype)
        step = ops.cast(step, dtype)
        decay_steps = ops.cast(self.decay_steps, dtype)
        if self.cycle:
            # The first multiple of decay_steps above step (1 at step 0).
            multiplier = ops.where(ops.equal(step, 0), 1.0, ops.ceil(ops.divide(step, decay_steps)))
            decay_steps = ops.multiply(decay_steps, ops.cast(multiplier, dtype))
        else:
            step = ops.minimum(step, decay_steps)
        p = ops.divide(step, decay_steps)
        decayed = ops.power(ops.subtract(1.0, p), ops.cast(self.power, dtype))
        return ops.add(ops.multiply(ops.subtract(initial, end), decayed), end)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }
