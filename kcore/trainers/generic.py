"""The generic step runner: forward, loss, gradients, update -- on any backend.

It needs one thing from the backend, ``value_and_grad(fn, variables, has_aux)``. Backends may
register a faster runner (``Backend.trainer_class``: a whole-step ``jax.jit``, a ``tf.function``,
a lean torch step) that must give the same numbers.
"""

from __future__ import annotations

from kcore.backend import get_backend

__all__ = ["GenericTrainer"]


class GenericTrainer:
    """Runs single steps for ``model`` eagerly through ``kcore.ops`` and the backend's autodiff."""

    def __init__(self, model):
        self.model = model
        self.backend = get_backend()

    def train_batch(self, x, y, sample_weight):
        model = self.model
        variables = model.trainable_variables

        def loss_fn():
            model._clear_losses()
            y_pred = model(x, training=True)
            loss = model.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
            )
            return loss, y_pred

        (loss, y_pred), grads = self.backend.value_and_grad(loss_fn, variables, has_aux=True)
        model.optimizer.apply(grads, variables)
        model._update_metrics(loss, y, y_pred, sample_weight)

    def test_batch(self, x, y, sample_weight):
        model = self.model
        model._clear_losses()
        y_pred = model(x, training=False)
        loss = model.compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
        )
        model._update_metrics(loss, y, y_pred, sample_weight)

    def predict_batch(self, x):
        return self.model(x, training=False)

    def begin(self):
        """Called when fit / evaluate / predict starts."""

    def end(self):
        """Called when fit / evaluate / predict ends."""

    def sync(self, metrics_only=False):
        """Write any state held outside the Variables back into them (nothing to do here)."""
