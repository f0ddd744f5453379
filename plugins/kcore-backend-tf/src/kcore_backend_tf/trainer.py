"""The TensorFlow step runner: the model's step traced once into a ``tf.function`` graph.

kcore variables on TF wrap ``tf.Variable``, so the ordinary eager step (forward, loss,
``tf.GradientTape``, optimizer assignments, metric updates) traces into a graph unchanged; later
calls with the same input signature run the graph. ``run_eagerly=True`` skips this (the core
then uses its generic runner).
"""

from __future__ import annotations

import tensorflow as tf

__all__ = ["TFTrainer", "value_and_grad"]


def value_and_grad(fn, variables, has_aux=False):
    """``(fn(), grads)``: gradients of the scalar loss with respect to ``variables``."""
    tf_vars = [v._value for v in variables]
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        for v in tf_vars:
            tape.watch(v)
        out = fn()
    loss = out[0] if has_aux else out
    grads = tape.gradient(loss, tf_vars, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return out, list(grads)


class TFTrainer:
    """Runs training / evaluation / prediction batches for a kcore model as TF graphs."""

    def __init__(self, model):
        self.model = model
        self._train_fn = tf.function(self._train)  # static shapes: one trace per batch size
        self._test_fn = tf.function(self._test)  # static shapes: one trace per batch size
        self._predict_fn = tf.function(self._predict)  # static shapes: one trace per batch size
        self._multi_fn = tf.function(self._train_many)

    def _train(self, x, y, sample_weight):
        model = self.model
        variables = model.trainable_variables

        def loss_fn():
            model._clear_losses()
            y_pred = model(x, training=True)
            loss = model.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
            )
            return loss, y_pred

        (loss, y_pred), grads = value_and_grad(loss_fn, variables, has_aux=True)
        model.optimizer.apply(grads, variables)
        model._update_metrics(loss, y, y_pred, sample_weight)

    def _train_many(self, batches):
        # steps_per_execution: the Python loop unrolls into one graph of len(batches) steps.
        for x, y, sample_weight in batches:
            self._train(x, y, sample_weight)

    def _test(self, x, y, sample_weight):
        model = self.model
        model._clear_losses()
        y_pred = model(x, training=False)
        loss = model.compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
        )
        model._update_metrics(loss, y, y_pred, sample_weight)

    def _predict(self, x):
        return self.model(x, training=False)

    def train_batch(self, x, y, sample_weight):
        self._train_fn(x, y, sample_weight)

    def train_batches(self, batches):
        """Run several training steps in one graph call (``compile(steps_per_execution=N)``)."""
        self._multi_fn(tuple(tuple(b) for b in batches))

    def test_batch(self, x, y, sample_weight):
        self._test_fn(x, y, sample_weight)

    def predict_batch(self, x):
        return self._predict_fn(x)

    def begin(self):
        pass

    def end(self):
        pass

    def sync(self, metrics_only=False):
        """Nothing to write back: TF variables are updated in place by the graph."""
