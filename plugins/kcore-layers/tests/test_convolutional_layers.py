"""Convolution layers: Conv1D-3D, Conv1D-3DTranspose, SeparableConv1D/2D, DepthwiseConv1D/2D.

Each class goes through ``run_layer_test``; then causal/groups/data_format/transpose/
depthwise/separable numerics against NumPy references, the backend fast path against the
generic ops, and argument errors. Keras parity is in ``test_convolutional_keras_parity.py``.
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


# -- run_layer_test, one or two per class -------------------------------------------------------
LAYER_TESTS = {
    "conv1d_causal_dilated_regularized": (
        "Conv1D",
        {
            "filters": 3,
            "kernel_size": 3,
            "padding": "causal",
            "dilation_rate": 2,
            "kernel_regularizer": "l2",
            "activity_regularizer": "l1",
        },
        (2, 7, 4),
        (2, 7, 3),
        2,
    ),
    "conv2d_same_strided_relu": (
        "Conv2D",
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "relu"},
        (2, 7, 6, 3),
        (2, 4, 3, 4),
        None,
    ),
    "conv2d_channels_first_groups": (
        "Conv2D",
        {"filters": 4, "kernel_size": (3, 2), "groups": 2, "data_format": "channels_first"},
        (2, 4, 6, 5),
        (2, 4, 4, 4),
        None,
    ),
    "conv3d_no_bias": (
        "Conv3D",
        {"filters": 2, "kernel_size": 2, "padding": "same", "use_bias": False},
        (1, 3, 4, 3, 2),
        (1, 3, 4, 3, 2),
        None,
    ),
    "conv1d_transpose": (
        "Conv1DTranspose",
        {"filters": 3, "kernel_size": 3, "strides": 2},
        (2, 5, 4),
        (2, 11, 3),
        None,
    ),
    "conv2d_transpose_output_padding": (
        "Conv2DTranspose",
        {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
        (2, 4, 3, 2),
        (2, 8, 6, 3),
        None,
    ),
    "conv3d_transpose": (
        "Conv3DTranspose",
        {"filters": 2, "kernel_size": 2, "strides": 2},
        (1, 2, 3, 2, 2),
        (1, 4, 6, 4, 2),
        None,
    ),
    "separable_conv1d": (
        "SeparableConv1D",
        {"filters": 4, "kernel_size": 3, "depth_multiplier": 2, "padding": "same"},
        (2, 6, 3),
        (2, 6, 4),
        None,
    ),
    "separable_conv2d": (
        "SeparableConv2D",
        {"filters": 4, "kernel_size": 3, "pointwise_regularizer": "l2"},
        (2, 5, 6, 3),
        (2, 3, 4, 4),
        1,
    ),
    "depthwise_conv1d": (
        "DepthwiseConv1D",
        {"kernel_size": 3, "depth_multiplier": 2, "strides": 2},
        (2, 7, 3),
        (2, 3, 6),
        None,
    ),
    "depthwise_conv2d": (
        "DepthwiseConv2D",
        {"kernel_size": 3, "padding": "same", "activation": "tanh"},
        (2, 5, 5, 3),
        (2, 5, 5, 3),
        None,
    ),
}
WEIGHT_COUNTS = {"SeparableConv1D": 3, "SeparableConv2D": 3}


@pytest.mark.parametrize("case", sorted(LAYER_TESTS))
def test_run_layer_test(case):
    cls_name, kwargs, input_shape, output_shape, num_losses = LAYER_TESTS[case]
    weights = WEIGHT_COUNTS.get(cls_name, 2) - (kwargs.get("use_bias") is False)
    run_layer_test(
        getattr(layers, cls_name),
        kwargs,
        input_shape=input_shape,
        expected_output_shape=output_shape,
        expected_output_dtype="float32",
        expected_num_trainable_weights=weights,
        expected_num_non_trainable_weights=0,
        expected_num_losses=num_losses,
        supports_masking=False,
        rtol=1e-4,
        atol=1e-4,
    )


def test_conv2d_mixed_precision():
    run_layer_test(
        layers.Conv2D,
        {"filters": 2, "kernel_size": 2},
        input_shape=(1, 4, 4, 2),
        expected_output_shape=(1, 3, 3, 2),
        run_mixed_precision_check=True,
        run_training_check=False,
        run_symbolic_check=False,
    )


def test_keras_aliases_resolve():
    assert layers.Convolution2D is layers.Conv2D
    assert layers.Convolution1DTranspose is layers.Conv1DTranspose
    assert layers.SeparableConvolution2D is layers.SeparableConv2D


# -- numerics against NumPy ---------------------------------------------------------------------
def _np_conv1d(x, kernel, stride=1, dilation=1):
    """Valid 1D convolution of (batch, steps, in) with (k, in, out), NumPy reference."""
    k = kernel.shape[0]
    span = (k - 1) * dilation + 1
    steps = (x.shape[1] - span) // stride + 1
    out = np.zeros((x.shape[0], steps, kernel.shape[-1]), "float64")
    for t in range(steps):
        window = x[:, t * stride : t * stride + span : dilation]  # (batch, k, in)
        out[:, t] = np.einsum("bki,kio->bo", window, kernel)
    return out


def test_causal_conv1d_depends_only_on_the_past(rng):
    layer = layers.Conv1D(2, 3, padding="causal", dilation_rate=2, use_bias=False)
    x = rng.standard_normal((1, 9, 2)).astype("float32")
    y = _np(layer(x))
    (kernel,) = layer.get_weights()
    padded = np.pad(x, ((0, 0), (4, 0), (0, 0)))
    np.testing.assert_allclose(y, _np_conv1d(padded, kernel, dilation=2), rtol=1e-5, atol=1e-5)
    x2 = x.copy()
    x2[:, 5:] = 7.0  # changing the future leaves the past unchanged
    np.testing.assert_allclose(_np(layer(x2))[:, :5], y[:, :5], rtol=1e-6, atol=1e-6)


def test_grouped_conv_is_per_group_convolution(rng):
    layer = layers.Conv1D(4, 2, groups=2, use_bias=False)
    x = rng.standard_normal((2, 5, 6)).astype("float32")
    y = _np(layer(x))
    (kernel,) = layer.get_weights()  # (2, 3, 4): input channels per group 3, 2 filters each
    assert kernel.shape == (2, 3, 4)
    expected = np.concatenate(
        [_np_conv1d(x[..., :3], kernel[..., :2]), _np_conv1d(x[..., 3:], kernel[..., 2:])], -1
    )
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)


def test_conv2d_channels_first_equals_transposed_channels_last(rng):
    last = layers.Conv2D(3, 3, strides=2, padding="same", data_format="channels_last")
    first = layers.Conv2D(3, 3, strides=2, padding="same", data_format="channels_first")
    x = rng.standard_normal((2, 7, 8, 2)).astype("float32")
    last.build((None, 7, 8, 2))
    first.build((None, 2, 7, 8))
    weights = [w + 0.3 for w in last.get_weights()]  # non-zero bias
    last.set_weights(weights)
    first.set_weights(weights)
    y_last = _np(last(x))
    y_first = _np(first(np.transpose(x, (0, 3, 1, 2))))
    np.testing.assert_allclose(np.transpose(y_first, (0, 2, 3, 1)), y_last, rtol=1e-5, atol=1e-5)


def test_transpose_is_the_gradient_of_conv(rng):
    """conv_transpose(y, K) equals the input-gradient of <conv(x, K), y>: checked in NumPy."""
    layer = layers.Conv1DTranspose(3, 3, strides=2, use_bias=False)
    y = rng.standard_normal((1, 4, 2)).astype("float32")
    out = _np(layer(y))  # (1, 9, 3)
    (kernel,) = layer.get_weights()  # (3, filters=3, in=2)
    expected = np.zeros((1, 9, 3))
    for t in range(4):
        for j in range(3):
            expected[:, 2 * t + j] += y[:, t] @ kernel[j].T
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_depthwise_and_separable_numerics(rng):
    x = rng.standard_normal((2, 6, 3)).astype("float32")
    depthwise = layers.DepthwiseConv1D(2, depth_multiplier=2, use_bias=False)
    y = _np(depthwise(x))
    (dk,) = depthwise.get_weights()  # (2, 3, 2)
    expected = np.stack(
        [_np_conv1d(x[..., c : c + 1], dk[:, c : c + 1, :]) for c in range(3)], axis=2
    ).reshape(2, 5, 6)  # channel c's outputs are c * multiplier + m
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)

    separable = layers.SeparableConv1D(4, 2, depth_multiplier=2, use_bias=False)
    out = _np(separable(x))
    sk, pk = separable.get_weights()
    separable_expected = (
        np.stack(
            [_np_conv1d(x[..., c : c + 1], sk[:, c : c + 1, :]) for c in range(3)], axis=2
        ).reshape(2, 5, 6)
        @ pk[0]
    )
    np.testing.assert_allclose(out, separable_expected, rtol=1e-5, atol=1e-5)


# -- backend fast path ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls_name, kwargs, shape",
    [
        ("Conv1D", {"filters": 3, "kernel_size": 3, "padding": "causal"}, (2, 7, 2)),
        ("Conv1D", {"filters": 3, "kernel_size": 2, "padding": "same"}, (2, 7, 2)),
        ("Conv2D", {"filters": 4, "kernel_size": 2, "padding": "same", "dilation_rate": 3,
                    "data_format": "channels_first"}, (2, 2, 6, 5)),
        ("Conv2D", {"filters": 4, "kernel_size": 3, "strides": 2, "groups": 2}, (2, 7, 6, 4)),
        ("Conv3D", {"filters": 2, "kernel_size": 3, "padding": "same", "use_bias": False},
         (1, 4, 3, 4, 2)),
    ],
)  # fmt: skip
def test_fast_path_gives_the_generic_numbers_and_gradients(cls_name, kwargs, shape, rng):
    """A backend's fused ``"Conv"`` kernel (torch) must match the generic ops path."""
    if kcore.backend.fused_kernel("Conv") is None:
        pytest.skip("the active backend has no fused convolution kernel")
    layer = getattr(layers, cls_name)(activation="relu", **kwargs)
    x = rng.standard_normal(shape).astype("float32")
    layer.build(shape)
    fused = layer._fused
    assert fused is not None, "the fused kernel declined a geometry it covers"
    layer.set_weights([w + 0.2 for w in layer.get_weights()])
    model = kcore.Sequential([kcore.Input(shape[1:]), layer])
    taken = []

    def spy(*args):
        out = fused(*args)
        taken.append(out is not NotImplemented)
        return out

    def run(fast, fn):
        layer._fused = spy if fast else None
        try:
            return fn()
        finally:
            layer._fused = fused

    fast = _np(run(True, lambda: model.predict_on_batch(x)))
    assert any(taken), "inference did not take the fused kernel"
    generic = _np(run(False, lambda: model.predict_on_batch(x)))
    np.testing.assert_allclose(fast, generic, rtol=1e-5, atol=1e-5)

    model.compile(optimizer="sgd", loss="mse")
    target = np.zeros(model.output_shape[1:], "float32")[None].repeat(shape[0], 0)
    before = [w.copy() for w in model.get_weights()]
    steps = []
    for use_fast in (True, False):
        model.set_weights(before)
        run(use_fast, lambda: model.train_on_batch(x, target))
        steps.append([a - b for a, b in zip(model.get_weights(), before)])
    for a, b in zip(*steps):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


# -- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls_name, kwargs, message",
    [
        ("Conv2D", {"filters": 0, "kernel_size": 3}, r"`filters`.*Received: filters=0"),
        ("Conv2D", {"filters": 2.5, "kernel_size": 3}, r"filters=2.5"),
        ("Conv2D", {"filters": 2, "kernel_size": 0}, r"`kernel_size`.*> 0.*kernel_size=0"),
        ("Conv2D", {"filters": 2, "kernel_size": (3, 3, 3)}, r"tuple/list of 2 integers"),
        ("Conv1D", {"filters": 2, "kernel_size": "3"}, r"kernel_size='3'"),
        ("Conv2D", {"filters": 2, "kernel_size": 3, "strides": 0}, r"`strides`.*> 0"),
        ("Conv2D", {"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2},
         r"`strides > 1` is not supported together with `dilation_rate > 1`"),
        ("Conv2D", {"filters": 3, "kernel_size": 3, "groups": 2},
         r"filters must be divisible by the number of groups. Received: groups=2, filters=3"),
        ("Conv2D", {"filters": 2, "kernel_size": 3, "padding": "causal"},
         r"`padding` must be one of \('valid', 'same'\).*only for Conv1D.*padding='causal'"),
        ("Conv1D", {"filters": 2, "kernel_size": 3, "padding": "full"}, r"padding='full'"),
        ("Conv1D", {"filters": 2, "kernel_size": 3, "padding": (1, 1)}, r"padding=\(1, 1\)"),
        ("Conv2D", {"filters": 2, "kernel_size": 3, "data_format": "NHWC"},
         r"'channels_last' or 'channels_first'. Received: data_format='NHWC'"),
        ("Conv2D", {"filters": 2, "kernel_size": 3, "activation": "nope"}, r"nope"),
        ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 2},
         r"`output_padding` must be strictly less than `strides`.*axis 0"),
        ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "output_padding": -1},
         r"`output_padding`.*>= 0"),
        ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "padding": "causal"}, r"causal"),
        ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 0}, r"`depth_multiplier`"),
        ("SeparableConv2D", {"filters": 2, "kernel_size": 3, "depth_multiplier": -1},
         r"`depth_multiplier`"),
        ("SeparableConv1D", {"filters": 2, "kernel_size": 3, "pointwise_initializer": 3},
         r"pointwise_initializer"),
    ],
)  # fmt: skip
def test_bad_arguments_raise_at_construction(cls_name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        getattr(layers, cls_name)(**kwargs)


def test_failed_construction_does_not_consume_a_name():
    def number(name):
        return int(name.rsplit("_", 1)[1]) if "_" in name[len("conv2d") :] else 0

    first = layers.Conv2D(2, 3).name
    with pytest.raises(ValueError):
        layers.Conv2D(2, 3, strides=-1)
    assert number(layers.Conv2D(2, 3).name) == number(first) + 1


def test_build_errors_name_the_layer_and_the_shape():
    with pytest.raises(ValueError, match=r'"c".*divisible by the number of groups.*3 channels'):
        layers.Conv2D(4, 3, groups=2, name="c").build((None, 5, 5, 3))
    with pytest.raises(ValueError, match=r'"c".*channel dimension.*must be known'):
        layers.Conv2D(4, 3, name="c").build((None, 5, 5, None))
    with pytest.raises(ValueError, match=r'"c".*zero or negative.*padding="same"'):
        layers.Conv2D(4, 6, name="c").build((None, 5, 5, 3))
    with pytest.raises(ValueError, match=r'"c".*rank 4'):
        layers.Conv2D(4, 3, name="c").build((None, 5, 5, 5, 3))
    layer = layers.Conv1D(2, 3, name="c")
    layer.build((None, 8, 3))
    with pytest.raises(ValueError, match=r'"c".*incompatible'):
        layer(np.zeros((1, 8, 4), "float32"))
    with pytest.raises(ValueError, match=r'"c".*zero or negative'):
        layers.Conv1D(2, 6, name="c")(kcore.Input((4, 2)))
