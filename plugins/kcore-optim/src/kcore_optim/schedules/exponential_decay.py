"""``ExponentialDecay``: ``initial_learning_rate * decay_rate ** (step / decay_steps)``."""

from __future__ import annotations

from kcore import ops
from kcore_optim.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    check_positive_steps,
    initial_rate_and_dtype,
)

__all__ = ["ExponentialDecay"]


class ExponentialDecay(LearningRateSchedule):
    """A schedule that decays the learning rate exponentially.

    ``lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps)``, with the
    exponent floored when ``staircase=True`` (the rate then drops in discrete intervals).

    Args:
        initial_learning_rate: a float, the learning rate at step 0.
        decay_steps: a positive number of steps per decay period.
        decay_rate: a float, the decay factor per period.
        staircase: whether to floor ``step / decay_steps``.
        name: the schedule's name.

    Example::

        schedule = kcore.optimizers.schedules.ExponentialDecay(
            1e-2, decay_steps=10000, decay_rate=0.9)
        optimizer = kcore.optimizers.SGD(learning_rate=schedule)
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        super().__init__()
        check_positive_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        initial, dtype = initial_rate_and_dtype(self.initial_learning_rate)
        p = ops.divide(ops.cast(step, dtype), ops.cast(self.decay_steps, dtype))
        if self.staircase:
            p = ops.floor(p)
        return ops.multiply(initial, ops.power(ops.cast(self.decay_rate, dtype), p))

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
