"""Core layers: Dense, EinsumDense, Embedding, Activation, Lambda, Masking, Identity."""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.testing.layer_test import run_layer_test

layers = kcore.layers


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


# -- Dense --------------------------------------------------------------------------------------
def test_dense_layer_test():
    run_layer_test(
        layers.Dense,
        {"units": 5, "activation": "relu", "kernel_initializer": "he_normal"},
        input_shape=(2, 3),
        expected_output_shape=(2, 5),
        expected_output_dtype="float32",
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )


def test_dense_rank3_no_bias_with_regularizers_and_constraints():
    run_layer_test(
        layers.Dense,
        {
            "units": 4,
            "use_bias": False,
            "kernel_regularizer": "l2",
            "activity_regularizer": kcore.regularizers.L1(0.01),
            "kernel_constraint": "max_norm",
        },
        input_shape=(2, 3, 6),
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=1,
        expected_num_losses=2,
    )


def test_dense_mixed_precision():
    run_layer_test(
        layers.Dense,
        {"units": 3},
        input_shape=(2, 4),
        expected_output_shape=(2, 3),
        run_mixed_precision_check=True,
        run_training_check=False,
    )


def test_dense_numerics_and_weight_names():
    layer = layers.Dense(3, activation="sigmoid", name="d")
    x = np.arange(8, dtype="float32").reshape(2, 4) / 8
    y = _np(layer(x))
    kernel, bias = layer.get_weights()
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    assert [w.path for w in layer.weights] == ["d/kernel", "d/bias"]
    assert kernel.shape == (4, 3) and bias.shape == (3,)
    np.testing.assert_allclose(y, 1 / (1 + np.exp(-(x @ kernel + bias))), rtol=1e-6)


def test_dense_validation():
    with pytest.raises(
        ValueError, match=r"`units`, expected a positive integer. Received: units=0"
    ):
        layers.Dense(0)
    with pytest.raises(ValueError, match="units"):
        layers.Dense(2.5)
    with pytest.raises(ValueError, match="units"):
        layers.Dense(True)
    with pytest.raises(NotImplementedError, match="lora_rank"):
        layers.Dense(3, lora_rank=2)
    with pytest.raises(ValueError, match="kernel_initializer"):
        layers.Dense(3, kernel_initializer=42)
    with pytest.raises(ValueError, match="no_such_activation|not"):
        layers.Dense(3, activation="no_such_activation")
    assert layers.Dense(np.int64(3)).units == 3


def test_dense_input_spec_names_layer_expected_and_received():
    layer = layers.Dense(10, name="dense_1")
    layer.build((None, 784))
    with pytest.raises(ValueError) as info:
        layer(np.zeros((32, 28, 28), "float32"))
    message = str(info.value)
    assert '"dense_1"' in message and "784" in message and "(32, 28, 28)" in message
    with pytest.raises(ValueError, match="min_ndim=2"):
        layers.Dense(3)(np.zeros((4,), "float32"))
    with pytest.raises(ValueError, match="784"):
        layer(kcore.Input(shape=(28, 28)))


def test_dense_linear_activation_serializes_as_keras_does():
    assert layers.Dense(3).get_config()["activation"] == "linear"
    assert layers.Dense(3, activation=kcore.activations.relu).get_config()["activation"] == "relu"


# -- EinsumDense --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, input_shape, output_shape, weight_shapes",
    [
        ({"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c"}, (2, 3), (2, 4),
         [(3, 4), (4,)]),
        ({"equation": "abc,cd->abd", "output_shape": (None, 5), "bias_axes": "d"}, (2, 3, 6),
         (2, 3, 5), [(6, 5), (5,)]),
        ({"equation": "abc,cde->abde", "output_shape": (None, 2, 4), "bias_axes": "de"},
         (2, 3, 6), (2, 3, 2, 4), [(6, 2, 4), (2, 4)]),
        ({"equation": "abc,cde->abde", "output_shape": (None, 2, 4), "bias_axes": "e"},
         (2, 3, 6), (2, 3, 2, 4), [(6, 2, 4), (4,)]),
        ({"equation": "...b,bc->...c", "output_shape": 4, "bias_axes": "c"}, (2, 3, 5, 6),
         (2, 3, 5, 4), [(6, 4), (4,)]),
        ({"equation": "ab...,bc->ac...", "output_shape": 4, "bias_axes": "c"}, (2, 3, 5),
         (2, 4, 5), [(3, 4), (4, 1)]),
        ({"equation": "abc,cd->abd", "output_shape": (3, 5)}, (2, 3, 6), (2, 3, 5), [(6, 5)]),
    ],
)  # fmt: skip
def test_einsum_dense(kwargs, input_shape, output_shape, weight_shapes):
    run_layer_test(
        layers.EinsumDense,
        kwargs,
        input_shape=input_shape,
        expected_output_shape=output_shape,
        expected_num_trainable_weights=len(weight_shapes),
    )
    layer = layers.EinsumDense(**kwargs)
    layer.build(input_shape)
    assert [tuple(w.shape) for w in layer.weights] == weight_shapes
    assert [w.name for w in layer.weights] == ["kernel", "bias"][: len(weight_shapes)]


def test_einsum_dense_matches_numpy():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de")
    x = np.random.default_rng(0).standard_normal((2, 3, 6)).astype("float32")
    y = _np(layer(x))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(
        y, np.einsum("abc,cde->abde", x, kernel) + bias, rtol=1e-5, atol=1e-6
    )


def test_einsum_dense_fan_axes_passed_to_initializer():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 4))
    layer.build((None, 3, 600))
    # glorot_uniform with fan_in = 600 (c) and fan_out = 8 (d * e): limit sqrt(6 / 608).
    assert np.abs(layer.get_weights()[0]).max() <= np.sqrt(6 / 608) + 1e-6


def test_einsum_dense_validation():
    with pytest.raises(ValueError, match="Invalid einsum equation"):
        layers.EinsumDense("ab->b", output_shape=3)
    with pytest.raises(ValueError, match="Bias dimension"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="x").build((2, 4))
    with pytest.raises(ValueError, match="Weight dimension"):
        layers.EinsumDense("ab,bz->ab", output_shape=4).build((2, 4))
    with pytest.raises(ValueError, match="shared dimension"):
        layers.EinsumDense("abc,cd->abd", output_shape=(7, 5)).build((2, 3, 6))


# -- Embedding ----------------------------------------------------------------------------------
def test_embedding_layer_test():
    ids = np.array([[1, 2, 0], [4, 0, 0]], dtype="int32")
    run_layer_test(
        layers.Embedding,
        {"input_dim": 5, "output_dim": 4, "mask_zero": True},
        input_data=ids,
        expected_output_shape=(2, 3, 4),
        expected_output_dtype="float32",
        expected_num_trainable_weights=1,
        expected_mask_shape=(2, 3),
        supports_masking=True,
    )


def test_embedding_lookup_mask_and_weights():
    table = np.arange(12, dtype="float32").reshape(4, 3)
    layer = layers.Embedding(4, 3, mask_zero=True, weights=[table])
    assert layer.built and layer.weights[0].name == "embeddings"
    ids = np.array([[3, 0], [1, 2]])
    np.testing.assert_array_equal(_np(layer(ids)), table[ids])
    np.testing.assert_array_equal(_np(layer.compute_mask(ids)), ids != 0)
    np.testing.assert_array_equal(_np(layer(ids.astype("float32"))), table[ids])
    assert layers.Embedding(4, 3).compute_mask(ids) is None


def test_embedding_default_initializer_is_uniform_005():
    layer = layers.Embedding(1000, 50)
    layer.build()
    values = layer.get_weights()[0]
    assert values.min() >= -0.05 and values.max() < 0.05 and values.std() > 0.02


def test_embedding_validation_and_input_length():
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 3)
    with pytest.raises(ValueError, match="output_dim"):
        layers.Embedding(3, -1)
    with pytest.warns(UserWarning, match="input_length"):
        layer = layers.Embedding(10, 3, input_length=5)
    assert "input_length" not in layer.get_config()


def test_embedding_mask_flows_through_functional_model():
    inputs = kcore.Input(shape=(3,), dtype="int32")
    x = layers.Embedding(5, 2, mask_zero=True)(inputs)
    assert x._mask is not None and tuple(x._mask.shape) == (None, 3)


# -- Activation, Identity, Masking, Lambda ------------------------------------------------------
def test_activation_layer():
    run_layer_test(
        layers.Activation,
        {"activation": "tanh"},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
        supports_masking=True,
    )
    x = np.array([[-2.0, 0.5]], "float32")
    np.testing.assert_allclose(_np(layers.Activation("relu")(x)), [[0.0, 0.5]])
    np.testing.assert_allclose(_np(layers.Activation(ops.sigmoid)(x)), 1 / (1 + np.exp(-x)), 1e-6)


def test_identity_layer():
    run_layer_test(
        layers.Identity,
        {},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 4),
        supports_masking=True,
    )
    ids = kcore.Input(shape=(3,), dtype="int32")
    assert layers.Identity()(ids).dtype == "int32"


def test_masking_layer():
    x = np.array(
        [[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]], [[0.0, 0.0], [5.0, 6.0], [0.0, 0.0]]], "float32"
    )
    run_layer_test(
        layers.Masking,
        {"mask_value": 0.0},
        input_data=x,
        expected_output_shape=(2, 3, 2),
        expected_output=x,
        expected_mask_shape=(2, 3),
        supports_masking=True,
    )
    layer = layers.Masking(mask_value=1.0)
    y = np.array([[[1.0, 1.0], [1.0, 2.0]]], "float32")
    np.testing.assert_array_equal(_np(layer(y)), [[[0.0, 0.0], [1.0, 2.0]]])
    np.testing.assert_array_equal(_np(layer.compute_mask(y)), [[False, True]])


@kcore.saving.register_keras_serializable(package="kcore_layers_tests")
def scale_and_shift(x, factor=2.0, shift=0.0):
    return x * factor + shift


def test_lambda_layer_with_registered_function():
    run_layer_test(
        layers.Lambda,
        {"function": scale_and_shift, "arguments": {"factor": 3.0, "shift": 1.0}},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
        run_training_check=True,
    )
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(_np(layers.Lambda(scale_and_shift)(x)), 2 * x)


def named_concat(x):
    return ops.concatenate([x, x], axis=-1)


def test_lambda_plain_function_serializes_by_name_and_loads_with_custom_objects():
    layer = layers.Lambda(named_concat, output_shape=(6,))
    config = layer.get_config()
    assert config["function"]["class_name"] == "function"
    assert config["function"]["config"] == "named_concat"
    assert config["output_shape"] == (6,)
    with pytest.raises(ValueError, match="named_concat"):
        layers.Lambda.from_config(config)
    with kcore.saving.custom_object_scope({"named_concat": named_concat}):
        revived = layers.Lambda.from_config(config)
    assert revived.function is named_concat
    out = revived(kcore.Input(shape=(3,)))
    assert out.shape == (None, 6)


def test_lambda_output_shape_inferred_by_tracing():
    out = layers.Lambda(named_concat)(kcore.Input(shape=(3,)))
    assert out.shape == (None, 6)
    assert layers.Lambda(named_concat).compute_output_shape((None, 3)) == (None, 6)


def test_lambda_refuses_python_lambdas_in_configs():
    layer = layers.Lambda(lambda x: x + 1)
    np.testing.assert_allclose(_np(layer(np.zeros((1, 2), "float32"))), np.ones((1, 2)))
    with pytest.raises(ValueError, match="lambda"):
        layer.get_config()
    keras_style = {
        "name": "lambda",
        "function": {"class_name": "__lambda__", "config": {"code": "...", "defaults": None}},
        "arguments": {},
    }
    with pytest.raises(ValueError, match="arbitrary code"):
        layers.Lambda.from_config(keras_style)


def test_lambda_mask_and_training_arguments():
    def uses_training(x, training=None):
        return x * 2.0 if training else x

    layer = layers.Lambda(uses_training, mask=None)
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(_np(layer(x, training=True)), 2 * x)
    np.testing.assert_allclose(_np(layer(x)), x)
    masked = layers.Lambda(named_concat, mask=lambda inputs, mask: mask)
    assert masked.supports_masking
