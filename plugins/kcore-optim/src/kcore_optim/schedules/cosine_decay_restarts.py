"""``CosineDecayRestarts``: cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2016)."""

from __future__ import annotations

import math

from kcore import ops
from kcore_optim.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    check_positive_steps,
    initial_rate_and_dtype,
)

__all__ = ["CosineDecayRestarts"]


class CosineDecayRestarts(LearningRateSchedule):
    """A cosine decay schedule that restarts periodically.

    The first period lasts ``first_decay_steps``; each following period is ``t_mul`` times
    longer and starts from a rate ``m_mul`` times the previous period's initial rate.

    Args:
        initial_learning_rate: a float, the learning rate at step 0.
        first_decay_steps: a positive number of steps in the first period.
        t_mul: the factor by which each period is longer than the previous one.
        m_mul: the factor applied to the initial rate of each new period.
        alpha: the minimum rate as a fraction of ``initial_learning_rate``.
        name: the schedule's name.

    Example::

        schedule = kcore.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=1000)
    """

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        super().__init__()
        check_positive_steps("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        initial, dtype = initial_rate_and_dtype(self.initial_learning_rate)
        alpha = ops.cast(self.alpha, dtype)
        m_mul = ops.cast(self._m_mul, dtype)
        fraction = ops.divide(ops.cast(step, dtype), ops.cast(self.first_decay_steps, dtype))
        if self._t_mul == 1.0:  # a Python constant, so this branch is fine under tracing
            i_restart = ops.floor(fraction)
            fraction = ops.subtract(fraction, i_restart)
        else:
            t_mul = ops.cast(self._t_mul, dtype)
            # Periods grow geometrically: restart i starts at (1 - t_mul**i) / (1 - t_mul).
            i_restart = ops.floor(
                ops.divide(
                    ops.log(ops.subtract(1.0, ops.multiply(fraction, ops.subtract(1.0, t_mul)))),
                    ops.log(t_mul),
                )
            )
            elapsed = ops.divide(
                ops.subtract(1.0, ops.power(t_mul, i_restart)), ops.subtract(1.0, t_mul)
            )
            fraction = ops.divide(ops.subtract(fraction, elapsed), ops.power(t_mul, i_restart))
        cosine = ops.multiply(
            ops.multiply(0.5, ops.power(m_mul, i_restart)),
            ops.add(1.0, ops.cos(ops.multiply(ops.cast(math.pi, dtype), fraction))),
        )
        decayed = ops.add(ops.multiply(ops.subtract(1.0, alpha), cosine), alpha)
        return ops.multiply(initial, decayed)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
