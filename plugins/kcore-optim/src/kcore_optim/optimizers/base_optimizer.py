"""``Optimizer``: the base of every optimizer (state, clipping, weight decay, EMA, stateless)."""

from __future__ import annotations

import numbers
import warnings

import kcore
from kcore import ops
from kcore.backend import floatx
from kcore_optim.optimizers import _gradients
from kcore_optim.optimizers._state import OptimizerState, auto_name, counter_dtype
from kcore_optim.optimizers._transforms import UpdateTransforms
from kcore_optim.schedules.learning_rate_schedule import LearningRateSchedule

__all__ = ["Optimizer"]


class Optimizer(UpdateTransforms, OptimizerState):
    """Base class for optimizers: subclasses write ``build`` and ``update_step``.

    ``apply`` runs one step: drop missing gradients, unscale (``loss_scale_factor``), clip, apply
    decoupled weight decay, call ``update_step(gradient, variable, learning_rate)`` per variable
    (or a backend's fused kernel, see ``kcore_fused_kernels``), apply each variable's
    ``constraint``, update the EMA and count the step. Gradient accumulation and EMA overwrites
    select values with ``ops.where``, so ``stateless_apply`` traces under ``jax.jit``.

    Args:
        learning_rate: a non-negative float, a ``LearningRateSchedule`` (called with
            ``iterations``) or a callable of no arguments returning the rate.
        weight_decay: if set, every variable (except excluded ones) is decayed by
            ``variable * weight_decay * learning_rate`` before the update.
        clipnorm: if set, each gradient is clipped to this L2 norm.
        clipvalue: if set, each gradient is clipped to ``[-clipvalue, clipvalue]``.
        global_clipnorm: if set, all gradients are clipped together to this global norm.
        use_ema: keep an exponential moving average of the trained variables.
        ema_momentum: the EMA momentum, in ``[0, 1]``.
        ema_overwrite_frequency: overwrite the variables with their average every this many
            steps; ``None`` waits for ``finalize_variable_values()``.
        loss_scale_factor: multiply the loss by this (``scale_loss``) and divide gradients by it.
        gradient_accumulation_steps: an int >= 2: update every this many steps with the mean
            of the accumulated gradients.
        name: the optimizer's name; defaults to the snake-cased class name made unique.

    Example::

        class PlainSGD(kcore.optimizers.Optimizer):
            def update_step(self, gradient, variable, learning_rate):
                step = kcore.ops.multiply(gradient, learning_rate)
                variable.assign(kcore.ops.subtract(variable.value, step))
    """

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        if kwargs.pop("decay", None) is not None:
            warnings.warn(
                "Argument `decay` is no longer supported and will be ignored.", stacklevel=2
            )
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if gradient_accumulation_steps is not None and (
            not isinstance(gradient_accumulation_steps, int) or gradient_accumulation_steps < 2
        ):
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. Received: "
                f"gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(
                f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}"
            )
        if (
            use_ema
            and ema_overwrite_frequency
            and (not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1)
        ):
            raise ValueError(
                "`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                f"ema_overwrite_frequency={ema_overwrite_frequency}"
            )
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        super().__init__(name or auto_name(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._exclude_ids: set[int] = set()
        self._exclude_pattern = None
        self._fused_kernel = None
        self._iterations = self.add_variable((), "zeros", counter_dtype(), name="iteration")
        if _is_schedule_or_callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            rate = _check_learning_rate(learning_rate)
            self._learning_rate = self.add_variable((), rate, floatx(), name="learning_rate")

    # -- learning rate and step counter ----------------------------------------------------------
    @property
    def iterations(self):
        """The number of updates applied (micro-steps // accumulation steps if accumulating)."""
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations.value, self.gradient_accumulation_steps)
        return self._iterations

    @property
    def learning_rate(self):
        """The current learning rate: the rate variable, or the schedule's value now."""
        if isinstance(self._learning_rate, LearningRateSchedule):
            return self._learning_rate(self._iterations.value)
        if isinstance(self._learning_rate, kcore.Variable):
            return self._learning_rate
        return self._learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        if _is_schedule_or_callable(learning_rate):
            if isinstance(self._learning_rate, kcore.Variable):
                self._variables.remove(self._learning_rate)
            self._learning_rate = learning_rate
            return
        if not isinstance(self._learning_rate, kcore.Variable):
            raise TypeError(
                f"This optimizer was created with a {type(self._learning_rate).__name__} as its "
                "`learning_rate`, hence its learning rate is not settable to a number. Create "
                f"the optimizer with a float `learning_rate` instead. Received: {learning_rate!r}"
            )
        self._learning_rate.assign(_check_learning_rate(learning_rate))

    def _local_step(self, dtype, offset=1):
        """``iterations + offset`` cast to ``dtype``: the 1-based step bias corrections use."""
        iterations = self.iterations
        if isinstance(iterations, kcore.Variable):
            iterations = iterations.value
        return ops.cast(ops.add(iterations, offset), dtype)

    def _current_learning_rate(self):
        rate = self.learning_rate
        return rate.value if isinstance(rate, kcore.Variable) else rate

    # -- building --------------------------------------------------------------------------------
    def build(self, var_list) -> None:
        """Create the optimizer state for ``var_list``; subclasses add their slots after this."""
        var_list = list(var_list)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(var_list, "average")
        if self.gradient_accumulation_steps:
            # Every variable, overwrite_with_gradient ones too (they accumulate a maximum).
            self._accumulated_gradients = [
                self.add_variable_from_reference(v, "gradient_accumulator") for v in var_list
            ]
        self._trainable_variables = var_list
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(var_list)}
        self._fused_kernel = kcore.backend.fused_kernel(type(self).__name__)
        self.built = True

    def _var_key(self, variable) -> int:
        return id(variable)

    def _get_variable_index(self, variable) -> int:
        return self._trainable_variables_indices[id(variable)]

    # -- applying gradients ----------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Apply ``(gradient, variable)`` pairs; returns ``iterations`` like ``tf.keras``."""
        grads, trainable_variables = zip(*grads_and_vars)
        self.apply(grads, trainable_variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None) -> None:
        """Apply one update; builds the optimizer on the first call with ``trainable_variables``.

        Args:
            grads: one gradient (or ``None``) per variable.
            trainable_variables: the variables; defaults to those the optimizer was built with.
        """
        grads = list(grads)
        if not grads:
            return
        variables = self._variables_for(grads, trainable_variables)
        grads, variables = self._filter_empty_gradients(grads, variables)
        grads, variables = self._overwrite_variables_directly_with_gradients(grads, variables)
        if grads:
            if self.loss_scale_factor is not None:
                grads = [ops.divide(g, self.loss_scale_factor) for g in grads]
            self._apply_update(grads, variables)
            for variable in variables:
                constraint = getattr(variable, "constraint", None)
                if constraint is not None:
                    variable.assign(constraint(variable.value))
        self._update_moving_average()
        self._iterations.assign_add(1)

    def _variables_for(self, grads, trainable_variables):
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(trainable_variables)`."
                )
            if len(grads) != len(self._trainable_variables):
                raise ValueError(
                    f"Received {len(grads)} gradients, but the optimizer tracks "
                    f"{len(self._trainable_variables)} trainable variables: pass one gradient "
                    "(or None) per variable, in order."
                )
            return self._trainable_variables
        trainable_variables = list(trainable_variables)
        if not self.built:
            self.build(trainable_variables)
        for v in trainable_variables:
            if id(v) not in self._trainable_variables_indices:
                raise ValueError(
                    f"Unknown variable: {getattr(v, 'path', v)!r}. This optimizer can only be "
                    "called for the variables it was built with; create a new optimizer for new "
                    "variables."
                )
        return trainable_variables

    def _apply_update(self, grads, variables) -> None:
        if not self.gradient_accumulation_steps:
            self._clip_decay_and_update(grads, variables)
            return
        steps = self.gradient_accumulation_steps
        is_update_step = ops.equal(ops.mod(self._iterations.value + 1, steps), 0)
        accumulators = [self._accumulated_gradients[self._get_variable_index(v)] for v in variables]
        summed = [ops.add(a.value, ops.cast(g, a.dtype)) for g, a in zip(grads, accumulators)]
        _gradients.assign_where(
            is_update_step,
            lambda: self._clip_decay_and_update([ops.divide(s, steps) for s in summed], variables),
            [*self._trainable_variables, *self.variables],
        )
        for accumulator, total in zip(accumulators, summed):
            accumulator.assign(ops.where(is_update_step, ops.zeros_like(total), total))

    def _clip_decay_and_update(self, grads, variables) -> None:
        learning_rate = self._current_learning_rate()
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(variables, learning_rate)
        self._backend_update_step(grads, variables, learning_rate)

    def _backend_update_step(self, grads, trainable_variables, learning_rate) -> None:
        """Update every variable: the backend's fused kernel if any, else ``update_step`` each.

        A fused kernel is called as ``kernel(optimizer, grads, variables, learning_rate)``; it
        may return ``NotImplemented`` (before touching anything) to decline a configuration it
        does not cover, e.g. ``amsgrad``. It is never used inside a ``StatelessScope``, where
        in-place updates would escape the scope.
        """
        kernel = self._fused_kernel
        if kernel is not None and not kcore.backend.in_stateless_scope():
            if kernel(self, grads, trainable_variables, learning_rate) is not NotImplemented:
                return
        for grad, variable in zip(grads, trainable_variables):
            self.update_step(grad, variable, learning_rate)

    def update_step(self, gradient, variable, learning_rate) -> None:
        """Update ``variable`` (and its slots) from ``gradient``; every optimizer defines it."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_step`.")

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """``apply`` as a pure function of values (for ``jax.jit``).

        Args:
            optimizer_variables: the values of ``self.variables``, in order.
            grads: one gradient per trainable variable.
            trainable_variables: the values of the variables the optimizer was built with.

        Returns:
            ``(new_trainable_values, new_optimizer_values)``.
        """
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be built (i.e. its "
                "variables must have been created). Call `optimizer.build(trainable_variables)`."
            )
        own = self.variables
        if len(optimizer_variables) != len(own):
            raise ValueError(
                "Argument `optimizer_variables` must hold one value per "
                f"{type(self).__name__}().variables entry: expected {len(own)}, received "
                f"{len(optimizer_variables)}."
            )
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(
                "Argument `trainable_variables` must hold one value per variable the optimizer "
                f"was built with: expected {len(self._trainable_variables)}, received "
                f"{len(trainable_variables)}."
            )
        mapping = [
            *zip(self._trainable_variables, trainable_variables),
            *zip(own, optimizer_variables),
        ]
        with kcore.StatelessScope(mapping) as scope:
            self.apply(grads)
        return (
            [scope.get_current_value(v) for v in self._trainable_variables],
            [scope.get_current_value(v) for v in own],
        )

    def scale_loss(self, loss):
        """Multiply ``loss`` by ``loss_scale_factor`` (if set) before taking gradients."""
        if self.loss_scale_factor is not None:
            return ops.multiply(loss, self.loss_scale_factor)
        return loss

    # -- serialization ---------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments (schedules serialized), as in Keras 3."""
        rate = self._learning_rate
        if isinstance(rate, kcore.Variable):
            rate = float(rate.numpy())
        elif isinstance(rate, LearningRateSchedule) or callable(rate):
            rate = kcore.saving.serialize_keras_object(rate)
        return {
            "name": self.name,
            "learning_rate": rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild an optimizer (without its state) from :meth:`get_config` output."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = kcore.saving.deserialize_keras_object(
                config["learning_rate"], kind="schedules", custom_objects=custom_objects
            )
        return cls(**config)


def _is_schedule_or_callable(value) -> bool:
    return isinstance(value, LearningRateSchedule) or (
        callable(value) and not isinstance(value, kcore.Variable)
    )


def _check_learning_rate(value) -> float:
    """``value`` as a float, or a ``ValueError`` naming ``learning_rate``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if not (ops.is_tensor(value) and ops.ndim(value) == 0):
            raise ValueError(
                "Argument `learning_rate` should be a non-negative float, a "
                "LearningRateSchedule, or a callable returning the learning rate. "
                f"Received: learning_rate={value!r}"
            )
    rate = float(value)
    if not rate >= 0:
        raise ValueError(
            "Argument `learning_rate` should be a non-negative float. "
            f"Received: learning_rate={value!r}"
        )
    return rate
