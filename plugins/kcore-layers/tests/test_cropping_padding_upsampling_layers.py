"""Cropping1D-3D, ZeroPadding1D-3D and UpSampling1D-3D.

Every class goes through ``run_layer_test`` against a NumPy reference; Keras 3 (NumPy backend)
checks outputs, symbolic shapes and configs key by key, channels_first included.
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


RNG = np.random.default_rng(3)
X1 = RNG.standard_normal((2, 6, 3)).astype("float32")
X2 = RNG.standard_normal((2, 5, 6, 3)).astype("float32")
X3 = RNG.standard_normal((2, 4, 5, 6, 2)).astype("float32")
ALL = slice(None)


def _run(cls, kwargs, x, expected):
    run_layer_test(
        cls,
        kwargs,
        input_data=x,
        expected_output_shape=expected.shape,
        expected_output_dtype="float32",
        expected_output=expected,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        supports_masking=False,
    )


# -- Cropping -----------------------------------------------------------------------------------
def test_cropping1d():
    _run(layers.Cropping1D, {}, X1, X1[:, 1:-1])
    _run(layers.Cropping1D, {"cropping": (0, 2)}, X1, X1[:, :-2])
    _run(layers.Cropping1D, {"cropping": 2}, X1, X1[:, 2:-2])


def test_cropping2d():
    _run(layers.Cropping2D, {}, X2, X2)
    _run(layers.Cropping2D, {"cropping": ((1, 0), (2, 1))}, X2, X2[:, 1:, 2:-1])
    x_first = np.transpose(X2, (0, 3, 1, 2))
    kwargs = {"cropping": (1, 2), "data_format": "channels_first"}
    _run(layers.Cropping2D, kwargs, x_first, x_first[:, :, 1:-1, 2:-2])


def test_cropping3d():
    _run(layers.Cropping3D, {}, X3, X3[:, 1:-1, 1:-1, 1:-1])
    x_first = np.transpose(X3, (0, 4, 1, 2, 3))
    kwargs = {"cropping": ((0, 1), 2, (1, 0)), "data_format": "channels_first"}
    _run(layers.Cropping3D, kwargs, x_first, x_first[:, :, :-1, 2:-2, 1:])


def test_cropping_config_forms():
    assert layers.Cropping1D().cropping == (1, 1)
    assert layers.Cropping1D(3).get_config()["cropping"] == (3, 3)
    assert "data_format" not in layers.Cropping1D().get_config()
    assert layers.Cropping2D().cropping == ((0, 0), (0, 0))
    assert layers.Cropping2D(2).cropping == ((2, 2), (2, 2))
    assert layers.Cropping2D((1, 2)).cropping == ((1, 1), (2, 2))
    assert layers.Cropping2D(((1, 2), 3)).cropping == ((1, 2), (3, 3))
    assert layers.Cropping3D().cropping == ((1, 1), (1, 1), (1, 1))
    assert layers.Cropping3D((1, 2, 3)).cropping == ((1, 1), (2, 2), (3, 3))


@pytest.mark.parametrize(
    "cls_name, kwargs, match",
    [
        ("Cropping1D", {"cropping": -1}, "negative"),
        ("Cropping1D", {"cropping": (1, 2, 3)}, "cropping"),
        ("Cropping2D", {"cropping": -1}, "negative"),
        ("Cropping2D", {"cropping": (1, 2, 3)}, "cropping"),
        ("Cropping2D", {"cropping": ((1, 2, 3), (1, 1))}, "entry 0"),
        ("Cropping2D", {"cropping": 2.5}, "cropping"),
        ("Cropping2D", {"data_format": "nhwc"}, "data_format"),
        ("Cropping3D", {"cropping": ((1, 1), (1, 1))}, "cropping"),
    ],
)
def test_cropping_bad_arguments(cls_name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(layers, cls_name)(**kwargs)


def test_cropping_larger_than_the_input():
    with pytest.raises(ValueError, match="must be smaller than the input size"):
        layers.Cropping1D((2, 4))(X1)
    with pytest.raises(ValueError, match="must be smaller than the input size"):
        layers.Cropping1D((3, 3))(kcore.Input(shape=(6, 3)))
    with pytest.raises(ValueError, match="axis 2"):
        layers.Cropping2D(((0, 0), (3, 3)))(X2)
    with pytest.raises(ValueError, match="axis 1"):
        layers.Cropping2D(((5, 0), (0, 0)))(kcore.Input(shape=(5, 6, 3)))
    with pytest.raises(ValueError, match="must be smaller"):
        layers.Cropping3D(2)(X3)
    # Unknown sizes are checked when the data arrives.
    assert layers.Cropping1D((2, 3))(kcore.Input(shape=(None, 3))).shape == (None, None, 3)
    assert layers.Cropping2D(1)(kcore.Input(shape=(None, 6, 3))).shape == (None, None, 4, 3)


# -- ZeroPadding --------------------------------------------------------------------------------
def test_zero_padding1d():
    _run(layers.ZeroPadding1D, {}, X1, np.pad(X1, ((0, 0), (1, 1), (0, 0))))
    expected = np.pad(X1, ((0, 0), (0, 0), (2, 1)))
    _run(layers.ZeroPadding1D, {"padding": (2, 1), "data_format": "channels_first"}, X1, expected)


def test_zero_padding2d():
    _run(layers.ZeroPadding2D, {}, X2, np.pad(X2, ((0, 0), (1, 1), (1, 1), (0, 0))))
    expected = np.pad(X2, ((0, 0), (0, 0), (1, 0), (2, 3)))
    kwargs = {"padding": ((1, 0), (2, 3)), "data_format": "channels_first"}
    _run(layers.ZeroPadding2D, kwargs, X2, expected)


def test_zero_padding3d():
    _run(layers.ZeroPadding3D, {}, X3, np.pad(X3, ((0, 0), (1, 1), (1, 1), (1, 1), (0, 0))))
    expected = np.pad(X3, ((0, 0), (2, 2), (0, 0), (1, 0), (0, 0)))
    _run(layers.ZeroPadding3D, {"padding": (2, 0, (1, 0))}, X3, expected)


def test_zero_padding_config_forms_and_errors():
    assert layers.ZeroPadding1D().padding == (1, 1)
    assert layers.ZeroPadding1D((0, 2)).get_config()["padding"] == (0, 2)
    assert layers.ZeroPadding2D().padding == ((1, 1), (1, 1))
    assert layers.ZeroPadding2D((1, 2)).padding == ((1, 1), (2, 2))
    assert layers.ZeroPadding3D(2).padding == ((2, 2), (2, 2), (2, 2))
    for cls, value in (
        (layers.ZeroPadding1D, -1),
        (layers.ZeroPadding2D, ((1, -1), (0, 0))),
        (layers.ZeroPadding3D, (1, 2)),
        (layers.ZeroPadding2D, "same"),
    ):
        with pytest.raises(ValueError, match="padding"):
            cls(value)
    assert layers.ZeroPadding2D(1)(kcore.Input(shape=(None, 3, 2))).shape == (None, None, 5, 2)


# -- UpSampling ---------------------------------------------------------------------------------
def test_up_sampling1d():
    _run(layers.UpSampling1D, {}, X1, np.repeat(X1, 2, axis=1))
    _run(layers.UpSampling1D, {"size": 3}, X1, np.repeat(X1, 3, axis=1))


def test_up_sampling2d():
    _run(layers.UpSampling2D, {}, X2, X2.repeat(2, axis=1).repeat(2, axis=2))
    x_first = np.transpose(X2, (0, 3, 1, 2))
    kwargs = {"size": (1, 3), "data_format": "channels_first"}
    _run(layers.UpSampling2D, kwargs, x_first, x_first.repeat(3, axis=3))


def test_up_sampling2d_bilinear():
    x = np.array([[0.0, 4.0], [8.0, 12.0]], "float32").reshape(1, 2, 2, 1)
    rows = np.array([[0.0, 1.0, 3.0, 4.0]])  # half-pixel centres, edges clamped
    expected = (rows + np.array([[0.0], [2.0], [6.0], [8.0]]))[None, :, :, None]
    _run(layers.UpSampling2D, {"interpolation": "bilinear"}, x, expected)


def test_up_sampling3d():
    expected = X3.repeat(2, axis=1).repeat(2, axis=2).repeat(2, axis=3)
    _run(layers.UpSampling3D, {}, X3, expected)
    x_first = np.transpose(X3, (0, 4, 1, 2, 3))
    kwargs = {"size": (1, 2, 1), "data_format": "channels_first"}
    _run(layers.UpSampling3D, kwargs, x_first, x_first.repeat(2, axis=3))


def test_up_sampling_config_and_errors():
    assert layers.UpSampling1D().get_config()["size"] == 2
    assert layers.UpSampling2D(3).size == (3, 3)
    assert layers.UpSampling2D(interpolation="BILINEAR").interpolation == "bilinear"
    assert layers.UpSampling3D(2).size == (2, 2, 2)
    with pytest.raises(ValueError, match="size"):
        layers.UpSampling1D(0)
    with pytest.raises(ValueError, match="size"):
        layers.UpSampling1D(2.5)
    with pytest.raises(ValueError, match="size"):
        layers.UpSampling2D((2, 0))
    with pytest.raises(ValueError, match="size"):
        layers.UpSampling3D((2, 2))
    with pytest.raises(ValueError, match="interpolation"):
        layers.UpSampling2D(interpolation="area")
    with pytest.raises(ValueError, match="data_format"):
        layers.UpSampling3D(data_format="ncdhw")
    assert layers.UpSampling2D(2)(kcore.Input(shape=(None, 4, 1))).shape == (None, None, 8, 1)
    assert layers.UpSampling1D(3)(kcore.Input(shape=(None, 4))).shape == (None, None, 4)


# -- dtypes, models ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer",
    [
        lambda: layers.Cropping2D(1),
        lambda: layers.ZeroPadding2D(1),
        lambda: layers.UpSampling2D(2),
    ],
    ids=["cropping", "zero_padding", "up_sampling"],
)
def test_integer_inputs_keep_their_dtype(layer):
    x = np.arange(16, dtype="int32").reshape(1, 4, 4, 1)
    assert ops.dtype(layer()(x)) == "int32"
    assert layer()(kcore.Input(shape=(4, 4, 1), dtype="int32")).dtype == "int32"


def test_unet_style_model():
    inputs = kcore.Input(shape=(8, 8, 2))
    x = layers.ZeroPadding2D(1)(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.UpSampling2D()(x)
    outputs = layers.Cropping2D(1)(x)
    model = kcore.Model(inputs, outputs)
    assert outputs.shape == (None, 8, 8, 2)
    data = RNG.standard_normal((2, 8, 8, 2)).astype("float32")
    padded = np.pad(data, ((0, 0), (1, 1), (1, 1), (0, 0)))
    pooled = padded.reshape(2, 5, 2, 5, 2, 2).max(axis=(2, 4))
    expected = pooled.repeat(2, axis=1).repeat(2, axis=2)[:, 1:-1, 1:-1]
    np.testing.assert_allclose(_np(model(data)), expected, rtol=1e-6)


# -- Keras parity -------------------------------------------------------------------------------
KERAS_CASES = {
    "crop1d": ("Cropping1D", {}, (2, 5, 3)),
    "crop1d_asym": ("Cropping1D", {"cropping": (0, 2)}, (2, 5, 3)),
    "crop2d": ("Cropping2D", {"cropping": ((1, 0), (2, 1))}, (2, 5, 6, 3)),
    "crop2d_first": ("Cropping2D", {"cropping": 1, "data_format": "channels_first"}, (2, 3, 5, 6)),
    "crop3d": ("Cropping3D", {}, (2, 4, 5, 6, 2)),
    "crop3d_first": ("Cropping3D", {"cropping": (1, 0, 2), "data_format": "channels_first"}, (2, 2, 4, 5, 6)),
    "pad1d": ("ZeroPadding1D", {}, (2, 5, 3)),
    "pad1d_first": ("ZeroPadding1D", {"padding": (0, 2), "data_format": "channels_first"}, (2, 3, 5)),
    "pad2d": ("ZeroPadding2D", {"padding": ((1, 0), (2, 1))}, (2, 5, 6, 3)),
    "pad2d_first": ("ZeroPadding2D", {"padding": 2, "data_format": "channels_first"}, (2, 3, 5, 6)),
    "pad3d_first": ("ZeroPadding3D", {"padding": (1, 0, 2), "data_format": "channels_first"}, (2, 2, 3, 4, 5)),
    "up1d": ("UpSampling1D", {"size": 3}, (2, 4, 3)),
    "up2d": ("UpSampling2D", {"size": (2, 3)}, (2, 3, 4, 2)),
    "up2d_first": ("UpSampling2D", {"size": 2, "data_format": "channels_first"}, (2, 2, 3, 4)),
    "up2d_bilinear": ("UpSampling2D", {"size": (2, 3), "interpolation": "bilinear"}, (2, 3, 4, 2)),
    "up2d_bicubic_first": ("UpSampling2D", {"size": 2, "interpolation": "bicubic", "data_format": "channels_first"}, (2, 2, 3, 4)),
    "up2d_lanczos3": ("UpSampling2D", {"size": 2, "interpolation": "lanczos3"}, (2, 3, 4, 2)),
    "up2d_lanczos5": ("UpSampling2D", {"size": 3, "interpolation": "lanczos5"}, (1, 3, 4, 2)),
    "up3d": ("UpSampling3D", {"size": (1, 2, 3)}, (2, 2, 3, 4, 2)),
    "up3d_first": ("UpSampling3D", {"data_format": "channels_first"}, (2, 2, 2, 3, 2)),
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
def test_matches_keras(case, keras, rng):
    cls_name, kwargs, shape = KERAS_CASES[case]
    ours = getattr(kcore.layers, cls_name)(**kwargs)
    theirs = getattr(keras.layers, cls_name)(**kwargs)
    x = rng.standard_normal(shape).astype("float32")
    expected = np.asarray(theirs(x))
    got = _np(ours(x))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert ours.get_weights() == [] and theirs.get_weights() == []
    batch_none = (None, *shape[1:])
    assert ours.compute_output_shape(batch_none) == tuple(theirs.compute_output_shape(batch_none))
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    assert set(ours_config) == set(theirs_config)
    assert _normalize(_strip_name(ours_config)) == _normalize(_strip_name(theirs_config))
    rebuilt = getattr(kcore.layers, cls_name).from_config(theirs_config)
    assert _normalize(_strip_name(rebuilt.get_config())) == _normalize(_strip_name(ours_config))
    getattr(keras.layers, cls_name).from_config(ours_config)


def test_cropping_error_matches_keras(keras):
    for cls_name, cropping in (("Cropping1D", (3, 3)), ("Cropping2D", ((0, 0), (3, 3)))):
        shape = (1, 6, 3) if cls_name == "Cropping1D" else (1, 5, 6, 3)
        x = np.zeros(shape, "float32")
        with pytest.raises(ValueError):
            getattr(keras.layers, cls_name)(cropping)(x)
        with pytest.raises(ValueError):
            getattr(layers, cls_name)(cropping)(x)


@pytest.mark.parametrize(
    "cls_name, kwargs",
    [
        ("Cropping2D", {"cropping": 1}),
        ("ZeroPadding2D", {}),
        ("UpSampling2D", {}),
        ("UpSampling2D", {"interpolation": "bilinear"}),
    ],
)
def test_mixed_precision(cls_name, kwargs):
    cls = getattr(layers, cls_name)
    x = X2[:1, :4, :4]
    run_layer_test(
        cls,
        kwargs,
        input_data=x,
        run_mixed_precision_check=True,
        run_training_check=False,
        run_symbolic_check=False,
        run_serialization_check=False,
    )
    symbolic = cls(**kwargs, dtype="mixed_bfloat16")(kcore.Input(shape=(4, 4, 3)))
    assert symbolic.dtype == "bfloat16"
