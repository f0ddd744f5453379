"""The fused LSTM / GRU kernels: Keras-layout weights in, torch's native loop, Keras's numbers.

Each kernel is checked against a step-by-step torch implementation of Keras's formulas
(outputs, final states and autograd gradients for every weight and the inputs), and for the
inputs it declines.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from kcore_backend_torch import fused_rnn

import kcore

B, T, IN, U = 3, 5, 4, 6


def _tensors(rng, *shapes):
    return [
        torch.tensor(rng.standard_normal(s).astype("float32") * 0.5, requires_grad=True)
        for s in shapes
    ]


def _reference_lstm(x, h, c, kernel, recurrent, bias, go_backwards):
    n = x.shape[1]
    steps = range(n - 1, -1, -1) if go_backwards else range(n)
    outputs = []
    for t in steps:
        z = x[:, t] @ kernel + h @ recurrent
        if bias is not None:
            z = z + bias
        i, f, g, o = torch.split(z, U, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs.append(h)
    return h, torch.stack(outputs, 1), h, c


def _reference_gru(x, h, kernel, recurrent, bias, go_backwards):
    n = x.shape[1]
    steps = range(n - 1, -1, -1) if go_backwards else range(n)
    outputs = []
    for t in steps:
        xz = x[:, t] @ kernel
        hz = h @ recurrent
        if bias is not None:
            xz, hz = xz + bias[0], hz + bias[1]
        x_z, x_r, x_h = torch.split(xz, U, dim=-1)
        h_z, h_r, h_h = torch.split(hz, U, dim=-1)
        z, r = torch.sigmoid(x_z + h_z), torch.sigmoid(x_r + h_r)
        h = z * h + (1 - z) * torch.tanh(x_h + r * h_h)
        outputs.append(h)
    return h, torch.stack(outputs, 1), h


def _loss(results):
    last, outputs, *states = results
    total = (last**2).sum() + (outputs**3).sum()
    for i, s in enumerate(states):
        total = total + (i + 2) * s.sum()
    return total


def _compare(fused_results, reference_results, leaves):
    for got, want in zip(fused_results, reference_results):
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), atol=1e-6)
    fused_grads = torch.autograd.grad(_loss(fused_results), leaves)
    reference_grads = torch.autograd.grad(_loss(reference_results), leaves)
    for got, want in zip(fused_grads, reference_grads):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_lstm_matches_keras_formulas(use_bias, go_backwards):
    rng = np.random.default_rng(0)
    x, h0, c0, kernel, recurrent, bias = _tensors(
        rng, (B, T, IN), (B, U), (B, U), (IN, 4 * U), (U, 4 * U), (4 * U,)
    )
    bias = bias if use_bias else None
    fused = fused_rnn.lstm(
        x, h0, c0, kernel, recurrent, bias, go_backwards=go_backwards, return_sequences=True
    )
    reference = _reference_lstm(x, h0, c0, kernel, recurrent, bias, go_backwards)
    leaves = [t for t in (x, h0, c0, kernel, recurrent, bias) if t is not None]
    _compare(fused, reference, leaves)


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_gru_matches_keras_formulas(use_bias, go_backwards):
    rng = np.random.default_rng(1)
    x, h0, kernel, recurrent, bias = _tensors(
        rng, (B, T, IN), (B, U), (IN, 3 * U), (U, 3 * U), (2, 3 * U)
    )
    bias = bias if use_bias else None
    fused = fused_rnn.gru(
        x, h0, kernel, recurrent, bias, go_backwards=go_backwards, return_sequences=True
    )
    reference = _reference_gru(x, h0, kernel, recurrent, bias, go_backwards)
    leaves = [t for t in (x, h0, kernel, recurrent, bias) if t is not None]
    _compare(fused, reference, leaves)


@pytest.mark.parametrize("zero_output", [False, True])
def test_right_padded_mask_runs_each_row_on_its_valid_steps(zero_output):
    rng = np.random.default_rng(4)
    x, h0, c0, kernel, recurrent, bias = _tensors(
        rng, (B, T, IN), (B, U), (B, U), (IN, 4 * U), (U, 4 * U), (4 * U,)
    )
    lengths = [5, 2, 3]
    mask = torch.arange(T)[None, :] < torch.tensor(lengths)[:, None]
    last, outputs, h, c = fused_rnn.lstm(
        x,
        h0,
        c0,
        kernel,
        recurrent,
        bias,
        return_sequences=True,
        mask=mask,
        zero_output_for_mask=zero_output,
    )
    for b, n in enumerate(lengths):
        row = slice(b, b + 1)
        _, ref_out, ref_h, ref_c = _reference_lstm(
            x[row, :n], h0[row], c0[row], kernel, recurrent, bias, False
        )
        close = dict(atol=1e-6)
        np.testing.assert_allclose(h[row].detach(), ref_h.detach(), **close)
        np.testing.assert_allclose(c[row].detach(), ref_c.detach(), **close)
        np.testing.assert_allclose(outputs[row, :n].detach(), ref_out.detach(), **close)
        padding = 0.0 if zero_output else ref_h.detach().unsqueeze(1).expand(1, T - n, U)
        np.testing.assert_allclose(
            outputs[row, n:].detach(), np.broadcast_to(padding, (1, T - n, U)), **close
        )
        np.testing.assert_allclose(last[row].detach(), outputs[row, -1].detach())
    # gradients flow through the packed kernel to every weight
    grads = torch.autograd.grad(_loss((last, outputs, h, c)), (x, kernel, recurrent, bias))
    assert all(torch.isfinite(g).all() and g.abs().sum() > 0 for g in grads)


def test_last_output_only_and_weights_untouched():
    rng = np.random.default_rng(2)
    x, h0, c0, kernel, recurrent, bias = _tensors(
        rng, (B, T, IN), (B, U), (B, U), (IN, 4 * U), (U, 4 * U), (4 * U,)
    )
    before = [t.detach().clone() for t in (kernel, recurrent, bias)]
    last, outputs, h, c = fused_rnn.lstm(x, h0, c0, kernel, recurrent, bias)
    assert outputs is None and last.shape == h.shape == c.shape == (B, U)
    for t, b in zip((kernel, recurrent, bias), before):
        assert torch.equal(t, b)


def test_declines_what_it_does_not_compute():
    rng = np.random.default_rng(3)
    x, h0, kernel, recurrent = _tensors(rng, (B, T, IN), (B, U), (IN, 3 * U), (U, 3 * U))
    bias_2d, bias_1d = _tensors(rng, (2, 3 * U), (3 * U,))
    assert fused_rnn.gru(x.detach().numpy(), h0, kernel, recurrent, bias_2d) is NotImplemented
    assert fused_rnn.gru(x[:, 0], h0, kernel, recurrent, bias_2d) is NotImplemented
    assert fused_rnn.gru(x.double(), h0, kernel, recurrent, bias_2d) is NotImplemented
    assert fused_rnn.gru(x, h0, kernel, recurrent, bias_1d) is NotImplemented  # reset_after=False
    hole = torch.ones(B, T, dtype=torch.bool)
    hole[0, 1] = False
    empty = torch.ones(B, T, dtype=torch.bool)
    empty[1] = False
    right = torch.ones(B, T, dtype=torch.bool)
    right[2, 3:] = False
    for mask in (hole, empty):
        assert fused_rnn.gru(x, h0, kernel, recurrent, bias_2d, mask=mask) is NotImplemented
    assert fused_rnn.gru(x, h0, kernel, recurrent, bias_2d, mask=right) is not NotImplemented
    backwards = fused_rnn.gru(x, h0, kernel, recurrent, bias_2d, go_backwards=True, mask=right)
    assert backwards is NotImplemented


def test_registered_for_torch():
    assert kcore.backend.fused_kernel("LSTM") is fused_rnn.lstm
    assert kcore.backend.fused_kernel("GRU") is fused_rnn.gru


def test_predict_first_then_fit_with_a_fresh_bias_shape():
    # The cached zero bias must not be an inference tensor when predict() creates it first.
    pytest.importorskip("kcore_layers")
    pytest.importorskip("kcore_optim")
    fused_rnn._ZEROS.clear()
    model = kcore.Sequential([kcore.Input((4, 3)), kcore.layers.LSTM(5), kcore.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).standard_normal((8, 4, 3)).astype("float32")
    model.predict(x, verbose=0)
    history = model.fit(x, np.zeros((8, 1), "float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
