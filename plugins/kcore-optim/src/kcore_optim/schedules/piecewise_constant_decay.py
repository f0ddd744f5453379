"""``PiecewiseConstantDecay``: a constant learning rate per interval between step boundaries."""

from __future__ import annotations

from kcore import ops
from kcore.backend import standardize_dtype
from kcore_optim.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    initial_rate_and_dtype,
)

__all__ = ["PiecewiseConstantDecay"]


class PiecewiseConstantDecay(LearningRateSchedule):
    """A piecewise constant schedule.

    ``lr(step) = values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, and ``values[-1]`` after the last boundary.

    Args:
        boundaries: increasing step numbers, one fewer than ``values``.
        values: the learning rate of each interval.
        name: the schedule's name.

    Example::

        schedule = kcore.optimizers.schedules.PiecewiseConstantDecay(
            boundaries=[100000, 110000], values=[1.0, 0.5, 0.1])
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. Received: "
                f"boundaries={boundaries} of length {len(boundaries)}, and values={values} of "
                f"length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = ops.convert_to_tensor(step)
        step_dtype = standardize_dtype(step.dtype)
        _, dtype = initial_rate_and_dtype(self.values[0])
        result = ops.cast(self.values[-1], dtype)
        # Walk the intervals from the last down: the first boundary at or above step wins.
        for boundary, value in zip(reversed(self.boundaries), reversed(self.values[:-1])):
            inside = ops.less_equal(step, ops.cast(boundary, step_dtype))
            result = ops.where(inside, ops.cast(value, dtype), result)
        return result

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}
