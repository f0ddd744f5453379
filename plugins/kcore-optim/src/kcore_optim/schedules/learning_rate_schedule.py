"""``LearningRateSchedule``: the base class of every learning-rate schedule."""

from __future__ import annotations

from kcore import ops
from kcore.backend import floatx, standardize_dtype

__all__ = ["LearningRateSchedule"]


class LearningRateSchedule:
    """A serializable learning-rate schedule: a function of the optimizer step.

    Pass an instance as an optimizer's ``learning_rate``; the optimizer calls it with its
    ``iterations`` counter before every update. Subclasses implement ``__call__(step)`` with
    ``kcore.ops`` (no Python branching on ``step``, so it traces under ``jax.jit``) and
    ``get_config()``.

    Example::

        class LinearWarmup(kcore.optimizers.schedules.LearningRateSchedule):
            def __init__(self, target, steps):
                self.target, self.steps = target, steps

            def __call__(self, step):
                step = kcore.ops.cast(step, "float32")
                return self.target * kcore.ops.minimum(step / self.steps, 1.0)

            def get_config(self):
                return {"target": self.target, "steps": self.steps}
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` in "
            "order to be serializable."
        )

    @classmethod
    def from_config(cls, config: dict) -> LearningRateSchedule:
        """Rebuild a schedule from the output of :meth:`get_config`."""
        return cls(**config)


def initial_rate_and_dtype(value):
    """``value`` as a float tensor and its dtype (``floatx()`` for Python numbers)."""
    if ops.is_tensor(value):
        dtype = standardize_dtype(value.dtype)
        return value, dtype
    dtype = floatx()
    return ops.convert_to_tensor(value, dtype=dtype), dtype


def check_positive_steps(name: str, value) -> None:
    """Raise a ``ValueError`` naming ``name`` unless ``value`` > 0."""
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")
