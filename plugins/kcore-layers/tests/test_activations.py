"""kcore.activations against NumPy formulas, on the active backend."""

from __future__ import annotations

import math

import numpy as np
import pytest

import kcore

X = np.linspace(-4.0, 4.0, 41, dtype="float32").reshape(1, 41)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softplus(x):
    return np.log1p(np.exp(x))


REFERENCES = {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1)),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "softplus": _softplus,
    "softsign": lambda x: x / (np.abs(x) + 1),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "gelu": lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / np.sqrt(2))),
    "exponential": np.exp,
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "hard_silu": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "linear": lambda x: x,
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "log_sigmoid": lambda x: np.log(_sigmoid(x)),
    "softmax": lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True),
    "log_softmax": lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True)),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "soft_shrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0),
    "squareplus": lambda x: (x + np.sqrt(x**2 + 4)) / 2,
    "celu": lambda x: np.maximum(x, 0) + np.minimum(0, np.exp(x) - 1),
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_activation_matches_numpy(name):
    fn = getattr(kcore.activations, name)
    got = kcore.ops.convert_to_numpy(fn(X))
    np.testing.assert_allclose(got, REFERENCES[name](X.astype("float64")), rtol=1e-5, atol=1e-5)


def test_relu_with_cap_threshold_and_slope():
    x = np.array([-2.0, -0.5, 0.5, 1.5, 3.0], dtype="float32")
    got = kcore.ops.convert_to_numpy(
        kcore.activations.relu(x, negative_slope=0.1, max_value=2.0, threshold=1.0)
    )
    expected = np.where(x >= 1.0, np.minimum(x, 2.0), 0.1 * (x - 1.0))
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_relu_rejects_negative_max_value():
    with pytest.raises(ValueError, match="max_value"):
        kcore.activations.relu(X, max_value=-1.0)


def test_every_registered_activation_is_callable_by_name():
    for name in dir(kcore.activations):
        assert callable(getattr(kcore.activations, name)), name
