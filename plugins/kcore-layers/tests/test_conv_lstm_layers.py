"""ConvLSTM1D / ConvLSTM2D / ConvLSTM3D: ``run_layer_test`` end to end, Keras 3 parity (same
weights, same outputs; configs key by key, each library loading the other's), masks, initial
and stateful states, dropout in training, the one-convolution input projection, and argument
errors.
"""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.testing.layer_test import run_layer_test

layers = kcore.layers
rng_ = np.random.default_rng(5)
MASK = np.array([[1, 1, 0], [0, 1, 1]], bool)


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _data(rank, channels_first=False, channels=2, size=4):
    spatial = (size,) * rank
    shape = (2, 3, channels, *spatial) if channels_first else (2, 3, *spatial, channels)
    return rng_.standard_normal(shape).astype("float32")


X1, X2, X3 = _data(1, size=5), _data(2), _data(3)
X2_FIRST = _data(2, channels_first=True, size=5)


# -- run_layer_test -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls, kwargs, x, expected",
    [
        ("ConvLSTM1D", {"filters": 3, "kernel_size": 3}, X1, (2, 3, 3)),
        (
            "ConvLSTM2D",
            {"filters": 2, "kernel_size": 2, "padding": "same", "return_sequences": True},
            X2,
            (2, 3, 4, 4, 2),
        ),
        ("ConvLSTM3D", {"filters": 2, "kernel_size": 3, "go_backwards": True}, X3, (2, 2, 2, 2, 2)),
    ],
)
def test_conv_lstm_layer_test(cls, kwargs, x, expected):
    run_layer_test(
        getattr(layers, cls),
        kwargs,
        input_data=x,
        expected_output_shape=expected,
        expected_output_dtype="float32",
        expected_num_trainable_weights=3,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )


def test_conv_lstm_return_state_regularizers_and_mixed_precision():
    run_layer_test(
        layers.ConvLSTM2D,
        {
            "filters": 2,
            "kernel_size": 3,
            "data_format": "channels_first",
            "use_bias": False,
            "return_state": True,
            "kernel_regularizer": "l2",
            "recurrent_regularizer": "l1",
            "activity_regularizer": "l2",
        },
        input_data=X2_FIRST,
        expected_output_shape=((2, 2, 3, 3),) * 3,
        expected_output_dtype="float32",
        expected_num_trainable_weights=2,
        expected_num_losses=5,  # 2 weights + the activity loss of each of the 3 outputs
        supports_masking=True,
        run_mixed_precision_check=True,
    )


# -- Keras parity -------------------------------------------------------------------------------
CASES = {
    "1d": ("ConvLSTM1D", {"filters": 3, "kernel_size": 3}, X1),
    "1d_dilated_same_state": (
        "ConvLSTM1D",
        {
            "filters": 2,
            "kernel_size": 2,
            "dilation_rate": 2,
            "padding": "same",
            "return_state": True,
        },
        X1,
    ),
    "2d_same_sequences": (
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": 3, "padding": "same", "return_sequences": True},
        X2,
    ),
    "2d_first_strides_backwards": (
        "ConvLSTM2D",
        {
            "filters": 3,
            "kernel_size": (2, 3),
            "strides": 2,
            "data_format": "channels_first",
            "go_backwards": True,
            "return_sequences": True,
            "return_state": True,
        },
        X2_FIRST,
    ),
    "2d_no_bias_hard_sigmoid_zero_output": (
        "ConvLSTM2D",
        {
            "filters": 2,
            "kernel_size": 2,
            "use_bias": False,
            "unit_forget_bias": False,
            "activation": "relu",
            "recurrent_activation": "hard_sigmoid",
            "return_sequences": True,
            "zero_output_for_mask": True,
        },
        X2,
    ),
    "3d_state_backwards": (
        "ConvLSTM3D",
        {"filters": 2, "kernel_size": 2, "return_state": True, "go_backwards": True},
        X3,
    ),
}


def _clean(config):
    """Drop names (numbered differently) and build configs; tuples as lists."""
    if isinstance(config, dict):
        return {k: _clean(v) for k, v in config.items() if k not in ("name", "build_config")}
    if isinstance(config, (list, tuple)):
        return [_clean(v) for v in config]
    return config


def _assert_outputs(ours, theirs, atol=1e-5):
    ours, theirs = kcore.tree.flatten(ours), kcore.tree.flatten(theirs)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(_np(a), np.asarray(b), rtol=1e-5, atol=atol)


@pytest.mark.parametrize("case", sorted(CASES))
def test_conv_lstm_matches_keras(case, keras, rng):
    cls, kwargs, x = CASES[case]
    theirs, ours = getattr(keras.layers, cls)(**kwargs), getattr(layers, cls)(**kwargs)
    theirs.build(x.shape)
    ours.build(x.shape)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    # Perturb Keras's initial weights so the forget bias and the zeros matter less.
    weights = [
        w + 0.2 * rng.standard_normal(w.shape).astype("float32") for w in theirs.get_weights()
    ]
    theirs.set_weights(weights)
    ours.set_weights(theirs.get_weights())
    assert ours.count_params() == theirs.count_params()

    _assert_outputs(ours(x), theirs(x))
    _assert_outputs(ours(x, training=True), theirs(x, training=True))
    step = tuple(ours.cell.compute_output_shape((2, *x.shape[2:]))[0])
    states = [rng.standard_normal(step).astype("float32") for _ in range(2)]
    _assert_outputs(ours(x, initial_state=states), theirs(x, initial_state=states))

    # Symbolic shapes (dynamic batch and time).
    ours_sym = getattr(layers, cls)(**kwargs)(kcore.Input((None, *x.shape[2:])))
    theirs_sym = getattr(keras.layers, cls)(**kwargs)(keras.Input((None, *x.shape[2:])))
    assert [tuple(t.shape) for t in kcore.tree.flatten(ours_sym)] == [
        tuple(t.shape) for t in keras.tree.flatten(theirs_sym)
    ]

    # Configs: the same keys in the same order and values; each library loads the other's.
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    assert list(ours_config) == list(theirs_config)
    assert _clean(ours_config) == _clean(theirs_config)
    rebuilt = getattr(layers, cls).from_config(theirs_config)
    assert _clean(rebuilt.get_config()) == _clean(ours_config)
    getattr(keras.layers, cls).from_config(ours_config)


@pytest.mark.parametrize("zero_output", [False, True])
def test_masked_steps_match_keras_on_trimmed_sequences(zero_output, keras):
    # Keras 3.15's NumPy backend cannot mask image-shaped outputs (its `np.where` does not
    # broadcast the (batch, 1) mask), so the reference is Keras on the unmasked steps only:
    # masked steps carry the states, and output the previous output (zeros before the first).
    kwargs = {"filters": 2, "kernel_size": 3, "padding": "same", "return_sequences": True}
    theirs = keras.layers.ConvLSTM1D(**kwargs)
    ours = layers.ConvLSTM1D(**kwargs, zero_output_for_mask=zero_output)
    theirs.build(X1.shape)
    ours.build(X1.shape)
    ours.set_weights(theirs.get_weights())
    out = _np(ours(X1, mask=MASK))  # MASK: sample 0 = [1, 1, 0], sample 1 = [0, 1, 1]
    first, second = np.asarray(theirs(X1[:1, :2])), np.asarray(theirs(X1[1:, 1:]))
    np.testing.assert_allclose(out[0, :2], first[0], rtol=1e-5, atol=1e-5)
    last = np.zeros_like(first[0, 1]) if zero_output else first[0, 1]
    np.testing.assert_allclose(out[0, 2], last, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out[1, 0], np.zeros_like(out[1, 0]))
    np.testing.assert_allclose(out[1, 1:], second[0], rtol=1e-5, atol=1e-5)


def test_conv_lstm_in_a_model_matches_keras(keras):
    def build(lib):
        inputs = lib.Input((3, 4, 4, 2))
        x = lib.layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True)(inputs)
        x = lib.layers.ConvLSTM2D(3, 2)(x)
        return lib.Model(inputs, lib.layers.Flatten()(x))

    theirs, ours = build(keras), build(kcore)
    assert ours.count_params() == theirs.count_params()
    ours.set_weights(theirs.get_weights())
    _assert_outputs(ours.predict(X2, verbose=0), theirs.predict(X2, verbose=0))


# -- behaviour ----------------------------------------------------------------------------------
def test_input_convolution_runs_once_for_all_timesteps(monkeypatch):
    layer = layers.ConvLSTM1D(2, 3, unroll=True)
    layer.build(X1.shape)
    calls = []
    conv = ops.conv

    def counting_conv(inputs, kernel, *args, **kwargs):
        calls.append(tuple(inputs.shape))
        return conv(inputs, kernel, *args, **kwargs)

    monkeypatch.setattr(ops, "conv", counting_conv)
    layer(X1)
    # One input convolution over (time * batch) samples, then one recurrent one per step.
    assert calls == [(6, 5, 2), (2, 3, 2), (2, 3, 2), (2, 3, 2)]


def test_unroll_gives_the_scan_numbers():
    scan = layers.ConvLSTM1D(2, 3, return_sequences=True)
    unrolled = layers.ConvLSTM1D(2, 3, return_sequences=True, unroll=True)
    scan.build(X1.shape)
    unrolled.build(X1.shape)
    unrolled.set_weights(scan.get_weights())
    for kwargs in ({}, {"mask": MASK}):
        np.testing.assert_allclose(
            _np(unrolled(X1, **kwargs)), _np(scan(X1, **kwargs)), rtol=1e-5, atol=1e-6
        )


def test_dropout_in_training():
    layer = layers.ConvLSTM2D(2, 2, dropout=0.5, recurrent_dropout=0.3, seed=3)
    inference = _np(layer(X2))
    np.testing.assert_allclose(_np(layer(X2, training=False)), inference)
    trained = _np(layer(X2, training=True))
    assert trained.shape == inference.shape and not np.allclose(trained, inference)
    assert layer.cell._dropout_mask is None  # the masks live for one sequence only
    cell = layer.cell
    masks = cell.get_dropout_mask(ops.ones((2, 4, 4, 2)))
    assert len(masks) == 4  # one per gate, as in Keras
    assert not np.allclose(_np(masks[0]), _np(masks[1]))
    cell.reset_dropout_mask()
    # A gradient step with dropout works (run_layer_test covers the plain case).
    model = kcore.Sequential([kcore.Input((3, 4, 4, 2)), layer, layers.Flatten()])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(X2, np.zeros((2, 18), "float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_stateful_carries_states_between_calls():
    full = layers.ConvLSTM1D(2, 3, return_sequences=True)
    stateful = layers.ConvLSTM1D(2, 3, return_sequences=True, stateful=True)
    full.build(X1.shape)
    stateful.build(X1.shape)
    stateful.set_weights(full.get_weights())
    assert (
        len(stateful.weights) == 3 and [tuple(s.shape) for s in stateful.states] == [(2, 3, 2)] * 2
    )
    first, second = _np(stateful(X1[:, :2])), _np(stateful(X1[:, 2:]))
    np.testing.assert_allclose(
        np.concatenate([first, second], axis=1), _np(full(X1)), rtol=1e-5, atol=1e-6
    )
    stateful.reset_states()
    assert all(np.all(_np(v.value) == 0) for v in stateful.states)


def test_masks_attributes_and_cell_states():
    layer = layers.ConvLSTM2D(2, 3, return_sequences=True, return_state=True)
    assert layer.compute_mask(X2, MASK)[1:] == [None, None]
    assert _np(layer.compute_mask(X2, MASK)[0]).tolist() == MASK.tolist()
    assert layers.ConvLSTM2D(2, 3).compute_mask(X2, MASK) is None
    assert (layer.filters, layer.kernel_size, layer.strides, layer.padding) == (
        2,
        (3, 3),
        (1, 1),
        "valid",
    )
    assert layer.data_format == kcore.config.image_data_format()
    layer.build(X2.shape)
    assert layer.cell.state_size == [(2, 2, 2), (2, 2, 2)]
    h0, c0 = layer.get_initial_state(5)
    assert tuple(h0.shape) == tuple(c0.shape) == (5, 2, 2, 2)
    out, (h, c) = layer.cell(X2[:, 0], [h0[:2], c0[:2]])  # the cell called directly: one step
    sequence, h1, c1 = layer(X2[:, :1])
    np.testing.assert_allclose(_np(out), _np(sequence)[:, 0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(c), _np(c1), rtol=1e-5, atol=1e-6)
    bias = _np(layers.ConvLSTM1D(2, 3, bias_initializer="ones").cell.bias_initializer((2,)))
    assert bias.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"filters": 0, "kernel_size": 3}, "filters"),
        ({"filters": 2, "kernel_size": (3, 3, 3)}, "kernel_size"),
        ({"filters": 2, "kernel_size": 3, "strides": 0}, "strides"),
        ({"filters": 2, "kernel_size": 3, "padding": "causal"}, "padding"),
        ({"filters": 2, "kernel_size": 3, "data_format": "channels_middle"}, "data_format"),
        ({"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, "dilation_rate"),
        ({"filters": 2, "kernel_size": 3, "dropout": 1.5}, "dropout"),
        ({"filters": 2, "kernel_size": 3, "recurrent_dropout": -0.1}, "recurrent_dropout"),
        ({"filters": 2, "kernel_size": 3, "seed": "x"}, "seed"),
        ({"filters": 2, "kernel_size": 3, "activation": "nope"}, "nope"),
        ({"filters": 2, "kernel_size": 3, "return_sequences": "yes"}, "return_sequences"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.ConvLSTM2D(**kwargs)


def test_bad_input_shapes_raise():
    with pytest.raises(ValueError, match="rank 4"):
        layers.ConvLSTM1D(2, 3).build((2, 3, 5, 5, 2))
    with pytest.raises(ValueError, match="static spatial"):
        layers.ConvLSTM2D(2, 3).build((2, 3, None, 4, 2))
    with pytest.raises(ValueError, match="channel dimension"):
        layers.ConvLSTM2D(2, 3).build((2, 3, 4, 4, None))
    with pytest.raises(ValueError, match="empty"):
        layers.ConvLSTM2D(2, 5).build((2, 3, 4, 4, 2))
    with pytest.raises(ValueError, match="batch size must be static"):
        layers.ConvLSTM1D(2, 3, stateful=True)(kcore.Input((3, 5, 2)))
