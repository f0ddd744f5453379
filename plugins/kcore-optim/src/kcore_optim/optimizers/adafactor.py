"""``Adafactor``: Adam-like steps with factored second moments (Shazeer & Stern, 2018)."""

from __future__ import annotations

from kcore import ops
from kcore_optim.optimizers.base_optimizer import Optimizer
from kcore_optim.schedules.learning_rate_schedule import LearningRateSchedule

__all__ = ["Adafactor"]


def _rms(x):
    return ops.sqrt(ops.mean(ops.square(x)))


class Adafactor(Optimizer):
    """The Adafactor optimizer: memory-light second moments for matrices.

    For a variable of rank >= 2 the second moment of the last two axes is stored as a row and a
    column average (``r`` and ``c``) and rebuilt as their normalized outer product; lower-rank
    variables keep a full ``velocity``. Steps are scaled by the variable's RMS and clipped to
    ``clip_threshold`` in RMS.

    Args:
        learning_rate: a float, a schedule or a callable; defaults to ``0.001``.
        beta_2_decay: the decay exponent of the second-moment rate ``1 - t**beta_2_decay``.
        epsilon_1: added to squared gradients for numerical stability.
        epsilon_2: the floor of the variable RMS used to scale steps.
        clip_threshold: the RMS the normalized update is clipped to.
        relative_step: with a float ``learning_rate``, cap it at ``1 / sqrt(t)``.
        **kwargs: the base ``Optimizer`` arguments (``weight_decay``, ``clipnorm``,
            ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``).

    Example::

        optimizer = kcore.optimizers.Adafactor(learning_rate=1e-2)
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_2_decay=-0.8,
        epsilon_1=1e-30,
        epsilon_2=1e-3,
        clip_threshold=1.0,
        relative_step=True,
        name=None,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for var in var_list:
            overwrite = getattr(var, "overwrite_with_gradient", False)
            if len(var.shape) < 2:
                # Unfactored: scalar placeholders keep the variable order of Keras's files.
                self._r.append(self.add_variable((), "zeros", "int32", name=var.name))
                self._c.append(self.add_variable((), "zeros", "int32", name=var.name))
            elif overwrite:
                self._r.append(None)
                self._c.append(None)
            else:
                shape = tuple(var.shape)
                self._r.append(self.add_variable(shape[:-1], dtype=var.dtype, name=var.name))
                self._c.append(
                    self.add_variable(shape[:-2] + shape[-1:], dtype=var.dtype, name=var.name)
                )
            self._v.append(None if overwrite else self.add_variable_from_reference(var, "velocity"))

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = self._local_step(dtype)
        inverse_sqrt_step = ops.divide(1.0, ops.sqrt(step))
        fixed_rate = not isinstance(self._learning_rate, LearningRateSchedule) and not callable(
            self._learning_rate
        )
        if fixed_rate and self.relative_step:
            lr = ops.minimum(lr, inverse_sqrt_step)
        index = self._get_variable_index(variable)
        r, c, v = self._r[index], self._c[index], self._v[index]

        rho_t = ops.minimum(lr, inverse_sqrt_step)
        alpha_t = ops.multiply(
            ops.maximum(ops.cast(self.epsilon_2, dtype), _rms(variable.value)), rho_t
        )
        squared = ops.add(ops.square(gradient), self.epsilon_1)
        beta_2_t = ops.subtract(1.0, ops.power(step, self.beta_2_decay))
        if len(variable.shape) >= 2:
            new_r = ops.add(
                ops.multiply(beta_2_t, r.value),
                ops.multiply(ops.subtract(1.0, beta_2_t), ops.mean(squared, axis=-1)),
            )
            new_c = ops.add(
                ops.multiply(beta_2_t, c.value),
                ops.multiply(ops.subtract(1.0, beta_2_t), ops.mean(squared, axis=-2)),
            )
            r.assign(new_r)
            c.assign(new_c)
            row = ops.divide(new_r, ops.mean(new_r, axis=-1, keepdims=True))
            new_v = ops.multiply(ops.expand_dims(row, -1), ops.expand_dims(new_c, -2))
        else:
            new_v = ops.add(
                ops.multiply(beta_2_t, v.value), ops.multiply(ops.subtract(1.0, beta_2_t), squared)
            )
        v.assign(new_v)
        u_t = ops.divide(gradient, ops.sqrt(new_v))
        u_t_hat = ops.divide(u_t, ops.maximum(1.0, ops.divide(_rms(u_t), self.clip_threshold)))
        variable.assign(ops.subtract(variable.value, ops.multiply(alpha_t, u_t_hat)))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step,
            }
        )
        return config
