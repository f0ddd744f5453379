"""The torch step runner: a lean eager step, autograd, and no-grad evaluation and prediction.

Trainable kcore variables on torch are ``torch.nn.Parameter`` leaves, so the forward pass through
``kcore.ops`` builds the autograd graph directly; gradients come from one
``torch.autograd.grad`` call. Evaluation runs under ``torch.no_grad`` and prediction under
``torch.inference_mode`` (no graph is recorded).

``compile(jit_compile=True)`` runs the forward pass and loss (training and evaluation) and the
prediction forward through ``torch.compile``; autograd differentiates the compiled graph, and the
optimizer update and metrics stay eager. ``"auto"`` means eager on torch, as in Keras.
"""

from __future__ import annotations

import torch

__all__ = ["TorchTrainer", "value_and_grad"]


def value_and_grad(fn, variables, has_aux=False):
    """``(fn(), grads)``: gradients of the scalar loss with respect to ``variables``."""
    params = [v.value for v in variables]
    with torch.enable_grad():
        out = fn()
        loss = out[0] if has_aux else out
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
            raise ValueError(
                "value_and_grad: `fn` must return a scalar loss tensor"
                + (" as the first item of (loss, aux)" if has_aux else "")
                + f". Received: {type(loss).__name__} {getattr(loss, 'shape', '')}"
            )
        needs = [p for p in params if p.requires_grad]
        grads = torch.autograd.grad(loss, needs, allow_unused=True) if needs else ()
    by_id = {id(p): g for p, g in zip(needs, grads)}
    result = [by_id.get(id(p)) for p in params]
    result = [torch.zeros_like(p) if g is None else g for p, g in zip(params, result)]
    if has_aux:
        loss, aux = out
        aux = _detach(aux)
        return (loss.detach(), aux), result
    return loss.detach(), result


def _detach(struct):
    if isinstance(struct, torch.Tensor):
        return struct.detach()
    if isinstance(struct, (list, tuple)):
        return type(struct)(_detach(s) for s in struct)
    if isinstance(struct, dict):
        return {k: _detach(v) for k, v in struct.items()}
    return struct


class TorchTrainer:
    """Runs training / evaluation / prediction batches for a kcore model on torch."""

    def __init__(self, model):
        self.model = model
        self._variables = None
        self._params = None
        self._has_activity_losses = True
        self._compiled = {}

    def _fn(self, name, fn):
        """``fn``, or its ``torch.compile`` version when the model was compiled with jit."""
        if self.model.jit_compile is not True:
            return fn
        if name not in self._compiled:
            self._compiled[name] = torch.compile(fn)
        return self._compiled[name]

    def _forward_loss(self, x, y, sample_weight, training):
        model = self.model
        y_pred = model(x, training=training)
        loss = model.compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training
        )
        return loss, y_pred

    def _forward(self, x):
        return self.model(x, training=False)

    def _snapshot(self):
        # Once per fit / evaluate / train_on_batch (begin), not per step: the hot path then does
        # no walk over the layers. Freezing layers takes effect at the next fit, as in Keras.
        model = self.model
        self._variables = model.trainable_variables
        self._params = [v.value for v in self._variables]
        layers = [model, *model._flat_layers()]
        self._has_activity_losses = any(layer._activity_regularizer is not None for layer in layers)

    def train_batch(self, x, y, sample_weight):
        model = self.model
        if self._variables is None:
            self._snapshot()
        variables, params = self._variables, self._params
        if self._has_activity_losses:
            model._clear_losses()
        with torch.enable_grad():
            loss, y_pred = self._fn("train", self._forward_loss)(x, y, sample_weight, True)
            grads = torch.autograd.grad(loss, params, allow_unused=True)
        if any(g is None for g in grads):
            grads = [torch.zeros_like(p) if g is None else g for p, g in zip(params, grads)]
        model.optimizer.apply(grads, variables)
        with torch.no_grad():
            model._update_metrics(loss.detach(), y, _detach(y_pred), sample_weight)

    def test_batch(self, x, y, sample_weight):
        model = self.model
        model._clear_losses()
        # no_grad rather than inference_mode: metric variables are updated here and must stay
        # ordinary tensors usable by later training steps.
        with torch.no_grad():
            loss, y_pred = self._fn("test", self._forward_loss)(x, y, sample_weight, False)
            model._update_metrics(loss, y, y_pred, sample_weight)

    def predict_batch(self, x):
        if self.model.jit_compile is True:
            with torch.no_grad():  # compiled graphs and inference tensors do not mix
                return self._fn("predict", self._forward)(x)
        with torch.inference_mode():
            return self.model(x, training=False)

    def begin(self):
        self._variables = None  # re-snapshot lazily: the model may have changed since

    def end(self):
        pass

    def sync(self, metrics_only=False):
        """Nothing to write back: torch variables are updated in place."""
