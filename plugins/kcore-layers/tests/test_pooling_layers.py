"""Pooling layers: Max/AveragePooling1D-3D and GlobalMax/GlobalAveragePooling1D-3D.

Every class goes through ``run_layer_test`` against a NumPy reference; Keras 3 (NumPy backend)
checks outputs, symbolic shapes and configs key by key, with channels_first and 'same' padding.
"""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.testing.layer_test import run_layer_test

layers = kcore.layers


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _pool_ref(x, pool, strides, padding, mode):
    """NumPy pooling of a channels-last array (padding excluded from averages)."""
    spatial = x.shape[1:-1]
    pads, outs = [], []
    for size, p, s in zip(spatial, pool, strides):
        if padding == "same":
            out = -(-size // s)
            total = max((out - 1) * s + p - size, 0)
            pads.append((total // 2, total - total // 2))
        else:
            out = (size - p) // s + 1
            pads.append((0, 0))
        outs.append(out)
    fill = -np.inf if mode == "max" else np.nan
    xp = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=fill)
    result = np.empty((x.shape[0], *outs, x.shape[-1]), x.dtype)
    for index in np.ndindex(*outs):
        window = tuple(slice(i * s, i * s + p) for i, s, p in zip(index, strides, pool))
        block = xp[(slice(None), *window, slice(None))]
        axes = tuple(range(1, 1 + len(pool)))
        value = np.max(block, axis=axes) if mode == "max" else np.nanmean(block, axis=axes)
        result[(slice(None), *index, slice(None))] = value
    return result


RNG = np.random.default_rng(7)
X1 = RNG.standard_normal((2, 7, 3)).astype("float32")
X2 = RNG.standard_normal((2, 5, 6, 3)).astype("float32")
X3 = RNG.standard_normal((2, 4, 5, 3, 2)).astype("float32")


# -- Max / AveragePooling -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls_name, kwargs, x, pool, strides, padding",
    [
        ("MaxPooling1D", {}, X1, (2,), (2,), "valid"),
        ("MaxPooling1D", {"pool_size": 3, "strides": 1, "padding": "same"}, X1, (3,), (1,), "same"),
        ("AveragePooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, X1, (3,), (2,), "same"),
        ("MaxPooling2D", {}, X2, (2, 2), (2, 2), "valid"),
        ("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "SAME"}, X2, (3, 3), (2, 2), "same"),
        ("AveragePooling2D", {"pool_size": (2, 3), "strides": 1}, X2, (2, 3), (1, 1), "valid"),
        ("AveragePooling2D", {"pool_size": 2, "padding": "same"}, X2, (2, 2), (2, 2), "same"),
        ("MaxPooling3D", {}, X3, (2, 2, 2), (2, 2, 2), "valid"),
        ("AveragePooling3D", {"pool_size": 2, "padding": "same"}, X3, (2, 2, 2), (2, 2, 2), "same"),
    ],
)  # fmt: skip
def test_pooling_layer_test(cls_name, kwargs, x, pool, strides, padding):
    mode = "max" if cls_name.startswith("Max") else "average"
    expected = _pool_ref(x, pool, strides, padding, mode)
    run_layer_test(
        getattr(layers, cls_name),
        kwargs,
        input_data=x,
        expected_output_shape=expected.shape,
        expected_output_dtype="float32",
        expected_output=expected,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        supports_masking=False,
    )


def test_pooling_channels_first_matches_channels_last():
    x_first = np.transpose(X2, (0, 3, 1, 2))
    for cls in (layers.MaxPooling2D, layers.AveragePooling2D):
        last = _np(cls(pool_size=3, strides=2, padding="same")(X2))
        first = _np(
            cls(pool_size=3, strides=2, padding="same", data_format="channels_first")(x_first)
        )
        np.testing.assert_allclose(np.transpose(first, (0, 2, 3, 1)), last, rtol=1e-6, atol=1e-6)
    run_layer_test(
        layers.MaxPooling1D,
        {"data_format": "channels_first"},
        input_data=np.transpose(X1, (0, 2, 1)),
        expected_output_shape=(2, 3, 3),
    )


def test_pooling_defaults_and_config():
    layer = layers.MaxPooling2D()
    assert (layer.pool_size, layer.strides, layer.padding) == ((2, 2), (2, 2), "valid")
    assert layers.MaxPooling1D().pool_size == (2,) and layers.MaxPooling3D().strides == (2, 2, 2)
    assert layers.AveragePooling2D(3, strides=1).strides == (1, 1)
    with pytest.raises(TypeError):
        layers.AveragePooling2D()  # pool_size is required, as in Keras
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool1D is layers.AveragePooling1D
    config = layers.MaxPooling2D(3, padding="Same", name="pool").get_config()
    assert config["pool_size"] == (3, 3) and config["strides"] == (3, 3)
    assert config["padding"] == "same" and config["data_format"] == "channels_last"
    assert layers.MaxPooling2D().name.startswith("max_pooling2d")


def test_pooling_uses_the_image_data_format_default():
    previous = kcore.config.image_data_format()
    kcore.config.set_image_data_format("channels_first")
    try:
        assert layers.MaxPooling2D().data_format == "channels_first"
        assert layers.GlobalAveragePooling1D().data_format == "channels_first"
    finally:
        kcore.config.set_image_data_format(previous)


def test_pooling_is_one_native_op(monkeypatch):
    calls = []
    real = ops.max_pool

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(ops, "max_pool", counting)
    layer = layers.MaxPooling2D()
    layer(X2)
    layer(X2)
    assert len(calls) == 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"pool_size": 0}, "pool_size"),
        ({"pool_size": (2, 2, 2)}, "pool_size"),
        ({"pool_size": 2.5}, "pool_size"),
        ({"strides": 0}, "strides"),
        ({"strides": (1,)}, "strides"),
        ({"padding": "causal"}, "padding"),
        ({"padding": 3}, "padding"),
        ({"data_format": "channels_middle"}, "data_format"),
    ],
)
def test_pooling_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.MaxPooling2D(**kwargs)


def test_pooling_shape_errors():
    with pytest.raises(ValueError, match="zero or negative"):
        layers.MaxPooling2D(3)(kcore.Input(shape=(2, 2, 1)))
    assert layers.MaxPooling2D(3, padding="same")(kcore.Input(shape=(2, 2, 1))).shape == (
        None,
        1,
        1,
        1,
    )
    with pytest.raises(ValueError, match="ndim=4"):
        layers.MaxPooling2D()(X1)
    out = layers.AveragePooling1D(2, data_format="channels_first")(kcore.Input(shape=(3, None)))
    assert out.shape == (None, 3, None)


# -- Global pooling -----------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize(
    "n, x, kwargs",
    [
        (1, X1, {}),
        (2, X2, {"keepdims": True}),
        (2, np.transpose(X2, (0, 3, 1, 2)), {"data_format": "channels_first"}),
        (3, X3, {}),
    ],
)
def test_global_pooling_layer_test(mode, n, x, kwargs):
    cls = getattr(layers, f"Global{'Max' if mode == 'max' else 'Average'}Pooling{n}D")
    first = kwargs.get("data_format") == "channels_first"
    axes = tuple(range(2, 2 + n)) if first else tuple(range(1, 1 + n))
    reduce = np.max if mode == "max" else np.mean
    expected = reduce(x, axis=axes, keepdims=kwargs.get("keepdims", False))
    run_layer_test(
        cls,
        kwargs,
        input_data=x,
        expected_output_shape=expected.shape,
        expected_output_dtype="float32",
        expected_output=expected,
        expected_num_trainable_weights=0,
        supports_masking=mode == "average" and n == 1,
    )


def test_global_pooling_config_and_shapes():
    layer = layers.GlobalMaxPooling2D(keepdims=True, data_format="channels_first")
    assert layer.get_config()["keepdims"] is True
    assert layer.compute_output_shape((None, 3, 4, 5)) == (None, 3, 1, 1)
    assert layers.GlobalAveragePooling3D().compute_output_shape((2, 3, 4, 5, 6)) == (2, 6)
    assert layers.GlobalMaxPooling1D()(kcore.Input(shape=(None, 4))).shape == (None, 4)
    with pytest.raises(ValueError, match="data_format"):
        layers.GlobalAveragePooling2D(data_format="nchw")
    with pytest.raises(ValueError, match="ndim=3"):
        layers.GlobalMaxPooling1D()(X2)


def test_global_average_pooling1d_mask():
    mask = np.array([[True, True, False, False, True, False, False], [True] * 6 + [False]])
    expected = (X1 * mask[..., None]).sum(1) / mask.sum(1)[:, None]
    layer = layers.GlobalAveragePooling1D()
    np.testing.assert_allclose(_np(layer(X1, mask=mask)), expected, rtol=1e-5, atol=1e-6)
    assert layer.compute_mask(X1, mask) is None
    keep = _np(layers.GlobalAveragePooling1D(keepdims=True)(X1, mask=mask))
    np.testing.assert_allclose(keep, expected[:, None, :], rtol=1e-5, atol=1e-6)
    x_first = np.transpose(X1, (0, 2, 1))
    first = layers.GlobalAveragePooling1D(data_format="channels_first", keepdims=True)
    np.testing.assert_allclose(
        _np(first(x_first, mask=mask)), expected[:, :, None], rtol=1e-5, atol=1e-6
    )


def test_global_average_pooling1d_mask_from_embedding_in_a_model():
    tokens = np.array([[3, 5, 0, 0], [7, 0, 0, 0]], "int32")
    inputs = kcore.Input(shape=(4,), dtype="int32")
    embedding = layers.Embedding(10, 3, mask_zero=True)
    pooled = layers.GlobalAveragePooling1D()(embedding(inputs))
    assert getattr(pooled, "_mask", None) is None  # the mask stops at the pooling layer
    model = kcore.Model(inputs, pooled)
    table = _np(embedding.embeddings.value)
    expected = np.stack([table[[3, 5]].mean(0), table[7]])
    np.testing.assert_allclose(_np(model(tokens)), expected, rtol=1e-6, atol=1e-6)


# -- Keras parity -------------------------------------------------------------------------------
KERAS_CASES = {
    "max1d_same_first": ("MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same", "data_format": "channels_first"}, (2, 3, 7)),
    "avg1d": ("AveragePooling1D", {"pool_size": 2}, (2, 7, 3)),
    "max2d": ("MaxPooling2D", {}, (2, 5, 6, 3)),
    "max2d_same": ("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 5, 6, 3)),
    "avg2d_same_first": ("AveragePooling2D", {"pool_size": 2, "padding": "same", "data_format": "channels_first"}, (2, 3, 5, 5)),
    "avg2d_same": ("AveragePooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 5, 6, 3)),
    "max3d_same": ("MaxPooling3D", {"padding": "same"}, (2, 3, 5, 4, 2)),
    "avg3d_first": ("AveragePooling3D", {"pool_size": 2, "data_format": "channels_first"}, (2, 2, 4, 5, 3)),
    "gmax1d": ("GlobalMaxPooling1D", {}, (2, 5, 3)),
    "gmax2d_keep_first": ("GlobalMaxPooling2D", {"keepdims": True, "data_format": "channels_first"}, (2, 3, 4, 5)),
    "gmax3d": ("GlobalMaxPooling3D", {}, (2, 3, 4, 5, 2)),
    "gavg1d_first": ("GlobalAveragePooling1D", {"data_format": "channels_first"}, (2, 5, 3)),
    "gavg2d_keep": ("GlobalAveragePooling2D", {"keepdims": True}, (2, 3, 4, 5)),
    "gavg3d_first": ("GlobalAveragePooling3D", {"data_format": "channels_first"}, (2, 3, 4, 5, 2)),
}  # fmt: skip


def _strip_name(config):
    return {k: v for k, v in config.items() if k != "name"}


def _normalize(value):
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    return value


@pytest.mark.parametrize("case", sorted(KERAS_CASES))
def test_pooling_matches_keras(case, keras, rng):
    cls_name, kwargs, shape = KERAS_CASES[case]
    ours = getattr(kcore.layers, cls_name)(**kwargs)
    theirs = getattr(keras.layers, cls_name)(**kwargs)
    x = rng.standard_normal(shape).astype("float32")
    expected = np.asarray(theirs(x))
    got = _np(ours(x))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert ours.get_weights() == [] and theirs.get_weights() == []
    batch_none = (None, *shape[1:])
    assert ours.compute_output_shape(batch_none) == tuple(theirs.compute_output_shape(batch_none))
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    assert set(ours_config) == set(theirs_config)
    assert _normalize(_strip_name(ours_config)) == _normalize(_strip_name(theirs_config))
    rebuilt = getattr(kcore.layers, cls_name).from_config(theirs_config)
    assert _normalize(_strip_name(rebuilt.get_config())) == _normalize(_strip_name(ours_config))
    getattr(keras.layers, cls_name).from_config(ours_config)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_global_average_pooling1d_mask_matches_keras(keras, rng, data_format):
    x = rng.standard_normal((3, 5, 4)).astype("float32")
    steps = 5 if data_format == "channels_last" else 4
    mask = rng.random((3, steps)) > 0.4
    mask[:, 0] = True
    for keepdims in (False, True):
        kwargs = {"data_format": data_format, "keepdims": keepdims}
        expected = np.asarray(keras.layers.GlobalAveragePooling1D(**kwargs)(x, mask=mask))
        got = _np(layers.GlobalAveragePooling1D(**kwargs)(x, mask=mask))
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "cls_name, kwargs",
    [("MaxPooling2D", {}), ("AveragePooling2D", {"pool_size": 2}), ("GlobalAveragePooling2D", {})],
)
def test_mixed_precision(cls_name, kwargs):
    cls = getattr(layers, cls_name)
    run_layer_test(
        cls,
        kwargs,
        input_data=X2,
        run_mixed_precision_check=True,
        run_training_check=False,
        run_symbolic_check=False,
        run_serialization_check=False,
    )
    assert cls(**kwargs, dtype="mixed_bfloat16")(kcore.Input(shape=(5, 6, 3))).dtype == "bfloat16"


def test_gradients_flow_through_pooling_in_a_compiled_train_step():
    # Weights before the pooling layers: the backend's compiled step (jax.jit, tf.function)
    # must differentiate max_pool / average_pool, not only run them.
    inputs = kcore.Input(shape=(6, 4, 2))
    x = layers.Dense(3)(inputs)
    x = layers.MaxPooling2D(padding="same")(x)
    x = layers.AveragePooling2D(2, strides=1, padding="same")(x)
    x = layers.GlobalMaxPooling2D()(x)
    outputs = layers.Dense(1)(layers.GlobalAveragePooling1D()(layers.Reshape((1, 3))(x)))
    model = kcore.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    before = model.layers[1].get_weights()[0].copy()
    data = RNG.standard_normal((8, 6, 4, 2)).astype("float32")
    history = model.fit(data, np.ones((8, 1), "float32"), batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert not np.allclose(model.layers[1].get_weights()[0], before)
