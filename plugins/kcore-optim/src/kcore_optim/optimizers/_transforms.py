"""``UpdateTransforms``: what an optimizer does around ``update_step``.

Gradient filtering and clipping, decoupled weight decay and the exponential moving average of
the weights. A mixin of :class:`kcore_optim.optimizers.base_optimizer.Optimizer`, kept apart so
each file reads in one sitting; it uses the optimizer's attributes and methods.
"""

from __future__ import annotations

import re
import warnings

import kcore
from kcore import ops
from kcore_optim.optimizers import _gradients

__all__ = ["UpdateTransforms"]


class UpdateTransforms:
    """Clipping, weight decay, EMA and gradient filtering for :class:`Optimizer`."""

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [_gradients.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return _gradients.clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return [ops.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Exclude variables from weight decay.

        Args:
            var_list: variables to exclude.
            var_names: strings; a variable whose name contains any of them is excluded
                (``var_names=["bias"]`` excludes every bias).
        """
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable) -> bool:
        if id(variable) in self._exclude_ids:
            return False
        pattern = self._exclude_pattern
        return pattern is None or pattern.search(variable.name) is None

    def _apply_weight_decay(self, variables, learning_rate=None) -> None:
        """``variable -= variable * weight_decay * learning_rate`` for each non-excluded one."""
        if self.weight_decay is None:
            return
        rate = self._current_learning_rate() if learning_rate is None else learning_rate
        for variable in variables:
            if self._use_weight_decay(variable):
                value = variable.value
                decay = ops.multiply(
                    ops.multiply(value, self.weight_decay), ops.cast(rate, variable.dtype)
                )
                variable.assign(ops.subtract(value, decay))

    # -- moving average --------------------------------------------------------------------------
    def _update_moving_average(self) -> None:
        if not self.use_ema:
            return
        iterations = self.iterations
        iterations = iterations.value if isinstance(iterations, kcore.Variable) else iterations
        for variable, average in zip(
            self._trainable_variables, self._model_variables_moving_average
        ):
            if average is None:
                continue
            # The first step copies the variable; later ones blend with ema_momentum.
            momentum = ops.multiply(
                ops.cast(ops.not_equal(iterations, 0), variable.dtype), self.ema_momentum
            )
            average.assign(
                ops.add(
                    ops.multiply(momentum, average.value),
                    ops.multiply(ops.subtract(1.0, momentum), variable.value),
                )
            )
        if self.ema_overwrite_frequency:
            overwrite = ops.equal(ops.mod(iterations + 1, self.ema_overwrite_frequency), 0)
            for variable, average in zip(
                self._trainable_variables, self._model_variables_moving_average
            ):
                if average is not None:
                    variable.assign(ops.where(overwrite, average.value, variable.value))

    def finalize_variable_values(self, var_list) -> None:
        """With ``use_ema``, overwrite ``var_list`` with their moving averages (end of ``fit``)."""
        if not self.use_ema:
            return
        var_list = list(var_list)
        if len(var_list) != len(self._model_variables_moving_average):
            raise ValueError(
                f"The length of model variables ({len(var_list)}) to override does not match the "
                "length of model variables stored in the optimizer "
                f"({len(self._model_variables_moving_average)}). Please check if the optimizer "
                "was called on your model."
            )
        for variable, average in zip(var_list, self._model_variables_moving_average):
            if average is not None:
                variable.assign(average.value)

    # -- gradient filtering ----------------------------------------------------------------------
    def _filter_empty_gradients(self, grads, variables):
        kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        if len(kept) < len(grads):
            missing = [getattr(v, "path", v.name) for g, v in zip(grads, variables) if g is None]
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. If "
                "using `model.compile()`, did you forget to provide a `loss` argument?",
                stacklevel=3,
            )
            return [g for g, _ in kept], [v for _, v in kept]
        return grads, variables

    def _overwrite_variables_directly_with_gradients(self, grads, variables):
        """Variables with ``overwrite_with_gradient`` (float8 scales) take the gradient as value."""
        if not any(getattr(v, "overwrite_with_gradient", False) for v in variables):
            return grads, variables
        kept_grads, kept_variables = [], []
        for g, v in zip(grads, variables):
            if not getattr(v, "overwrite_with_gradient", False):
                kept_grads.append(g)
                kept_variables.append(v)
            elif self.gradient_accumulation_steps:
                # Accumulate with maximum; write the maximum on the update step.
                steps = self.gradient_accumulation_steps
                is_update_step = ops.equal(ops.mod(self._iterations.value + 1, steps), 0)
                accumulator = self._accumulated_gradients[self._get_variable_index(v)]
                largest = ops.maximum(g, accumulator.value)
                v.assign(ops.where(is_update_step, largest, v.value))
                accumulator.assign(ops.where(is_update_step, ops.zeros_like(largest), largest))
            else:
                v.assign(g)
        return kept_grads, kept_variables
