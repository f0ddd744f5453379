"""``InverseTimeDecay``: ``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

from __future__ import annotations

from kcore import ops
from kcore_optim.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    check_positive_steps,
    initial_rate_and_dtype,
)

__all__ = ["InverseTimeDecay"]


class InverseTimeDecay(LearningRateSchedule):
    """A schedule that decays the learning rate as the inverse of time.

    ``lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps)``, with
    ``step / decay_steps`` floored when ``staircase=True``.

    Args:
        initial_learning_rate: a float, the learning rate at step 0.
        decay_steps: a positive number of steps per decay period.
        decay_rate: a float, how fast the rate decays.
        staircase: whether to decay in discrete intervals.
        name: the schedule's name.

    Example::

        schedule = kcore.optimizers.schedules.InverseTimeDecay(0.1, 1.0, 0.5)
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
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
        denominator = ops.add(ops.multiply(ops.cast(self.decay_rate, dtype), p), 1.0)
        return ops.divide(initial, denominator)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
