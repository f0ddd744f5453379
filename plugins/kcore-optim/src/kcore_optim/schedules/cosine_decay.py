"""``CosineDecay``: optional linear warmup, then a cosine decay (SGDR without restarts)."""

from __future__ import annotations

import math

from kcore import ops
from kcore_optim.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    check_positive_steps,
    initial_rate_and_dtype,
)

__all__ = ["CosineDecay"]


class CosineDecay(LearningRateSchedule):
    """A cosine decay schedule with an optional linear warmup.

    Without warmup (``warmup_target=None``) the rate follows
    ``initial * ((1 - alpha) * 0.5 * (1 + cos(pi * step / decay_steps)) + alpha)`` for
    ``decay_steps`` steps and stays at ``initial * alpha`` after. With ``warmup_target``, it
    rises linearly from ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps``,
    then decays from ``warmup_target`` over ``decay_steps``.

    Args:
        initial_learning_rate: a float, the learning rate at step 0.
        decay_steps: a positive number of steps to decay over.
        alpha: the minimum rate as a fraction of the rate decayed from.
        name: the schedule's name.
        warmup_target: the rate reached at the end of warmup, or ``None`` for no warmup.
        warmup_steps: the number of warmup steps.

    Example::

        schedule = kcore.optimizers.schedules.CosineDecay(
            0.0, decay_steps=1000, warmup_target=0.1, warmup_steps=100)
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        super().__init__()
        check_positive_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def _decay(self, step, decay_steps, decay_from, dtype):
        fraction = ops.divide(step, decay_steps)
        cosine = 0.5 * (1.0 + ops.cos(ops.multiply(ops.cast(math.pi, dtype), fraction)))
        return ops.multiply(decay_from, (1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        initial, dtype = initial_rate_and_dtype(self.initial_learning_rate)
        decay_steps = ops.cast(self.decay_steps, dtype)
        step = ops.cast(step, dtype)
        if self.warmup_target is None:
            return self._decay(ops.minimum(step, decay_steps), decay_steps, initial, dtype)
        target = ops.cast(self.warmup_target, dtype)
        warmup_steps = ops.cast(self.warmup_steps, dtype)
        step = ops.minimum(step, ops.add(decay_steps, warmup_steps))
        # Both branches are computed and one selected: no Python branching on a tensor.
        warmup = ops.add(
            ops.multiply(ops.subtract(target, initial), ops.divide(step, warmup_steps)),
            initial,
        )
        decay = self._decay(ops.subtract(step, warmup_steps), decay_steps, target, dtype)
        return ops.where(ops.less(step, warmup_steps), warmup, decay)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }
