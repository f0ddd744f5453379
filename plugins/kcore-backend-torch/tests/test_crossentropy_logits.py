"""Crossentropy on a softmax / sigmoid output computes from the logits (Keras's TF-backend rule)."""

import numpy as np
import torch

from kcore import ops


def test_sparse_crossentropy_of_a_softmax_output_uses_its_logits():
    logits = torch.tensor([[0.0, -200.0], [3.0, 1.0]], requires_grad=True)
    target = torch.tensor([1, 0])
    loss = ops.sparse_categorical_crossentropy(target, ops.softmax(logits))
    exact = ops.sparse_categorical_crossentropy(target, logits, from_logits=True)
    np.testing.assert_allclose(loss.detach().numpy(), exact.detach().numpy(), rtol=1e-6)
    assert float(loss[0].detach()) > 199.0  # log(clip(p)) would stop at -log(1e-7) ~ 16.1
    (grad,) = torch.autograd.grad(loss.sum(), logits)
    assert float(grad[0, 1]) < -0.99  # the saturated sample still has a gradient


def test_categorical_and_binary_crossentropy_use_logits_too():
    logits = torch.tensor([[2.0, -1.0, 0.5]])
    onehot = torch.tensor([[0.0, 1.0, 0.0]])
    np.testing.assert_allclose(
        ops.categorical_crossentropy(onehot, ops.softmax(logits)).numpy(),
        ops.categorical_crossentropy(onehot, logits, from_logits=True).numpy(),
        rtol=1e-6,
    )
    z = torch.tensor([[-40.0], [1.0]])
    y = torch.tensor([[1.0], [0.0]])
    np.testing.assert_allclose(
        ops.binary_crossentropy(y, ops.sigmoid(z)).numpy(),
        ops.binary_crossentropy(y, z, from_logits=True).numpy(),
        rtol=1e-6,
    )


def test_untagged_probabilities_keep_the_clipped_formula():
    probs = torch.tensor([[1.0, 0.0]])
    loss = ops.sparse_categorical_crossentropy(torch.tensor([1]), probs)
    np.testing.assert_allclose(float(loss[0]), -np.log(1e-7), rtol=1e-5)
    # a softmax over another axis is not used for a crossentropy over the last axis
    x = torch.tensor([[1.0, 2.0], [3.0, 0.5]])
    p = ops.softmax(x, axis=0)
    clipped = -np.log(np.clip(p.numpy() / p.numpy().sum(-1, keepdims=True), 1e-7, 1 - 1e-7))
    np.testing.assert_allclose(
        ops.sparse_categorical_crossentropy(torch.tensor([0, 1]), p).numpy(),
        [clipped[0, 0], clipped[1, 1]],
        rtol=1e-5,
    )
