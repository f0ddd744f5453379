"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.testing.layer_test import run_layer_test

layers = kcore.layers

X = np.array([[-10.0, -5.0, -1.0, 0.0, 0.5, 1.0, 5.0, 10.0]], "float32")
X3 = np.random.default_rng(0).standard_normal((2, 3, 4)).astype("float32")


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _normalize(value):
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items() if k != "name"}
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    return value


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# -- ReLU ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({}, np.maximum(X, 0)),
        ({"max_value": 6.0}, np.clip(X, 0, 6)),
        ({"negative_slope": 0.5, "max_value": 10}, [[-5, -2.5, -0.5, 0, 0.5, 1, 5, 10]]),
        ({"threshold": 1.0}, [[0, 0, 0, 0, 0, 0, 5, 10]]),  # x == threshold gives 0 (Keras)
        ({"threshold": 1.0, "negative_slope": 0.1}, [[-1.1, -0.6, -0.2, -0.1, -0.05, 0, 5, 10]]),
    ],
)
def test_relu(kwargs, expected):
    run_layer_test(
        layers.ReLU,
        kwargs,
        input_data=X,
        expected_output_shape=X.shape,
        expected_output=np.asarray(expected, "float32"),
        expected_num_trainable_weights=0,
        supports_masking=True,
    )


def test_relu_validation():
    for kwargs, match in [
        ({"max_value": -1.0}, "max_value"),
        ({"negative_slope": -0.1}, "negative_slope"),
        ({"negative_slope": None}, "negative_slope"),
        ({"threshold": -1.0}, "threshold"),
        ({"threshold": "0"}, "threshold"),
    ]:
        with pytest.raises(ValueError, match=match):
            layers.ReLU(**kwargs)
    assert layers.ReLU(max_value=np.float32(2.0)).get_config()["max_value"] == 2.0


# -- LeakyReLU ----------------------------------------------------------------------------------
def test_leaky_relu():
    run_layer_test(
        layers.LeakyReLU,
        {},
        input_data=X,
        expected_output=np.where(X >= 0, X, 0.3 * X),
        supports_masking=True,
    )
    run_layer_test(
        layers.LeakyReLU,
        {"negative_slope": 0.5},
        input_data=X,
        expected_output=np.where(X >= 0, X, 0.5 * X),
    )


def test_leaky_relu_alpha_is_deprecated_alias_and_validation():
    with pytest.warns(UserWarning, match="`alpha` is deprecated"):
        layer = layers.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1
    assert "alpha" not in layer.get_config() and layer.get_config()["negative_slope"] == 0.1
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=-1)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=None)


# -- ELU ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_elu(alpha):
    run_layer_test(
        layers.ELU,
        {"alpha": alpha},
        input_data=X,
        expected_output=np.where(X > 0, X, alpha * (np.exp(X) - 1)),
        supports_masking=True,
    )
    with pytest.raises(ValueError, match="alpha"):
        layers.ELU(alpha="big")


# -- PReLU --------------------------------------------------------------------------------------
def test_prelu_layer_test():
    run_layer_test(
        layers.PReLU,
        {"alpha_initializer": "ones", "shared_axes": [1]},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=1,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )
    run_layer_test(
        layers.PReLU,
        {"alpha_initializer": "random_normal", "alpha_regularizer": "l2"},
        input_shape=(2, 5),
        expected_output_shape=(2, 5),
        expected_num_losses=1,
        run_mixed_precision_check=True,
    )


def test_prelu_values_weights_and_shared_axes():
    layer = layers.PReLU(alpha_initializer=kcore.initializers.Constant(0.25))
    np.testing.assert_allclose(_np(layer(X)), np.where(X >= 0, X, 0.25 * X), rtol=1e-6)
    assert [w.name for w in layer.weights] == ["alpha"] and layer.alpha.shape == (8,)
    layer = layers.PReLU(shared_axes=(1, 2))
    layer.build((None, 5, 6, 3))
    assert layer.alpha.shape == (1, 1, 3) and layer.get_config()["shared_axes"] == [1, 2]
    assert layers.PReLU(shared_axes=2).shared_axes == [2]
    alpha = np.random.default_rng(1).standard_normal((1, 4)).astype("float32")
    layer = layers.PReLU(shared_axes=1)
    layer.build((None, 3, 4))
    layer.set_weights([alpha])
    np.testing.assert_allclose(_np(layer(X3)), np.where(X3 >= 0, X3, alpha * X3), rtol=1e-6)
    # Unknown shared dims are fine; the input spec then checks the others.
    out = layers.PReLU(shared_axes=[1])(kcore.Input((None, 4)))
    assert out.shape == (None, None, 4)
    with pytest.raises(ValueError, match="incompatible"):
        layer(np.zeros((2, 3, 5), "float32"))


def test_prelu_constraint():
    # (alpha = 0 would give zero gradients for a mean-square loss: relu(x) * relu(-x) = 0.)
    kwargs = {"alpha_constraint": "non_neg", "alpha_initializer": "ones"}
    run_layer_test(layers.PReLU, kwargs, input_shape=(2, 3), expected_num_trainable_weights=1)
    layer = layers.PReLU(**kwargs)
    layer.build((None, 3))
    assert layer.alpha.constraint is layer.alpha_constraint
    assert layer.get_config()["alpha_constraint"]["class_name"] == "NonNeg"


def test_prelu_validation():
    with pytest.raises(ValueError, match="shared_axes"):
        layers.PReLU(shared_axes=[0])
    with pytest.raises(ValueError, match="shared_axes"):
        layers.PReLU(shared_axes=["1"])
    with pytest.raises(ValueError, match="shared_axes"):
        layers.PReLU(shared_axes=[3])(kcore.Input((4,)))
    with pytest.raises(ValueError, match="must be known"):
        layers.PReLU()(kcore.Input((None, 4)))
    with pytest.raises(ValueError, match="alpha_initializer"):
        layers.PReLU(alpha_initializer=3)


# -- Softmax ------------------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [-1, 1, (1, 2), [2]])
def test_softmax(axis):
    expected = _softmax(X3.astype("float64"), axis=tuple(axis) if isinstance(axis, list) else axis)
    run_layer_test(
        layers.Softmax,
        {"axis": axis},
        input_data=X3,
        expected_output=expected,
        expected_output_shape=X3.shape,
        supports_masking=True,
    )


def test_softmax_mask():
    layer = layers.Softmax()
    x = np.array([[1.0, 2.0, 1.0], [3.0, 1.0, 0.0]], "float32")
    mask = np.array([[True, False, True], [False, False, False]])
    got = _np(layer(x, mask=mask))
    np.testing.assert_allclose(got, [[0.5, 0.0, 0.5], [0.0, 0.0, 0.0]], atol=1e-7)
    # A float mask keeps values > 0.5; a mask broadcasts from the right.
    np.testing.assert_allclose(_np(layer(x, mask=mask.astype("float32"))), got, atol=1e-7)
    keep = np.array([True, True, False])
    expected = np.concatenate([_softmax(x[:, :2]), np.zeros((2, 1))], axis=1)
    np.testing.assert_allclose(_np(layer(x, mask=keep)), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="broadcastable"):
        layer(x, mask=np.ones((2, 2), bool))
    with pytest.raises(ValueError, match="broadcastable"):
        layer(x, mask=np.ones((1, 2, 3), bool))


def test_softmax_mask_in_functional_model():
    logits, mask = kcore.Input((4,)), kcore.Input((4,), dtype="bool")
    model = kcore.Model([logits, mask], layers.Softmax()(logits, mask=mask))
    x = np.arange(8, dtype="float32").reshape(2, 4)
    m = np.array([[1, 1, 0, 0], [0, 1, 1, 1]], bool)
    got = _np(model([x, m]))
    np.testing.assert_allclose(got.sum(-1), 1.0, rtol=1e-6)
    assert np.all(got[~m] == 0)


def test_softmax_validation():
    with pytest.raises(ValueError, match="axis"):
        layers.Softmax(axis="last")
    with pytest.raises(ValueError, match="axis"):
        layers.Softmax(axis=[])


# -- Keras parity -------------------------------------------------------------------------------
PARITY = {
    "relu": ("ReLU", {}, (2, 6)),
    "relu_all_args": ("ReLU", {"max_value": 1.5, "negative_slope": 0.2, "threshold": 0.5}, (3, 5)),
    "relu6": ("ReLU", {"max_value": 6.0}, (3, 5)),
    "leaky_relu": ("LeakyReLU", {}, (2, 6)),
    "leaky_relu_slope": ("LeakyReLU", {"negative_slope": 0.01}, (2, 6)),
    "elu": ("ELU", {}, (2, 6)),
    "elu_alpha": ("ELU", {"alpha": 0.3}, (2, 3, 4)),
    "prelu": ("PReLU", {"alpha_initializer": "random_uniform"}, (2, 3, 4)),
    "prelu_shared": ("PReLU", {"shared_axes": [1, 2], "alpha_regularizer": "l2"}, (2, 3, 4, 5)),
    "prelu_constraint": ("PReLU", {"alpha_constraint": "non_neg"}, (2, 4)),
    "softmax": ("Softmax", {}, (2, 6)),
    "softmax_axis1": ("Softmax", {"axis": 1}, (2, 3, 4)),
    "softmax_axes": ("Softmax", {"axis": (1, 2)}, (2, 3, 4)),
}


@pytest.mark.parametrize("case", sorted(PARITY))
def test_activation_layer_matches_keras(case, keras):
    cls_name, kwargs, shape = PARITY[case]
    rng = np.random.default_rng(2)
    x = (2 * rng.standard_normal(shape)).astype("float32")
    ours, theirs = getattr(layers, cls_name)(**kwargs), getattr(keras.layers, cls_name)(**kwargs)
    theirs.build(shape)
    ours.build(shape)
    if theirs.weights:
        theirs.set_weights([rng.standard_normal(w.shape).astype("float32") for w in theirs.weights])
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(_np(ours(x)), np.asarray(theirs(x)), rtol=1e-5, atol=1e-6)
    assert len(ours.losses) == len(theirs.losses)
    assert _normalize(ours.get_config()) == _normalize(theirs.get_config())
    rebuilt = getattr(layers, cls_name).from_config(theirs.get_config())
    assert _normalize(rebuilt.get_config()) == _normalize(ours.get_config())
    getattr(keras.layers, cls_name).from_config(ours.get_config())


def test_softmax_mask_matches_keras(keras):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 4)).astype("float32")
    for mask in (rng.random((2, 3, 4)) > 0.4, rng.random((3, 1)) > 0.3, rng.random((2, 3, 4))):
        for axis in (-1, (1, 2)):
            ours = _np(layers.Softmax(axis=axis)(x, mask=mask))
            theirs = np.asarray(keras.layers.Softmax(axis=axis)(x, mask=mask))
            np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)


def test_relu_threshold_edge_matches_keras(keras):
    x = np.array([[-1.0, 0.0, 0.5, 1.0, 1.5, 2.0]], "float32")
    for kwargs in ({"threshold": 1.0}, {"threshold": 0.5, "negative_slope": 0.2, "max_value": 1.5}):
        np.testing.assert_allclose(
            _np(layers.ReLU(**kwargs)(x)), np.asarray(keras.layers.ReLU(**kwargs)(x)), atol=1e-7
        )


def test_leaky_relu_alpha_config_matches_keras(keras):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = layers.LeakyReLU(alpha=0.2), keras.layers.LeakyReLU(alpha=0.2)
    assert _normalize(ours.get_config()) == _normalize(theirs.get_config())
