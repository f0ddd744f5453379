"""TimeDistributed: shapes, the fold of time into batch, masks, config, parity with Keras 3."""

from __future__ import annotations

import json

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.testing.layer_test import run_layer_test

layers = kcore.layers


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _strip_names(value):
    """The config without layer names (auto-names differ between libraries) and without the
    ``build_config`` Keras writes for every built layer (kcore's base layer writes none)."""
    if isinstance(value, dict):
        return {k: _strip_names(v) for k, v in value.items() if k not in ("name", "build_config")}
    if isinstance(value, (list, tuple)):
        return [_strip_names(v) for v in value]
    return value


def _json(value):
    return json.loads(json.dumps(value))


class _CountingDense(layers.Dense):
    """A Dense that counts its calls and records the masks it receives."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = 0
        self.masks = []

    def call(self, inputs, mask=None):
        self.calls += 1
        self.masks.append(mask)
        return super().call(inputs)


# -- run_layer_test --------------------------------------------------------------------------------
def test_time_distributed_dense_layer_test():
    run_layer_test(
        layers.TimeDistributed,
        {"layer": layers.Dense(3, activation="relu")},
        input_shape=(2, 4, 5),
        expected_output_shape=(2, 4, 3),
        expected_output_dtype="float32",
        expected_num_trainable_weights=2,
        supports_masking=True,
    )


def test_time_distributed_conv2d_layer_test():
    run_layer_test(
        layers.TimeDistributed,
        {"layer": layers.Conv2D(4, 3, padding="same")},
        input_shape=(2, 3, 5, 5, 2),
        expected_output_shape=(2, 3, 5, 5, 4),
        expected_num_trainable_weights=2,
    )


def test_time_distributed_model_layer_test():
    inner = kcore.Sequential(
        [kcore.Input((4,)), layers.Dense(3, activation="tanh"), layers.Dense(2)]
    )
    run_layer_test(
        layers.TimeDistributed,
        {"layer": inner},
        input_shape=(2, 3, 4),
        expected_output_shape=(2, 3, 2),
        expected_num_trainable_weights=4,
    )


# -- Keras parity ----------------------------------------------------------------------------------
def _pair(keras, make):
    return make(kcore.layers), make(keras.layers)


CASES = {
    "dense": (lambda L: L.TimeDistributed(L.Dense(4, activation="tanh")), (2, 3, 5)),
    "dense_rank4": (lambda L: L.TimeDistributed(L.Dense(4)), (2, 3, 2, 5)),
    "conv2d": (lambda L: L.TimeDistributed(L.Conv2D(3, 2, strides=2)), (2, 3, 6, 6, 2)),
    "flatten": (lambda L: L.TimeDistributed(L.Flatten()), (2, 3, 2, 4)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_time_distributed_matches_keras(case, keras):
    make, shape = CASES[case]
    ours, theirs = _pair(keras, make)
    x = np.random.default_rng(0).standard_normal(shape).astype("float32")
    expected = np.asarray(theirs(x))
    ours(x)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(_np(ours(x)), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(ours(x, training=True)), expected, rtol=1e-5, atol=1e-5)
    assert _strip_names(_json(ours.get_config())) == _strip_names(_json(theirs.get_config()))
    rebuilt = layers.TimeDistributed.from_config(theirs.get_config())
    assert type(rebuilt.layer) is type(ours.layer)
    keras.layers.TimeDistributed.from_config(ours.get_config())
    symbolic = make(kcore.layers)(kcore.Input(shape=(None, *shape[2:])))
    keras_symbolic = make(keras.layers)(keras.Input(shape=(None, *shape[2:])))
    assert tuple(symbolic.shape) == tuple(keras_symbolic.shape)


def test_time_distributed_whole_model_matches_keras(keras):
    def inner(lib):
        return lib.Sequential(
            [lib.Input((5,)), lib.layers.Dense(4, activation="relu"), lib.layers.Dense(2)]
        )

    ours, theirs = layers.TimeDistributed(inner(kcore)), keras.layers.TimeDistributed(inner(keras))
    x = np.random.default_rng(1).standard_normal((2, 3, 5)).astype("float32")
    expected = np.asarray(theirs(x))
    ours(x)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(_np(ours(x)), expected, rtol=1e-5, atol=1e-5)


def test_time_distributed_mask_reaches_inner_layer_as_keras(keras):
    x = np.random.default_rng(2).standard_normal((2, 3, 4, 5)).astype("float32")
    mask = np.random.default_rng(3).random((2, 3, 4)) > 0.3
    mask[..., 0] = True
    ours = layers.TimeDistributed(layers.GlobalAveragePooling1D())
    theirs = keras.layers.TimeDistributed(keras.layers.GlobalAveragePooling1D())
    expected = np.asarray(theirs(x, mask=mask))
    np.testing.assert_allclose(_np(ours(x, mask=mask)), expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(_np(ours(x)), expected)  # the mask mattered


def test_batch_normalization_runs_per_step_in_training_as_keras(keras):
    x = np.random.default_rng(4).standard_normal((4, 3, 5)).astype("float32") * 2 + 1
    ours = layers.TimeDistributed(layers.BatchNormalization())
    theirs = keras.layers.TimeDistributed(keras.layers.BatchNormalization())
    expected = np.asarray(theirs(x, training=True))
    np.testing.assert_allclose(_np(ours(x, training=True)), expected, rtol=1e-4, atol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):  # moving stats: 3 updates
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        _np(ours(x)), np.asarray(theirs(x)), rtol=1e-5, atol=1e-5
    )  # inference folds: moving statistics are per sample


# -- the fold, masks, errors -----------------------------------------------------------------------
def test_inner_layer_is_called_once_with_time_folded_into_batch():
    inner = _CountingDense(2)
    layer = layers.TimeDistributed(inner)
    x = np.ones((2, 3, 4), "float32")
    mask = np.array([[True, True, False], [True, False, False]])
    y = layer(x, mask=mask)
    assert tuple(ops.shape(y)) == (2, 3, 2)
    assert inner.calls == 1
    np.testing.assert_array_equal(_np(inner.masks[-1]), mask.reshape(6))


def test_mask_passes_through_a_functional_model():
    tokens = kcore.Input(shape=(3, 4), dtype="int32")
    x = layers.TimeDistributed(layers.Embedding(10, 5, mask_zero=True))(tokens)
    y = layers.TimeDistributed(layers.Dense(2))(x)
    assert y.shape == (None, 3, 4, 2)
    model = kcore.Model(tokens, y)
    ids = np.array([[[1, 2, 0, 0], [3, 0, 0, 0], [4, 5, 6, 7]]], "int32")
    assert tuple(ops.shape(model(ids))) == (1, 3, 4, 2)


def test_time_distributed_symbolic_unknown_time_and_serialization():
    inputs = kcore.Input(shape=(None, 4))
    outputs = layers.TimeDistributed(layers.Dense(3), name="td")(inputs)
    assert outputs.shape == (None, None, 3)
    model = kcore.Model(inputs, outputs)
    clone = kcore.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(5).standard_normal((2, 7, 4)).astype("float32")
    np.testing.assert_allclose(_np(clone(x)), _np(model(x)), rtol=1e-6, atol=1e-6)
    assert [w.path for w in model.weights] == [w.path for w in clone.weights]


def test_time_distributed_errors():
    with pytest.raises(ValueError, match="Layer` instance"):
        layers.TimeDistributed("dense")
    with pytest.raises(ValueError, match="at least 3"):
        layers.TimeDistributed(layers.Dense(2))(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match="at least 3"):
        layers.TimeDistributed(layers.Dense(2))(kcore.Input(shape=(4,)))
    layer = layers.TimeDistributed(layers.Dense(2))
    x = np.ones((2, 3, 4), "float32")
    with pytest.raises(ValueError, match="incompatible with the input shape"):
        layer(x, mask=np.ones((2, 5), bool))
    with pytest.raises(ValueError, match="at least 2D"):
        layer(x, mask=np.ones((2,), bool))


def test_fit_a_masked_attention_model_with_time_distributed():
    tokens = kcore.Input((6,), dtype="int32")
    x = layers.Embedding(20, 8, mask_zero=True)(tokens)
    x = layers.MultiHeadAttention(2, 4, dropout=0.1)(x, x, use_causal_mask=True)
    x = layers.GroupedQueryAttention(2, 4, 2)(x, x)
    x = layers.TimeDistributed(layers.Dense(4, activation="relu"))(x)
    x = layers.Attention()([x, x])
    model = kcore.Model(tokens, layers.Dense(1)(layers.GlobalAveragePooling1D()(x)))
    model.compile("adam", "mse")
    ids = np.random.default_rng(0).integers(0, 20, (16, 6))
    ids[:, 4:] = 0
    history = model.fit(ids, np.ones((16, 1), "float32"), epochs=2, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert model.predict(ids, verbose=0).shape == (16, 1)
