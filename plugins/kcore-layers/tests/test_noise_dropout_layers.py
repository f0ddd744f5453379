"""Dropout family and noise layers: SpatialDropout1D/2D/3D, GaussianDropout, AlphaDropout,
GaussianNoise.

Random outputs are checked by their statistics on large inputs, reproducibility with a seed,
identity at inference, and Keras parity at inference (outputs and configs).
"""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.testing.layer_test import run_layer_test

layers = kcore.layers

SELU_SATURATION = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946


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


CASES = {  # name: (class, kwargs, input shape)
    "spatial1d": ("SpatialDropout1D", {"rate": 0.5, "seed": 1}, (2, 3, 4)),
    "spatial2d": ("SpatialDropout2D", {"rate": 0.5, "seed": 1}, (2, 3, 4, 5)),
    "spatial2d_cf": (
        "SpatialDropout2D",
        {"rate": 0.3, "data_format": "channels_first", "seed": 1},
        (2, 3, 4, 5),
    ),
    "spatial3d": ("SpatialDropout3D", {"rate": 0.5, "seed": 1}, (2, 3, 4, 2, 5)),
    "spatial3d_cf": (
        "SpatialDropout3D",
        {"rate": 0.5, "data_format": "channels_first"},
        (2, 3, 4, 2, 5),
    ),
    "gaussian_dropout": ("GaussianDropout", {"rate": 0.3, "seed": 2}, (2, 3)),
    "alpha_dropout": ("AlphaDropout", {"rate": 0.2, "seed": 3}, (2, 3, 4)),
    "alpha_dropout_noise_shape": (
        "AlphaDropout",
        {"rate": 0.2, "noise_shape": (None, 1, 4)},
        (2, 3, 4),
    ),
    "gaussian_noise": ("GaussianNoise", {"stddev": 0.5, "seed": 4}, (2, 3)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_layer_test_inference_and_training(case):
    cls_name, kwargs, shape = CASES[case]
    x = np.random.default_rng(0).standard_normal(shape).astype("float32")
    run_layer_test(
        getattr(layers, cls_name),
        kwargs,
        input_data=x,
        expected_output_shape=shape,
        expected_output=x,  # identity at inference
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )
    run_layer_test(
        getattr(layers, cls_name),
        kwargs,
        input_data=x,
        call_kwargs={"training": True},
        expected_output_shape=shape,
        expected_output_dtype="float32",
    )


@pytest.mark.parametrize(
    "case", ["spatial2d", "gaussian_dropout", "alpha_dropout", "gaussian_noise"]
)
def test_seed_reproducible_and_new_noise_each_call(case):
    cls_name, kwargs, shape = CASES[case]
    kwargs = {**kwargs, "seed": 7}
    x = np.ones((8, *shape[1:]), "float32")
    first = getattr(layers, cls_name)(**kwargs)
    a, b = _np(first(x, training=True)), _np(first(x, training=True))
    again = getattr(layers, cls_name)(**kwargs)
    np.testing.assert_array_equal(_np(again(x, training=True)), a)
    np.testing.assert_array_equal(_np(again(x, training=True)), b)
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(_np(first(x)), x)
    np.testing.assert_array_equal(_np(first(x, training=False)), x)


def test_rate_zero_is_identity_in_training():
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype("float32")
    for layer in (
        layers.SpatialDropout1D(0.0),
        layers.GaussianDropout(0.0),
        layers.AlphaDropout(0.0),
        layers.GaussianNoise(0.0),
    ):
        np.testing.assert_array_equal(_np(layer(x, training=True)), x)
    np.testing.assert_array_equal(_np(layers.SpatialDropout1D(1.0)(x, training=True)), 0 * x)


# -- statistics ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls_name, kwargs, shape, channel_axis",
    [
        ("SpatialDropout1D", {}, (200, 6, 50), 2),
        ("SpatialDropout2D", {}, (200, 3, 2, 50), 3),
        ("SpatialDropout2D", {"data_format": "channels_first"}, (200, 50, 3, 2), 1),
        ("SpatialDropout3D", {}, (100, 2, 2, 2, 50), 4),
        ("SpatialDropout3D", {"data_format": "channels_first"}, (100, 50, 2, 2, 2), 1),
    ],
)
def test_spatial_dropout_drops_whole_channels(cls_name, kwargs, shape, channel_axis):
    rate = 0.4
    y = _np(
        getattr(layers, cls_name)(rate, seed=1, **kwargs)(np.ones(shape, "float32"), training=True)
    )
    assert set(np.unique(y)) <= {0.0, np.float32(1 / (1 - rate))}
    spatial = tuple(i for i in range(1, len(shape)) if i != channel_axis)
    # One draw per (sample, channel): constant over the spatial axes.
    assert np.all(y.min(axis=spatial) == y.max(axis=spatial))
    dropped = (y.max(axis=spatial) == 0).mean()
    assert abs(dropped - rate) < 0.03, dropped  # 10,000 or 5,000 draws
    assert abs(y.mean() - 1.0) < 0.05


def test_gaussian_dropout_statistics():
    rate = 0.3
    y = _np(layers.GaussianDropout(rate, seed=1)(np.ones((400, 500), "float32"), training=True))
    assert abs(y.mean() - 1.0) < 0.01
    assert abs(y.var() - rate / (1 - rate)) < 0.01
    x = np.full((400, 500), 2.0, "float32")  # multiplicative: scales with the input
    y = _np(layers.GaussianDropout(rate, seed=2)(x, training=True))
    assert abs(y.mean() - 2.0) < 0.02 and abs(y.std() - 2 * np.sqrt(rate / (1 - rate))) < 0.02


def test_gaussian_noise_statistics():
    x = np.full((400, 500), 3.0, "float32")
    y = _np(layers.GaussianNoise(0.5, seed=1)(x, training=True))
    assert abs(y.mean() - 3.0) < 0.005 and abs(y.std() - 0.5) < 0.005


def test_alpha_dropout_statistics_and_values():
    rate = 0.2
    x = np.random.default_rng(0).standard_normal((400, 500)).astype("float32")
    y = _np(layers.AlphaDropout(rate, seed=1)(x, training=True))
    assert abs(y.mean()) < 0.01 and abs(y.var() - 1.0) < 0.02  # self-normalizing
    a = ((1 - rate) * (1 + rate * SELU_SATURATION**2)) ** -0.5
    b = -a * SELU_SATURATION * rate
    dropped_value = a * SELU_SATURATION + b
    dropped = np.isclose(y, dropped_value, atol=1e-6)
    assert abs(dropped.mean() - rate) < 0.01
    np.testing.assert_allclose(y[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-6)


def test_alpha_dropout_noise_shape_shares_the_mask():
    x = np.ones((50, 6, 40), "float32")
    y = _np(layers.AlphaDropout(0.5, noise_shape=(None, 1, None), seed=1)(x, training=True))
    assert np.all(y == y[:, :1, :])
    y = _np(layers.AlphaDropout(0.5, noise_shape=(50, 1, 1), seed=1)(x, training=True))
    assert np.all(y == y[:, :1, :1]) and len(np.unique(y)) == 2


# -- in models and compiled training steps ------------------------------------------------------
def test_training_flag_through_a_model_and_fit():
    inputs = kcore.Input((6, 4))
    x = layers.SpatialDropout1D(0.3, seed=1)(inputs)
    x = layers.GaussianNoise(0.1, seed=2)(x)
    x = layers.GaussianDropout(0.2, seed=3)(x)
    x = layers.AlphaDropout(0.1, seed=4)(x)
    model = kcore.Model(inputs, layers.Flatten()(x))
    data = np.random.default_rng(0).standard_normal((8, 6, 4)).astype("float32")
    np.testing.assert_array_equal(_np(model(data)), data.reshape(8, -1))
    assert not np.allclose(_np(model(data, training=True)), data.reshape(8, -1))
    trained = kcore.Sequential([model, layers.Dense(1)])
    trained.compile(optimizer="sgd", loss="mse")
    history = trained.fit(data, np.zeros((8, 1), "float32"), batch_size=4, epochs=1, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


# -- validation ---------------------------------------------------------------------------------
def test_validation_errors():
    for make, match in [
        (lambda: layers.SpatialDropout1D(1.5), "rate"),
        (lambda: layers.SpatialDropout2D(0.5, data_format="channels_middle"), "data_format"),
        (lambda: layers.SpatialDropout2D(0.5, seed="x"), "seed"),
        (lambda: layers.GaussianDropout(1.0), r"\[0, 1\)"),
        (lambda: layers.GaussianDropout(-0.1), "rate"),
        (lambda: layers.AlphaDropout(1.0), r"\[0, 1\)"),
        (lambda: layers.AlphaDropout(0.5, noise_shape="batch"), "noise_shape"),
        (lambda: layers.AlphaDropout(0.5, seed=1.5), "seed"),
        (lambda: layers.GaussianNoise(-1.0), "stddev"),
        (lambda: layers.GaussianNoise(1.5), "stddev"),
        (lambda: layers.GaussianNoise("0.1"), "stddev"),
    ]:
        with pytest.raises(ValueError, match=match):
            make()
    with pytest.raises(TypeError, match="noise_shape"):
        layers.SpatialDropout1D(0.5, noise_shape=(None, 1, 4))
    with pytest.raises(ValueError, match="ndim=3"):
        layers.SpatialDropout1D(0.5)(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="ndim=4"):
        layers.SpatialDropout2D(0.5)(kcore.Input((3, 4)))


def test_spatial_dropout_config_and_data_format_default():
    layer = layers.SpatialDropout2D(0.5)
    assert layer.data_format == kcore.config.image_data_format()
    assert layer.get_config() == {
        "rate": 0.5,
        "seed": None,
        "name": layer.name,
        "dtype": "float32",
        "data_format": layer.data_format,
    }
    assert layers.SpatialDropout1D(0.2, dtype="mixed_float16").get_config()["dtype"] == (
        "mixed_float16"
    )
    frozen = layers.SpatialDropout1D(0.2, trainable=False)
    assert layers.SpatialDropout1D.from_config(frozen.get_config()).trainable is False
    assert isinstance(layer, layers.Dropout)


# -- Keras parity -------------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_keras_at_inference(case, keras):
    cls_name, kwargs, shape = CASES[case]
    x = np.random.default_rng(1).standard_normal(shape).astype("float32")
    ours, theirs = getattr(layers, cls_name)(**kwargs), getattr(keras.layers, cls_name)(**kwargs)
    expected = np.asarray(theirs(x, training=False))
    np.testing.assert_array_equal(_np(ours(x, training=False)), expected)
    np.testing.assert_array_equal(_np(ours(x)), np.asarray(theirs(x)))
    sym_ours = getattr(layers, cls_name)(**kwargs)(kcore.Input(batch_shape=shape))
    sym_theirs = getattr(keras.layers, cls_name)(**kwargs)(keras.Input(batch_shape=shape))
    assert tuple(sym_ours.shape) == tuple(sym_theirs.shape)
    assert _normalize(ours.get_config()) == _normalize(theirs.get_config())
    rebuilt = getattr(layers, cls_name).from_config(theirs.get_config())
    assert _normalize(rebuilt.get_config()) == _normalize(ours.get_config())
    getattr(keras.layers, cls_name).from_config(ours.get_config())
