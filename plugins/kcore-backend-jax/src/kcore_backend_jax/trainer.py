"""The JAX step runner: each train / test / predict step is one ``jax.jit`` of a pure function.

The model's state (trainable and non-trainable variables, optimizer slots, metric accumulators)
is held here as arrays between steps and fed through the jitted step with its buffers donated.
Variables are written back lazily: metric state (copied) when logs are read, everything at epoch
end (``sync``). A full sync hands the held arrays over to the Variables and forgets them; the
next step copies them afresh (``_ensure_state``), so a donated step never invalidates a buffer a
Variable holds, and a one-epoch ``fit`` copies the model state once, not three times. The step
runs the model's ordinary Python code once per trace, inside a :class:`kcore.StatelessScope` that
substitutes traced values for the Variables.

Batches may arrive as NumPy arrays (``accepts_numpy``): ``jax.jit`` moves them to the device in
its C++ dispatch path, with the same dtype canonicalisation as ``convert_to_tensor``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from kcore import StatelessScope

__all__ = ["JaxTrainer", "value_and_grad"]


def value_and_grad(fn, variables, has_aux=False):
    """``(fn(), grads)`` with gradients w.r.t. ``variables``; other assignments take effect."""
    variables = list(variables)
    values = [v.value for v in variables]
    assigned_vars = []  # filled while tracing; Variables cannot leave the trace as outputs

    def pure(vals):
        with StatelessScope(list(zip(variables, vals))) as scope:
            out = fn()
        assigned = [(v, val) for v, val in scope.assigned() if not any(v is t for t in variables)]
        assigned_vars[:] = [v for v, _ in assigned]
        loss = out[0] if has_aux else out
        aux = out[1] if has_aux else None
        return loss, (aux, [val for _, val in assigned])

    (loss, (aux, new_values)), grads = jax.value_and_grad(pure, has_aux=True)(values)
    for variable, value in zip(assigned_vars, new_values):
        variable.assign(value)
    if has_aux:
        return (loss, aux), list(grads)
    return loss, list(grads)


def _copy(values):
    return [jnp.array(v, copy=True) for v in values]


class JaxTrainer:
    """Runs training / evaluation / prediction batches for a kcore model as jitted pure steps."""

    accepts_numpy = True  # the core may pass NumPy batches straight to the jitted steps

    def __init__(self, model):
        self.model = model
        self._groups = None
        self._state = None
        self._train_fn = None
        self._test_fn = None
        self._predict_fn = None

    # -- state -------------------------------------------------------------------------------------
    def _collect(self):
        model = self.model
        trainable = list(model.trainable_variables)
        ids = {id(v) for v in trainable}
        other = [v for v in model.variables if id(v) not in ids]
        optimizer = list(model.optimizer.variables) if getattr(model, "optimizer", None) else []
        metrics = []
        seen = set()
        for metric in model.metrics:
            for v in metric.variables:
                if id(v) not in seen:
                    seen.add(id(v))
                    metrics.append(v)
        return trainable, other, optimizer, metrics

    def _ensure_state(self):
        if self._state is None:
            if self._groups is None:
                self._groups = self._collect()
            self._state = [_copy(v.value for v in group) for group in self._groups]

    def sync(self, metrics_only=False):
        """Write the held state back into the Variables.

        ``metrics_only`` copies the metric state (the held arrays stay in use). A full sync hands
        every held array to its Variable without a copy and drops the held state; the next step
        copies it back from the Variables, so donation never touches a Variable's buffer.
        """
        if self._state is None:
            return
        if metrics_only:
            for variable, value in zip(self._groups[3], self._state[3]):
                variable._direct_assign(jnp.array(value, copy=True))
            return
        for variables, values in zip(self._groups, self._state):
            for variable, value in zip(variables, values):
                variable._direct_assign(value)
        self._state = None

    def on_metrics_reset(self):
        if self._state is not None:
            self._state[3] = _copy(v.value for v in self._groups[3])

    def begin(self):
        """Start of fit / evaluate / predict: read the Variables afresh (they may have changed)."""
        groups = self._collect()
        if self._groups is not None and any(
            len(a) != len(b) or any(x is not y for x, y in zip(a, b))
            for a, b in zip(groups, self._groups)
        ):
            self._train_fn = self._test_fn = self._predict_fn = None  # different variables
        self._groups = groups
        self._state = None

    def end(self):
        """End of fit / evaluate / predict: write everything back and release the state."""
        self.sync()

    # -- pure steps --------------------------------------------------------------------------------
    def _forward_scope(self, trainable_values, other_values):
        trainable, other, _, _ = self._groups
        return StatelessScope(
            list(zip(trainable, trainable_values)) + list(zip(other, other_values))
        )

    def _train_step(self, state, x, y, sample_weight):
        model = self.model
        trainable_values, other_values, optimizer_values, metric_values = state
        _, other, _, metric_vars = self._groups

        def loss_fn(tv):
            with self._forward_scope(tv, other_values) as scope:
                model._clear_losses()
                y_pred = model(x, training=True)
                loss = model.compute_loss(
                    x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
                )
            new_other = [scope.get_current_value(v) for v in other]
            # compute_loss stashes per-output losses on the model; inside value_and_grad they
            # are linearize tracers, so carry them out as aux instead of reading them later.
            per_output = getattr(model, "_last_output_losses", None)
            return loss, (y_pred, new_other, per_output)

        (loss, (y_pred, other_values, per_output)), grads = jax.value_and_grad(
            loss_fn, has_aux=True
        )(trainable_values)
        if per_output is not None:
            object.__setattr__(model, "_last_output_losses", per_output)
        trainable_values, optimizer_values = model.optimizer.stateless_apply(
            optimizer_values, grads, trainable_values
        )
        with StatelessScope(list(zip(metric_vars, metric_values))) as scope:
            model._update_metrics(loss, y, y_pred, sample_weight)
        metric_values = [scope.get_current_value(v) for v in metric_vars]
        return [list(trainable_values), list(other_values), list(optimizer_values), metric_values]

    def _test_step(self, trainable_values, other_values, metric_values, x, y, sample_weight):
        model = self.model
        metric_vars = self._groups[3]
        with self._forward_scope(trainable_values, other_values):
            model._clear_losses()
            y_pred = model(x, training=False)
            loss = model.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
            )
        with StatelessScope(list(zip(metric_vars, metric_values))) as scope:
            model._update_metrics(loss, y, y_pred, sample_weight)
        return [scope.get_current_value(v) for v in metric_vars]

    def _predict_step(self, trainable_values, other_values, x):
        with self._forward_scope(trainable_values, other_values):
            return self.model(x, training=False)

    # -- runner interface --------------------------------------------------------------------------
    def train_batch(self, x, y, sample_weight):
        self._ensure_state()
        if self._train_fn is None:
            self._train_fn = jax.jit(self._train_step, donate_argnums=(0,))
        self._state = self._train_fn(self._state, x, y, sample_weight)

    def test_batch(self, x, y, sample_weight):
        self._ensure_state()
        if self._test_fn is None:
            self._test_fn = jax.jit(self._test_step, donate_argnums=(2,))
        tv, ov, _, mv = self._state
        self._state[3] = self._test_fn(tv, ov, mv, x, y, sample_weight)

    def predict_batch(self, x):
        if self._groups is None:
            self._groups = self._collect()
        if self._predict_fn is None:
            self._predict_fn = jax.jit(self._predict_step)
        if self._state is not None:  # mid-fit: the held state is the freshest
            tv, ov = self._state[0], self._state[1]
        else:  # no copies needed: prediction donates nothing
            tv = [v.value for v in self._groups[0]]
            ov = [v.value for v in self._groups[1]]
        return self._predict_fn(tv, ov, x)
