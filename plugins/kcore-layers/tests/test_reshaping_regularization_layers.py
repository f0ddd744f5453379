"""Reshaping (Flatten, Reshape, Permute, RepeatVector) and regularization (Dropout,
ActivityRegularization) layers."""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.testing.layer_test import run_layer_test

layers = kcore.layers


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


X = np.arange(24, dtype="float32").reshape(2, 3, 4)


# -- Flatten ------------------------------------------------------------------------------------
def test_flatten():
    run_layer_test(
        layers.Flatten,
        {},
        input_data=X,
        expected_output_shape=(2, 12),
        expected_output=X.reshape(2, 12),
    )
    run_layer_test(
        layers.Flatten,
        {"data_format": "channels_first"},
        input_data=X,
        expected_output_shape=(2, 12),
        expected_output=X.transpose(0, 2, 1).reshape(2, 12),
    )
    run_layer_test(layers.Flatten, {}, input_shape=(3,), expected_output_shape=(3, 1))


def test_flatten_keeps_int_dtype_and_unknown_dims():
    assert layers.Flatten()(kcore.Input(shape=(3, 4), dtype="int32")).dtype == "int32"
    assert layers.Flatten()(kcore.Input(shape=(None, 4))).shape == (None, None)
    with pytest.raises(ValueError, match="data_format"):
        layers.Flatten(data_format="channels_middle")


# -- Reshape ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "target, expected", [((12,), (2, 12)), ((4, 3), (2, 4, 3)), ((-1, 2), (2, 6, 2))]
)
def test_reshape(target, expected):
    run_layer_test(
        layers.Reshape,
        {"target_shape": target},
        input_data=X,
        expected_output_shape=expected,
        expected_output=X.reshape(expected),
    )


def test_reshape_symbolic_unknown_dims_and_validation():
    assert layers.Reshape((-1, 2))(kcore.Input(shape=(None, 4))).shape == (None, None, 2)
    assert layers.Reshape((6, 2))(kcore.Input(shape=(3, 4))).shape == (None, 6, 2)
    with pytest.raises(ValueError, match="target_shape"):
        layers.Reshape((-1, -1))
    with pytest.raises(ValueError, match="target_shape"):
        layers.Reshape((0, 2))
    with pytest.raises(ValueError, match="cannot be reshaped"):
        layers.Reshape((5,))(kcore.Input(shape=(3, 4)))


# -- Permute ------------------------------------------------------------------------------------
def test_permute():
    run_layer_test(
        layers.Permute,
        {"dims": (2, 1)},
        input_data=X,
        expected_output_shape=(2, 4, 3),
        expected_output=X.transpose(0, 2, 1),
    )
    with pytest.raises(ValueError, match="consecutive"):
        layers.Permute((0, 1))
    with pytest.raises(ValueError, match="ndim=3"):
        layers.Permute((2, 1))(np.zeros((2, 3), "float32"))


# -- RepeatVector -------------------------------------------------------------------------------
def test_repeat_vector():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    run_layer_test(
        layers.RepeatVector,
        {"n": 4},
        input_data=x,
        expected_output_shape=(2, 4, 3),
        expected_output=np.repeat(x[:, None, :], 4, axis=1),
    )
    with pytest.raises(ValueError, match="`n`"):
        layers.RepeatVector(0)
    with pytest.raises(ValueError, match="ndim=2"):
        layers.RepeatVector(2)(X)


# -- Dropout ------------------------------------------------------------------------------------
def test_dropout_layer_test():
    run_layer_test(
        layers.Dropout,
        {"rate": 0.5, "seed": 1},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
        supports_masking=True,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
    )
    run_layer_test(
        layers.Dropout,
        {"rate": 0.5, "noise_shape": (None, 1, 4), "seed": 1},
        input_shape=(2, 3, 4),
        call_kwargs={"training": True},
        expected_output_shape=(2, 3, 4),
    )


def test_dropout_is_identity_unless_training():
    x = np.ones((64, 64), "float32")
    layer = layers.Dropout(0.3, seed=2)
    np.testing.assert_array_equal(_np(layer(x)), x)
    np.testing.assert_array_equal(_np(layer(x, training=False)), x)
    y = _np(layer(x, training=True))
    kept = y != 0
    assert 0.65 < kept.mean() < 0.75
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert not np.array_equal(y, _np(layer(x, training=True)))  # new mask each call


def test_dropout_seed_is_reproducible():
    x = np.ones((8, 8), "float32")
    a = _np(layers.Dropout(0.5, seed=3)(x, training=True))
    b = _np(layers.Dropout(0.5, seed=3)(x, training=True))
    np.testing.assert_array_equal(a, b)


def test_dropout_noise_shape_and_edge_rates():
    x = np.ones((4, 5, 6), "float32")
    y = _np(layers.Dropout(0.5, noise_shape=(None, 1, 6), seed=1)(x, training=True))
    assert np.all(y == y[:, :1, :])  # the same mask at every timestep
    np.testing.assert_array_equal(_np(layers.Dropout(0.0)(x, training=True)), x)
    np.testing.assert_array_equal(_np(layers.Dropout(1.0)(x, training=True)), np.zeros_like(x))
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(1.5)
    with pytest.raises(ValueError, match="noise_shape"):
        layers.Dropout(0.5, noise_shape="batch")
    with pytest.raises(ValueError, match="noise_shape"):
        layers.Dropout(0.5, noise_shape=(0, 2))


def test_dropout_in_training_context_of_a_model():
    inputs = kcore.Input(shape=(100,))
    model = kcore.Model(inputs, layers.Dropout(0.5, seed=1)(inputs))
    x = np.ones((4, 100), "float32")
    np.testing.assert_array_equal(_np(model(x)), x)
    assert (_np(model(x, training=True)) == 0).any()


# -- ActivityRegularization ---------------------------------------------------------------------
def test_activity_regularization():
    x = np.array([[1.0, -2.0], [3.0, 0.5]], "float32")
    run_layer_test(
        layers.ActivityRegularization,
        {"l1": 0.1, "l2": 0.01},
        input_data=x,
        expected_output=x,
        expected_num_losses=1,
        supports_masking=True,
    )
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    layer(x)
    (loss,) = layer.losses
    expected = (0.1 * np.abs(x).sum() + 0.01 * np.square(x).sum()) / 2  # divided by batch size
    np.testing.assert_allclose(_np(loss), expected, rtol=1e-6)
    assert layer.get_config()["l1"] == 0.1 and "activity_regularizer" not in layer.get_config()
