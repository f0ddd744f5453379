"""Convolution layers against Keras 3, one or more cases per class (both data formats for
the 2D layers; causal, dilation, groups, output_padding, depth_multiplier).

Each case builds the layer in both libraries, copies Keras's weights (shifted so biases are
non-zero) into kcore with ``set_weights`` and compares outputs (inference and
``training=True``), weight names/shapes/order, parameter counts, ``compute_output_shape`` and
symbolic shapes (with and without a known batch), and configs key by key; each library
rebuilds the other's config.
"""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import ops

layers = kcore.layers


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


# -- Keras parity -------------------------------------------------------------------------------
PARITY = {
    "conv1d_causal": (
        "Conv1D",
        {
            "filters": 3,
            "kernel_size": 3,
            "padding": "causal",
            "dilation_rate": 2,
            "activation": "relu",
        },
        (2, 8, 4),
    ),
    "conv1d_causal_channels_first": (
        "Conv1D",
        {"filters": 3, "kernel_size": 2, "padding": "causal", "data_format": "channels_first"},
        (2, 4, 8),
    ),
    "conv1d_strided_same_groups": (
        "Conv1D",
        {"filters": 6, "kernel_size": 4, "strides": 3, "padding": "same", "groups": 2},
        (2, 10, 4),
    ),
    "conv2d_last": (
        "Conv2D",
        {"filters": 4, "kernel_size": (3, 2), "strides": (2, 1), "padding": "same"},
        (2, 7, 6, 3),
    ),
    "conv2d_first": (
        "Conv2D",
        {"filters": 4, "kernel_size": 3, "data_format": "channels_first", "activation": "tanh"},
        (2, 3, 7, 6),
    ),
    "conv2d_dilated_same_first": (
        "Conv2D",
        {
            "filters": 4,
            "kernel_size": 2,
            "dilation_rate": (2, 3),
            "padding": "same",
            "data_format": "channels_first",
        },
        (2, 3, 7, 8),
    ),
    "conv2d_groups_no_bias": (
        "Conv2D",
        {"filters": 6, "kernel_size": 2, "groups": 3, "use_bias": False},
        (2, 5, 5, 3),
    ),
    "conv3d": ("Conv3D", {"filters": 2, "kernel_size": (2, 3, 2), "strides": 2}, (1, 5, 6, 4, 2)),
    "conv3d_first_same": (
        "Conv3D",
        {"filters": 2, "kernel_size": 2, "padding": "same", "data_format": "channels_first"},
        (1, 2, 3, 4, 3),
    ),
    "conv1d_transpose_dilated": (
        "Conv1DTranspose",
        {"filters": 3, "kernel_size": 3, "dilation_rate": 2},
        (2, 6, 4),
    ),
    "conv2d_transpose_last": (
        "Conv2DTranspose",
        {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 4, 5, 2),
    ),
    "conv2d_transpose_first_output_padding": (
        "Conv2DTranspose",
        {
            "filters": 3,
            "kernel_size": (3, 2),
            "strides": (3, 2),
            "output_padding": (2, 1),
            "data_format": "channels_first",
        },
        (2, 2, 4, 3),
    ),
    "conv3d_transpose_same": (
        "Conv3DTranspose",
        {"filters": 2, "kernel_size": 3, "strides": (1, 2, 2), "padding": "same"},
        (1, 3, 2, 3, 2),
    ),
    "separable_conv1d": (
        "SeparableConv1D",
        {"filters": 4, "kernel_size": 3, "depth_multiplier": 2, "strides": 2},
        (2, 9, 3),
    ),
    "separable_conv2d_last": (
        "SeparableConv2D",
        {"filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu"},
        (2, 6, 5, 3),
    ),
    "separable_conv2d_first": (
        "SeparableConv2D",
        {"filters": 4, "kernel_size": 2, "depth_multiplier": 3, "data_format": "channels_first"},
        (2, 3, 6, 5),
    ),
    "depthwise_conv1d": (
        "DepthwiseConv1D",
        {"kernel_size": 3, "depth_multiplier": 2, "dilation_rate": 2},
        (2, 9, 3),
    ),
    "depthwise_conv2d_last": (
        "DepthwiseConv2D",
        {"kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 7, 6, 3),
    ),
    "depthwise_conv2d_first": (
        "DepthwiseConv2D",
        {"kernel_size": (2, 3), "depth_multiplier": 2, "data_format": "channels_first"},
        (2, 3, 5, 6),
    ),
}


def _normalize(value):
    """Tuples as lists and floats rounded, as a JSON round trip would see them."""
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    return value


def _config(layer):
    return _normalize({k: v for k, v in layer.get_config().items() if k != "name"})


@pytest.mark.parametrize("case", sorted(PARITY))
def test_matches_keras(case, keras, rng):
    cls_name, kwargs, shape = PARITY[case]
    ours = getattr(layers, cls_name)(**kwargs)
    theirs = getattr(keras.layers, cls_name)(**kwargs)
    x = rng.standard_normal(shape).astype("float32")
    theirs.build(shape)
    # Non-zero biases so the bias layout (channels_first broadcasting) is exercised too.
    shift = [rng.uniform(0.1, 0.5, w.shape).astype("float32") for w in theirs.get_weights()]
    keras_weights = [w + d for w, d in zip(theirs.get_weights(), shift)]
    theirs.set_weights(keras_weights)
    expected = np.asarray(theirs(x))

    ours.build(shape)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    ours.set_weights(keras_weights)
    got = _np(ours(x))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(ours(x, training=True)), expected, rtol=1e-4, atol=1e-5)
    assert ours.count_params() == theirs.count_params()

    # Shapes: compute_output_shape and a symbolic call, with and without a known batch.
    for batch_shape in (shape, (None, *shape[1:])):
        ours_sym = getattr(layers, cls_name)(**kwargs)(kcore.Input(batch_shape=batch_shape))
        theirs_sym = getattr(keras.layers, cls_name)(**kwargs)(keras.Input(batch_shape=batch_shape))
        assert tuple(ours_sym.shape) == tuple(theirs_sym.shape)
    assert tuple(ours.compute_output_shape(shape)) == expected.shape

    # Configs: same keys and values; each library rebuilds the other's.
    assert _config(ours) == _config(theirs)
    rebuilt = getattr(layers, cls_name).from_config(theirs.get_config())
    assert _config(rebuilt) == _config(ours)
    assert _config(getattr(keras.layers, cls_name).from_config(ours.get_config())) == _config(
        theirs
    )


def test_default_configs_match_keras(keras):
    for cls_name, args in [
        ("Conv1D", (2, 3)), ("Conv2D", (2, 3)), ("Conv3D", (2, 3)),
        ("Conv1DTranspose", (2, 3)), ("Conv2DTranspose", (2, 3)), ("Conv3DTranspose", (2, 3)),
        ("SeparableConv1D", (2, 3)), ("SeparableConv2D", (2, 3)),
        ("DepthwiseConv1D", (3,)), ("DepthwiseConv2D", (3,)),
    ]:  # fmt: skip
        ours = getattr(layers, cls_name)(*args)
        theirs = getattr(keras.layers, cls_name)(*args)
        assert _config(ours) == _config(theirs), cls_name


def test_mnist_convnet_param_count_matches_keras(keras):
    def build(lib):
        return lib.Sequential(
            [
                lib.Input((28, 28, 1)),
                lib.layers.Conv2D(32, 3, activation="relu"),
                lib.layers.Conv2D(64, 3, strides=2, activation="relu"),
                lib.layers.Flatten(),
                lib.layers.Dense(10, activation="softmax"),
            ]
        )

    ours, theirs = build(kcore), build(keras)
    assert ours.count_params() == theirs.count_params()
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    ours.set_weights(theirs.get_weights())
    x = np.random.default_rng(1).standard_normal((2, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(_np(ours(x)), np.asarray(theirs(x)), rtol=1e-4, atol=1e-6)
