"""Recurrent layers: RNN, SimpleRNN, LSTM, GRU, their cells, StackedRNNCells, Bidirectional.

Keras parity (same weights, same numbers) lives in ``test_rnn_keras_parity.py``; this file
checks each layer end to end with ``run_layer_test`` and the behaviour Keras defines (masks,
states, ``go_backwards``, ``stateful``, ``unroll``, constants, training), plus on torch that
the fused LSTM / GRU kernel gives the generic loop's outputs and gradients.
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


X = np.random.default_rng(7).standard_normal((2, 4, 3)).astype("float32")


class MinimalRNNCell(kcore.Layer):
    """The cell protocol at its smallest: ``h = tanh(x W + h_tm1 U)``."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units), name="recurrent_kernel", initializer="orthogonal"
        )
        self.built = True

    def call(self, inputs, states):
        h = ops.matmul(inputs, self.kernel.value)
        output = ops.tanh(ops.add(h, ops.matmul(states[0], self.recurrent_kernel.value)))
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class ConstantsCell(kcore.Layer):
    """A cell taking ``constants``: ``h = h_tm1 + x + sum(constants)``."""

    state_size = 3

    def call(self, inputs, states, constants=None):
        output = ops.add(states[0], inputs)
        for constant in constants or ():
            output = ops.add(output, constant)
        return output, [output]


class ImageStateCell(kcore.Layer):
    """A cell with image-shaped states (what a ConvLSTM cell needs): ``s = s + x``."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.state_size = [(2, 2, 3), (2, 2, 3)]
        self.output_size = (2, 2, 3)

    def call(self, inputs, states):
        s0 = ops.add(states[0], inputs)
        s1 = ops.multiply(states[1], 0.5)
        return s0, [s0, s1]


CUSTOM = {"MinimalRNNCell": MinimalRNNCell}


# -- run_layer_test -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls, kwargs, expected",
    [
        ("SimpleRNN", {"units": 5}, (2, 5)),
        ("SimpleRNN", {"units": 5, "activation": "relu", "return_sequences": True}, (2, 4, 5)),
        ("LSTM", {"units": 5}, (2, 5)),
        ("LSTM", {"units": 5, "go_backwards": True, "return_sequences": True}, (2, 4, 5)),
        ("LSTM", {"units": 5, "unroll": True, "use_bias": False}, (2, 5)),
        ("GRU", {"units": 5}, (2, 5)),
        ("GRU", {"units": 5, "reset_after": False, "return_sequences": True}, (2, 4, 5)),
    ],
)
def test_rnn_layers_layer_test(cls, kwargs, expected):
    run_layer_test(
        getattr(layers, cls),
        kwargs,
        input_data=X,
        expected_output_shape=expected,
        expected_output_dtype="float32",
        expected_num_trainable_weights=3 if kwargs.get("use_bias", True) else 2,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )


@pytest.mark.parametrize("cls", ["SimpleRNN", "LSTM", "GRU"])
def test_return_state_regularizers_and_mixed_precision(cls):
    n_states = 2 if cls == "LSTM" else 1
    run_layer_test(
        getattr(layers, cls),
        {
            "units": 4,
            "return_state": True,
            "kernel_regularizer": "l2",
            "recurrent_regularizer": "l1",
            "activity_regularizer": "l2",
            "bias_constraint": "non_neg",
        },
        input_data=X,
        expected_output_shape=[(2, 4)] * (1 + n_states),
        expected_num_losses=2 + 1 + n_states,
        run_mixed_precision_check=cls == "LSTM",
    )


@pytest.mark.parametrize("cls", ["SimpleRNN", "LSTM", "GRU"])
def test_dropout_in_training(cls):
    run_layer_test(
        getattr(layers, cls),
        {"units": 4, "dropout": 0.5, "recurrent_dropout": 0.3, "seed": 3},
        input_data=X,
        call_kwargs={"training": True},
        expected_output_shape=(2, 4),
    )
    layer = getattr(layers, cls)(4, dropout=0.5, recurrent_dropout=0.3, seed=3)
    inference = _np(layer(X))
    np.testing.assert_allclose(_np(layer(X, training=False)), inference)
    assert not np.allclose(_np(layer(X, training=True)), inference)
    assert layer.cell._dropout_mask is None  # masks live for one sequence only


def test_rnn_with_custom_cell_and_stacked_cells():
    run_layer_test(
        layers.RNN,
        {"cell": MinimalRNNCell(4), "return_sequences": True},
        input_data=X,
        expected_output_shape=(2, 4, 4),
        expected_num_trainable_weights=2,
        custom_objects=CUSTOM,
    )
    run_layer_test(
        layers.RNN,
        {"cell": [layers.LSTMCell(5), layers.GRUCell(3)], "return_state": True},
        input_data=X,
        expected_output_shape=[(2, 3), [(2, 5), (2, 5)], [(2, 3)]],
        expected_num_trainable_weights=6,
    )


def test_cell_configs_round_trip():
    for cls, kwargs in [
        (layers.SimpleRNNCell, {"units": 3, "dropout": 0.1}),
        (layers.LSTMCell, {"units": 3, "unit_forget_bias": False}),
        (layers.GRUCell, {"units": 3, "reset_after": False}),
        (layers.StackedRNNCells, {"cells": [layers.LSTMCell(3), layers.SimpleRNNCell(2)]}),
    ]:
        run_layer_test(cls, kwargs)


@pytest.mark.parametrize("merge_mode", ["concat", None])  # every mode: the Keras parity file
def test_bidirectional_layer_test(merge_mode):
    width = 8 if merge_mode == "concat" else 4
    expected = (2, 4, width) if merge_mode else [(2, 4, 4), (2, 4, 4)]
    run_layer_test(
        layers.Bidirectional,
        {"layer": layers.LSTM(4, return_sequences=True), "merge_mode": merge_mode},
        input_data=X,
        expected_output_shape=expected,
        expected_num_trainable_weights=6,
        supports_masking=True,
    )


def test_bidirectional_return_state_and_backward_layer():
    run_layer_test(
        layers.Bidirectional,
        {
            "layer": layers.GRU(3, return_state=True),
            "backward_layer": layers.SimpleRNN(2, return_state=True, go_backwards=True),
        },
        input_data=X,
        expected_output_shape=[(2, 5), (2, 3), (2, 2)],
        expected_num_trainable_weights=6,
    )
    layer = layers.Bidirectional(layers.LSTM(3, name="lstm_x"))
    assert layer.forward_layer.name == "forward_lstm_x"
    assert layer.backward_layer.name == "backward_lstm_x" and layer.backward_layer.go_backwards
    layer(X)
    paths = [w.path for w in layer.weights]
    assert len(paths) == 6 and layer.weights[0] is layer.forward_layer.weights[0]


# -- behaviour ----------------------------------------------------------------------------------
def _numpy_simple_rnn(x, kernel, recurrent, bias, h):
    outs = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + bias + h @ recurrent)
        outs.append(h)
    return np.stack(outs, 1), h


def test_simple_rnn_numerics_go_backwards_and_initial_state():
    h0 = np.random.default_rng(1).standard_normal((2, 5)).astype("float32")
    layer = layers.SimpleRNN(5, return_sequences=True, return_state=True, go_backwards=True)
    outputs, state = layer(X, initial_state=[h0])
    kernel, recurrent, bias = layer.get_weights()
    expected, last = _numpy_simple_rnn(X[:, ::-1], kernel, recurrent, bias, h0)
    np.testing.assert_allclose(_np(outputs), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(state), last, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", ["SimpleRNN", "LSTM", "GRU"])
def test_unroll_gives_the_scan_numbers(cls):
    scan = getattr(layers, cls)(4, return_sequences=True, return_state=True)
    unrolled = getattr(layers, cls)(4, return_sequences=True, return_state=True, unroll=True)
    mask = np.array([[1, 1, 0, 1], [0, 1, 1, 1]], bool)
    scan(X)
    unrolled(X)
    unrolled.set_weights(scan.get_weights())
    for kwargs in ({}, {"mask": mask}):
        for a, b in zip(scan(X, **kwargs), unrolled(X, **kwargs)):
            np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", ["SimpleRNN", "LSTM", "GRU"])
def test_right_padding_is_ignored_through_embedding_mask(cls):
    tokens = np.array([[3, 5, 2, 0, 0], [4, 1, 0, 0, 0]], "int32")
    model = kcore.Sequential(
        [
            kcore.Input((None,), dtype="int32"),
            layers.Embedding(9, 4, mask_zero=True),
            getattr(layers, cls)(3),
        ]  # fmt: skip
    )
    padded = _np(model(tokens))
    for row, length in ((0, 3), (1, 2)):
        alone = _np(model(tokens[row : row + 1, :length]))
        np.testing.assert_allclose(padded[row : row + 1], alone, rtol=1e-5, atol=1e-6)


def test_mask_keeps_previous_output_or_zeros():
    mask = np.array([[1, 0, 1, 1], [1, 1, 1, 0]], bool)
    for zero_output in (False, True):
        layer = layers.GRU(3, return_sequences=True, zero_output_for_mask=zero_output)
        out = _np(layer(X, mask=mask))
        if zero_output:
            np.testing.assert_array_equal(out[0, 1], 0)
            np.testing.assert_array_equal(out[1, 3], 0)
        else:
            np.testing.assert_array_equal(out[0, 1], out[0, 0])
            np.testing.assert_array_equal(out[1, 3], out[1, 2])
    assert _np(layer.compute_mask(X, mask)).tolist() == mask.tolist()
    assert layers.GRU(3).compute_mask(X, mask) is None
    assert layers.LSTM(3, return_state=True).compute_mask(X, mask) == [None, None, None]


def test_initial_state_in_a_functional_model():
    inputs = kcore.Input((4, 3))
    h = kcore.Input((5,))
    c = kcore.Input((5,))
    lstm = layers.LSTM(5, return_state=True)
    outputs = lstm(inputs, initial_state=[h, c])
    assert [tuple(t.shape) for t in outputs] == [(None, 5)] * 3
    model = kcore.Model([inputs, h, c], outputs)
    rng = np.random.default_rng(2)
    h0, c0 = rng.standard_normal((2, 5)).astype("float32"), np.zeros((2, 5), "float32")
    got = model([X, h0, c0])
    expected = lstm(X, initial_state=[h0, c0])
    for a, b in zip(got, expected):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-6)
    assert not np.allclose(_np(got[0]), _np(lstm(X)[0]))
    with pytest.raises(ValueError, match="expects 2 initial state"):
        lstm(X, initial_state=[h0])


@pytest.mark.parametrize("cls", ["SimpleRNN", "LSTM", "GRU"])
def test_stateful_carries_states_between_calls(cls):
    full = getattr(layers, cls)(3, return_sequences=True)
    stateful = getattr(layers, cls)(3, return_sequences=True, stateful=True)
    run = _np(full(X))
    stateful.build(X.shape)
    stateful.set_weights(full.get_weights())
    assert len(stateful.weights) == len(full.weights)  # states are not weights (as Keras)
    first, second = _np(stateful(X[:, :2])), _np(stateful(X[:, 2:]))
    np.testing.assert_allclose(np.concatenate([first, second], 1), run, rtol=1e-5, atol=1e-6)
    stateful.reset_states()
    assert all(np.all(_np(v.value) == 0) for v in stateful.states)
    np.testing.assert_allclose(_np(stateful(X[:, :2])), first, rtol=1e-5, atol=1e-6)
    stateful.reset_state()
    with pytest.raises(ValueError, match="batch size must be static"):
        getattr(layers, cls)(3, stateful=True)(kcore.Input((4, 3)))


def test_constants_reach_the_cell():
    layer = layers.RNN(ConstantsCell(), return_sequences=True)
    x = np.ones((2, 3, 3), "float32")
    out = _np(layer(x, constants=[np.full((2, 3), 10.0, "float32")]))
    np.testing.assert_allclose(out[:, :, 0], [[11, 22, 33], [11, 22, 33]])
    with pytest.raises(ValueError, match="constants"):
        layers.LSTM(2)(x, constants=[x[:, 0]])


def test_image_shaped_states():
    layer = layers.RNN(ImageStateCell(), return_sequences=True, return_state=True)
    x = np.ones((2, 5, 2, 2, 3), "float32")
    mask = np.array([[1, 1, 0, 1, 1], [1, 1, 1, 1, 1]], bool)
    outputs, s0, s1 = layer(x, mask=mask)
    assert tuple(ops.shape(outputs)) == (2, 5, 2, 2, 3)
    np.testing.assert_allclose(_np(s0)[:, 0, 0, 0], [4, 5])
    image = (2, 2, 3)
    assert layer.compute_output_shape((2, 5, *image)) == ((2, 5, *image), (2, *image), (2, *image))
    symbolic = layer(kcore.Input((5, *image)))
    assert [tuple(t.shape) for t in symbolic] == [(None, 5, *image), (None, *image), (None, *image)]


def test_cells_called_directly():
    x, h = X[:, 0], np.zeros((2, 4), "float32")
    for cell, states in (
        (layers.LSTMCell(4), [h, h]),
        (layers.GRUCell(4), [h]),
        (layers.SimpleRNNCell(4), [h]),
        (layers.StackedRNNCells([layers.SimpleRNNCell(4), layers.LSTMCell(4)]), [[h], [h, h]]),
    ):
        cell.build(x.shape)
        output, new_states = cell.call(x, states)
        assert tuple(ops.shape(output)) == (2, 4)
        assert len(kcore.tree.flatten(new_states)) == len(kcore.tree.flatten(states))


def test_lstm_unit_forget_bias():
    layer = layers.LSTM(3, bias_initializer=kcore.initializers.Constant(0.5))
    layer.build((None, 4, 2))  # the forget block is ones (as Keras), the rest the initializer's
    np.testing.assert_array_equal(_np(layer.cell.bias.value), [0.5] * 3 + [1.0] * 3 + [0.5] * 6)
    layer = layers.LSTM(3, unit_forget_bias=False)
    layer.build((None, 4, 2))
    np.testing.assert_array_equal(_np(layer.cell.bias.value), 0.0)


def test_layer_attributes_forward_to_the_cell():
    layer = layers.GRU(3, dropout=0.2, reset_after=False, use_cudnn=False)
    assert (layer.units, layer.dropout, layer.reset_after) == (3, 0.2, False)
    assert layer.cell.name == "gru_cell" and "use_cudnn" not in layer.get_config()


def test_validation_errors():
    with pytest.raises(ValueError, match="units"):
        layers.LSTM(0)
    with pytest.raises(ValueError, match="dropout"):
        layers.GRU(2, dropout=1.5)
    with pytest.raises(ValueError, match="use_cudnn"):
        layers.LSTM(2, use_cudnn="yes")
    with pytest.raises(ValueError, match="`call` method and a `state_size`"):
        layers.RNN(object())
    with pytest.raises(ValueError, match="return_sequences"):
        layers.SimpleRNN(2, return_sequences="yes")
    with pytest.raises(ValueError, match="non-empty list"):
        layers.StackedRNNCells([])
    with pytest.raises(ValueError, match="Invalid merge mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="Layer` instance"):
        layers.Bidirectional(object())
    with pytest.raises(ValueError, match="different `go_backwards`"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ValueError, match="return_sequences"):
        layers.Bidirectional(
            layers.LSTM(2), backward_layer=layers.LSTM(2, go_backwards=True, return_sequences=True)
        )
    with pytest.raises(ValueError, match="unroll"):
        layers.LSTM(2, unroll=True)(kcore.Input((None, 3)))


def test_fit_trains_on_the_active_backend():
    rng = np.random.default_rng(0)
    tokens = rng.integers(1, 30, size=(32, 7)).astype("int32")
    tokens[:8, 5:] = 0
    labels = (tokens[:, 0] > 15).astype("float32")
    model = kcore.Sequential(
        [
            kcore.Input((7,), dtype="int32"),
            layers.Embedding(30, 8, mask_zero=True),
            layers.Bidirectional(layers.LSTM(6, return_sequences=True)),
            layers.GRU(5),
            layers.Dense(1, activation="sigmoid"),
        ]  # fmt: skip
    )
    model.compile("adam", "binary_crossentropy")
    history = model.fit(tokens, labels, batch_size=16, epochs=2, verbose=0)
    assert all(np.isfinite(history.history["loss"]))
    assert model.predict(tokens, verbose=0).shape == (32, 1)


def test_stateful_fit_updates_states():
    model = kcore.Sequential(
        [kcore.Input(batch_shape=(4, 3, 2)), layers.LSTM(3, stateful=True), layers.Dense(1)]
    )
    model.compile("sgd", "mse")
    x = np.random.default_rng(0).standard_normal((8, 3, 2)).astype("float32")
    model.fit(x, np.ones((8, 1), "float32"), batch_size=4, epochs=1, shuffle=False, verbose=0)
    states = [_np(v.value) for v in model.layers[0].states]
    assert all(np.any(s != 0) for s in states)


# -- torch: the fused kernel gives the generic loop's numbers ---------------------------------------
torch_only = pytest.mark.skipif(
    kcore.backend.backend() != "torch", reason="the fused LSTM / GRU kernels are torch's"
)


def _outputs_and_grads(layer, x, initial_state, mask=None):
    from kcore.backend import get_backend

    variables = layer.trainable_weights
    outputs = {}

    def loss_fn(*values):
        with kcore.StatelessScope(list(zip(variables, values))):
            out = layer(x, initial_state=initial_state, mask=mask)
        flat = kcore.tree.flatten(out)
        outputs["values"] = [_np(o) for o in flat]
        total = ops.sum(ops.square(flat[0]))
        for i, o in enumerate(flat[1:]):
            total = ops.add(total, ops.multiply(ops.sum(o), 0.3 * (i + 1)))
        return total

    grads = get_backend().gradient(loss_fn, *[v.value for v in variables])
    return outputs["values"], [_np(g) for g in grads]


RIGHT_PADDED = np.array([[1] * 6, [1, 1, 1, 0, 0, 0], [1, 0, 0, 0, 0, 0]], bool)


@torch_only
@pytest.mark.parametrize(
    "cls, kwargs, masked",
    [
        ("LSTM", {}, False),
        ("LSTM", {"return_sequences": True, "go_backwards": True, "return_state": True}, False),
        ("LSTM", {"use_bias": False, "return_state": True, "stateful": True}, False),
        ("LSTM", {"return_sequences": True, "return_state": True}, True),
        ("LSTM", {"return_sequences": True, "zero_output_for_mask": True}, True),
        ("GRU", {}, False),
        ("GRU", {"return_sequences": True, "go_backwards": True, "return_state": True}, False),
        ("GRU", {"use_bias": False, "return_sequences": True}, False),
        ("GRU", {"return_state": True, "stateful": True}, True),
        ("GRU", {"zero_output_for_mask": True, "return_state": True}, True),
    ],
)
def test_torch_fused_kernel_matches_the_generic_loop(cls, kwargs, masked):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 6, 5)).astype("float32")
    mask = RIGHT_PADDED if masked else None
    n_states = 2 if cls == "LSTM" else 1
    initial_state = [rng.standard_normal((3, 4)).astype("float32") for _ in range(n_states)]
    fused = getattr(layers, cls)(4, bias_initializer="glorot_uniform", **kwargs)
    generic = getattr(layers, cls)(4, **kwargs)
    fused.build(x.shape)
    generic.build(x.shape)
    generic.set_weights(fused.get_weights())
    kernel, results = fused._fused, []
    assert kernel is not None
    fused._fused = lambda *a, **k: results.append(kernel(*a, **k)) or results[-1]
    generic._fused = None  # force the kcore.ops loop
    out_f, grads_f = _outputs_and_grads(fused, x, initial_state, mask)
    out_g, grads_g = _outputs_and_grads(generic, x, initial_state, mask)
    assert len(results) == 1 and results[0] is not NotImplemented
    assert len(out_f) == len(out_g) and len(grads_f) == len(grads_g) == len(fused.weights)
    for a, b in zip(out_f + grads_f, out_g + grads_g):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    if kwargs.get("stateful"):
        fused(x, mask=mask)
        generic(x, mask=mask)
        for a, b in zip(fused.states, generic.states):
            np.testing.assert_allclose(_np(a.value), _np(b.value), rtol=1e-5, atol=1e-6)


def _spy_on_fused_kernel(layer, x):
    layer.build(x.shape)
    real, results = layer._fused, []
    layer._fused = lambda *a, **k: results.append(real(*a, **k)) or results[-1]
    return results


@torch_only
def test_torch_fused_kernel_is_used_only_when_it_applies():
    x = np.concatenate([X, X], axis=1)
    layer = layers.LSTM(3, dropout=0.2, recurrent_dropout=0.2)
    results = _spy_on_fused_kernel(layer, x)
    layer(x)  # inference: recurrent dropout is off, so fused
    layer(x, training=True)  # recurrent dropout in training: generic, the kernel is not asked
    layer(x, mask=np.ones((2, 8), bool))  # fused
    layer(x, mask=np.array([[1, 1, 0, 1] * 2, [1] * 8], bool))  # a hole: declined
    layer(x, mask=np.array([[0] * 8, [1] * 8], bool))  # an empty row: declined
    assert [r is not NotImplemented for r in results] == [True, True, False, False]
    backwards = layers.GRU(3, go_backwards=True)
    results = _spy_on_fused_kernel(backwards, x)
    backwards(x)
    backwards(x, mask=np.ones((2, 8), bool))  # masks only forwards: declined
    assert [r is not NotImplemented for r in results] == [True, False]
    for off in (
        layers.LSTM(3, use_cudnn=False),
        layers.LSTM(3, activation="relu"),
        layers.GRU(3, recurrent_activation="hard_sigmoid"),
        layers.GRU(3, reset_after=False),
        layers.LSTM(3, unroll=True),
        layers.GRU(3, dtype="mixed_bfloat16"),
    ):
        off.build(x.shape)
        assert off._fused is None, off.get_config()
    with_dropout = layers.GRU(3, dropout=0.5, seed=1)
    with_dropout.build(x.shape)
    assert with_dropout._fused is not None
    assert not np.allclose(_np(with_dropout(x, training=True)), _np(with_dropout(x)))


tf_only = pytest.mark.skipif(
    kcore.backend.backend() != "tensorflow", reason="the fused LSTM kernel of tensorflow"
)


@tf_only
@pytest.mark.parametrize("graph", [False, True], ids=["eager", "tf.function"])
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"return_sequences": True, "go_backwards": True, "return_state": True},
        {"use_bias": False, "return_state": True, "stateful": True},
        {"return_sequences": True},
    ],
)
def test_tf_fused_lstm_matches_the_generic_loop(kwargs, graph):
    import tensorflow as tf

    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 6, 5)).astype("float32")
    initial_state = [rng.standard_normal((3, 4)).astype("float32") for _ in range(2)]
    fused = layers.LSTM(4, bias_initializer="glorot_uniform", **kwargs)
    generic = layers.LSTM(4, **kwargs)
    fused.build(x.shape)
    generic.build(x.shape)
    generic.set_weights(fused.get_weights())
    kernel, results = fused._fused, []
    assert kernel is not None
    fused._fused = lambda *a, **k: results.append(kernel(*a, **k)) or results[-1]
    generic._fused = None  # force the kcore.ops loop

    def outputs_and_grads(layer):
        def run():
            with tf.GradientTape() as tape:
                tape.watch(initial_state_t)
                flat = kcore.tree.flatten(layer(x, initial_state=initial_state_t))
                loss = tf.reduce_sum(tf.square(flat[0]))
                for i, o in enumerate(flat[1:]):
                    loss += 0.3 * (i + 1) * tf.reduce_sum(o)
            weights = [w.value for w in layer.trainable_weights]
            return flat, tape.gradient(loss, [*weights, *initial_state_t])

        initial_state_t = [tf.constant(s) for s in initial_state]
        out, grads = (tf.function(run) if graph else run)()
        return [_np(o) for o in out], [_np(g) for g in grads]

    out_f, grads_f = outputs_and_grads(fused)
    out_g, grads_g = outputs_and_grads(generic)
    assert len(results) == 1 and results[0] is not NotImplemented
    assert len(grads_f) == len(fused.trainable_weights) + 2  # weights, h0, c0
    for a, b in zip(out_f + grads_f, out_g + grads_g):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@tf_only
def test_tf_fused_lstm_is_used_only_when_it_applies():
    x = np.concatenate([X, X], axis=1)
    layer = layers.LSTM(3, dropout=0.2, recurrent_dropout=0.2)
    results = _spy_on_fused_kernel(layer, x)
    layer(x)  # inference: recurrent dropout is off, so fused
    layer(x, training=True)  # recurrent dropout in training: the kernel is not asked
    layer(x, mask=np.ones((2, 8), bool))  # masks: declined, the generic loop handles them
    assert [r is not NotImplemented for r in results] == [True, False]
    for off in (layers.LSTM(3, use_cudnn=False), layers.LSTM(3, unroll=True)):
        off.build(x.shape)
        assert off._fused is None, off.get_config()
    assert kcore.backend.fused_kernel("GRU") is None  # tensorflow has no fused GRU


@tf_only
def test_tf_fused_lstm_trains_like_the_generic_loop():
    """Two epochs of ``fit`` (the tf.function train step) from the same weights agree."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((64, 7, 5)).astype("float32")
    y = rng.integers(0, 2, (64, 1)).astype("float32")

    def model(use_cudnn):
        m = kcore.Sequential(
            [kcore.Input((7, 5)), layers.LSTM(6, use_cudnn=use_cudnn), layers.Dense(1)]
        )
        m.compile(optimizer="adam", loss="mse")
        return m

    fused, generic = model("auto"), model(False)
    generic.set_weights(fused.get_weights())
    assert fused.layers[0]._fused is not None and generic.layers[0]._fused is None
    h_f = fused.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history["loss"]
    h_g = generic.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h_f, h_g, rtol=1e-5)
    for a, b in zip(fused.get_weights(), generic.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
