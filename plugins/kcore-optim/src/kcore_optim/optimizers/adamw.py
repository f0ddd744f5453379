"""``AdamW``: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""

from __future__ import annotations

from kcore_optim.optimizers.adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    """Adam with decoupled weight decay.

    Before each Adam update, every variable not excluded with ``exclude_from_weight_decay``
    shrinks by ``variable * weight_decay * learning_rate``.

    Args:
        learning_rate: a float, a schedule or a callable; defaults to ``0.001``.
        weight_decay: a float, the decay rate; required (defaults to ``0.004``).
        beta_1: the decay rate of the first moment estimates.
        beta_2: the decay rate of the second moment estimates.
        epsilon: a small constant for numerical stability.
        amsgrad: whether to use the AMSGrad variant.
        **kwargs: the other base ``Optimizer`` arguments (``clipnorm``, ``clipvalue``,
            ``global_clipnorm``, ``use_ema``, ``ema_momentum``, ``ema_overwrite_frequency``,
            ``loss_scale_factor``, ``gradient_accumulation_steps``, ``name``).

    Example::

        optimizer = kcore.optimizers.AdamW(learning_rate=1e-3, weight_decay=0.01)
        optimizer.exclude_from_weight_decay(var_names=["bias"])
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        name=None,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            name=name,
            weight_decay=weight_decay,
            **kwargs,
        )
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
