"""``LossScaleOptimizer``: dynamic loss scaling around another optimizer (mixed precision)."""

from __future__ import annotations

import kcore
from kcore import ops
from kcore_optim.optimizers import _gradients
from kcore_optim.optimizers._state import counter_dtype
from kcore_optim.optimizers.base_optimizer import Optimizer

__all__ = ["LossScaleOptimizer"]

# Base arguments Keras used to write into this optimizer's config; accepted at their defaults.
_INERT_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


class LossScaleOptimizer(Optimizer):
    """Wraps an optimizer with a dynamically adjusted loss scale.

    ``scale_loss(loss)`` multiplies the loss by ``dynamic_scale`` before gradients are taken;
    ``apply`` divides the gradients by it. If any gradient is not finite the update is skipped
    and the scale halves; after ``dynamic_growth_steps`` finite steps in a row it doubles. The
    choice is made with ``ops.where``, so the step traces under ``jax.jit``.

    Args:
        inner_optimizer: the optimizer that applies the unscaled gradients.
        initial_scale: the starting loss scale.
        dynamic_growth_steps: finite steps between doublings of the scale.
        name: the optimizer's name.

    Example::

        optimizer = kcore.optimizers.LossScaleOptimizer(kcore.optimizers.Adam())
        loss = optimizer.scale_loss(loss)  # in a custom train step, before the gradients
    """

    def __init__(
        self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs
    ):
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                "`loss_scale_factor` directly on the `inner_optimizer`."
            )
        for arg, default in _INERT_DEFAULTS.items():
            if arg in kwargs and kwargs.pop(arg) != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{arg}`. Instead, set `{arg}` on the "
                    "`inner_optimizer`."
                )
        if kwargs:
            raise ValueError(
                f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`."
            )
        super().__init__(learning_rate=0.0, name=name)
        if isinstance(inner_optimizer, (str, dict)):
            inner_optimizer = kcore.optimizers.get(inner_optimizer)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # The inner optimizer must not unscale a second time.
        self.inner_optimizer.loss_scale_factor = None

    def build(self, var_list):
        var_list = list(var_list)
        self.step_counter = self.add_variable((), "zeros", counter_dtype(), name="step_counter")
        self.dynamic_scale = self.add_variable(
            (), float(self.initial_scale), "float32", name="dynamic_scale"
        )
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    @property
    def variables(self):
        return self._variables + self.inner_optimizer.variables

    def check_finite(self, grads):
        """A scalar boolean tensor: whether every gradient is finite."""
        flags = [ops.all(ops.isfinite(g)) for g in grads if g is not None]
        return ops.all(ops.stack(flags))

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        if not self.built:
            if trainable_variables is None:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(trainable_variables)`."
                )
            self.build(trainable_variables)
        variables = (
            self._trainable_variables if trainable_variables is None else trainable_variables
        )
        finite = self.check_finite(grads)
        scale = self.dynamic_scale.value
        unscaled = [
            g if g is None or getattr(v, "overwrite_with_gradient", False) else ops.divide(g, scale)
            for g, v in zip(grads, variables)
        ]
        _gradients.assign_where(
            finite,
            lambda: self.inner_optimizer.apply(unscaled, trainable_variables),
            [*self._trainable_variables, *self.inner_optimizer.variables],
        )
        counter = self.step_counter.value
        grow = ops.equal(counter, self.dynamic_growth_steps - 1)
        zero = ops.zeros_like(counter)
        self.step_counter.assign(ops.where(finite, ops.where(grow, zero, counter + 1), zero))
        self.dynamic_scale.assign(
            ops.where(
                finite,
                ops.where(grow, ops.multiply(scale, 2.0), scale),
                ops.multiply(scale, 0.5),
            )
        )

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    def scale_loss(self, loss):
        scale = self.dynamic_scale.value if self.built else self.initial_scale
        return ops.multiply(loss, scale)

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        return {
            "name": self.name,
            "inner_optimizer": kcore.saving.serialize_keras_object(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        inner = kcore.saving.deserialize_keras_object(
            config.pop("inner_optimizer"), kind="optimizers", custom_objects=custom_objects
        )
        return cls(inner, **config)
