"""``SGD``: gradient descent with optional (Nesterov) momentum."""

from __future__ import annotations

from kcore import ops
from kcore_optim.optimizers.base_optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """Gradient descent (with momentum).

    Without momentum: ``w = w - learning_rate * g``. With momentum:
    ``velocity = momentum * velocity - learning_rate * g`` then ``w = w + velocity``, or with
    Nesterov ``w = w + momentum * velocity - learning_rate * g``.

    Args:
        learning_rate: a float, a schedule or a callable; defaults to ``0.01``.
        momentum: a float >= 0 that accelerates descent along consistent directions.
        nesterov: whether to apply Nesterov momentum.
        **kwargs: the base ``Optimizer`` arguments (``weight_decay``, ``clipnorm``,
            ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``).

    Example::

        optimizer = kcore.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not isinstance(momentum, (int, float)) or momentum < 0 or momentum > 1:
            raise ValueError(
                f"`momentum` must be a float between [0, 1]. Received: momentum={momentum!r}"
            )
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        step = ops.multiply(ops.cast(gradient, variable.dtype), lr)
        if self.momentum == 0:
            variable.assign(ops.subtract(variable.value, step))
            return
        m = self.momentums[self._get_variable_index(variable)]
        velocity = ops.subtract(ops.multiply(m.value, self.momentum), step)
        m.assign(velocity)
        if self.nesterov:
            velocity = ops.subtract(ops.multiply(velocity, self.momentum), step)
        variable.assign(ops.add(variable.value, velocity))

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
