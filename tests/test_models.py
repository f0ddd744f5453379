"""Layer / Functional / Sequential / subclassed Model on the active backend.

Uses a small Dense-like layer defined here so the core is tested without kcore-layers.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import kcore
from kcore import ops


class Affine(kcore.Layer):
    """``x @ kernel + bias`` with fixed, deterministic initial values."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.input_spec = kcore.InputSpec(min_ndim=2)

    def build(self, input_shape):
        n_in = input_shape[-1]
        values = np.arange(n_in * self.units, dtype="float32").reshape(n_in, self.units) / 10
        self.kernel = self.add_weight(
            (n_in, self.units), initializer=lambda s, dtype: values, name="kernel"
        )
        self.bias = self.add_weight(
            (self.units,), initializer=lambda s, dtype: np.ones(s, dtype), name="bias"
        )
        self.input_spec = kcore.InputSpec(min_ndim=2, axes={-1: n_in})

    def call(self, inputs):
        return ops.add(ops.matmul(inputs, self.kernel.value), self.bias.value)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Doubler(kcore.Layer):
    """No ``compute_output_shape``: symbolic calls trace ``call`` op by op."""

    def call(self, inputs, training=None):
        return ops.multiply(inputs, 2.0) if training else inputs


CUSTOM = {"Affine": Affine, "Doubler": Doubler}
X = np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4)


def reference(x):
    h = x @ (np.arange(4 * 5, dtype="float32").reshape(4, 5) / 10) + 1
    return h @ (np.arange(5 * 2, dtype="float32").reshape(5, 2) / 10) + 1


def functional_model():
    inputs = kcore.Input((4,), name="features")
    hidden = Affine(5, name="hidden")(inputs)
    outputs = Affine(2, name="head")(hidden)
    return kcore.Model(inputs=inputs, outputs=outputs, name="mlp")


def test_three_ways_to_build_agree():
    functional = functional_model()
    sequential = kcore.Sequential([kcore.Input((4,)), Affine(5), Affine(2)])

    class Subclassed(kcore.Model):
        def __init__(self):
            super().__init__()
            self.hidden = Affine(5)
            self.head = Affine(2)

        def call(self, inputs, training=False):
            return self.head(self.hidden(inputs))

    subclassed = Subclassed()
    for model in (functional, sequential, subclassed):
        out = ops.convert_to_numpy(model(X))
        np.testing.assert_allclose(out, reference(X), rtol=1e-5)
        assert model.count_params() == 4 * 5 + 5 + 5 * 2 + 2
        assert [w.name for w in model.weights] == ["kernel", "bias", "kernel", "bias"]


def test_weight_paths_and_trainable_split():
    model = functional_model()
    assert [w.path for w in model.weights] == [
        "hidden/kernel", "hidden/bias", "head/kernel", "head/bias"
    ]  # fmt: skip
    model.get_layer("hidden").trainable = False
    assert [w.path for w in model.trainable_weights] == ["head/kernel", "head/bias"]
    assert [w.path for w in model.non_trainable_weights] == ["hidden/kernel", "hidden/bias"]
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 4


def test_set_weights_round_trip_and_validation():
    model = functional_model()
    weights = [w * 0.5 for w in model.get_weights()]
    model.set_weights(weights)
    for got, want in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match=r'Layer "mlp".*expected a list of 4 arrays.*received 3'):
        model.set_weights(weights[:3])
    before = model.get_weights()
    bad = list(weights)
    bad[2] = np.zeros((3, 3), "float32")
    with pytest.raises(ValueError, match=r"head/kernel.*\(5, 2\).*\(3, 3\)"):
        model.set_weights(bad)
    for got, want in zip(model.get_weights(), before):  # nothing was half-applied
        np.testing.assert_array_equal(got, want)


def test_incompatible_input_shape_names_the_layer():
    model = functional_model()
    with pytest.raises(ValueError, match=r'layer "hidden".*axis -1.*value 4.*\(3, 7\)'):
        model.get_layer("hidden")(np.zeros((3, 7), "float32"))


def test_outputs_not_derived_from_inputs():
    a = kcore.Input((4,), name="a")
    b = kcore.Input((4,), name="b")
    out = Affine(2)(b)
    with pytest.raises(ValueError, match=r'input "b".*not in `inputs`'):
        kcore.Model(inputs=a, outputs=out)
    with pytest.raises(TypeError, match="KerasTensors"):
        kcore.Model(inputs=a, outputs=np.zeros(3))


def test_duplicate_layer_names_rejected():
    inputs = kcore.Input((4,))
    x = Affine(3, name="same")(inputs)
    y = Affine(3, name="same")(x)
    with pytest.raises(ValueError, match=r"unique.*\['same'\]"):
        kcore.Model(inputs, y)
    seq = kcore.Sequential([Affine(3, name="twin")])
    with pytest.raises(ValueError, match='"twin" was already added'):
        seq.add(Affine(3, name="twin"))


def test_sequential_add_rejects_non_layers():
    with pytest.raises(TypeError, match=r"Only instances of `kcore.Layer`.*Received: 'dense'"):
        kcore.Sequential().add("dense")


def test_multi_input_multi_output_and_dict_inputs():
    a = kcore.Input((4,), name="a")
    b = kcore.Input((4,), name="b")
    shared = Affine(2, name="shared")
    out1 = shared(a)
    out2 = shared(b)  # shared layer: two nodes, one set of weights
    model = kcore.Model(inputs={"a": a, "b": b}, outputs=[out1, ops.add(out1, out2)])
    assert len(model.weights) == 2
    o1, o2 = model({"a": X, "b": X * 0})
    expected1 = X @ (np.arange(8, dtype="float32").reshape(4, 2) / 10) + 1
    np.testing.assert_allclose(ops.convert_to_numpy(o1), expected1, rtol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(o2), expected1 + 1, rtol=1e-5)
    with pytest.raises(ValueError, match=r"missing inputs \['b'\]"):
        model({"a": X})


def test_nested_model_as_layer_and_training_flag():
    inner = functional_model()
    inputs = kcore.Input((4,))
    outputs = Doubler()(inner(inputs))
    outer = kcore.Model(inputs, outputs)
    assert outer.output_shape == (None, 2)
    base = ops.convert_to_numpy(outer(X))
    np.testing.assert_allclose(base, reference(X), rtol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(outer(X, training=True)), 2 * base, rtol=1e-5)


def test_symbolic_shape_inference_without_compute_output_shape():
    x = kcore.Input((None, 4))
    y = Doubler()(x)
    assert y.shape == (None, None, 4) and y.dtype == "float32"


def test_deferred_sequential_builds_on_first_call():
    model = kcore.Sequential([Affine(5), Affine(2)])
    assert not model.built
    out = model(X)
    assert model.built and ops.shape(out) == (3, 2)
    assert model.input_shape == (None, 4)


def test_sequential_input_shape_kwarg_and_pop():
    model = kcore.Sequential([Affine(5, input_shape=(4,)), Affine(2)])
    assert model.built and model.output_shape == (None, 2)
    popped = model.pop()
    assert popped.units == 2 and model.output_shape == (None, 5)


def test_json_round_trip_keeps_architecture():
    model = functional_model()
    config = json.loads(model.to_json())
    assert config["class_name"] == "Functional"
    assert [layer["class_name"] for layer in config["config"]["layers"]] == [
        "InputLayer", "Affine", "Affine"
    ]  # fmt: skip
    rebuilt = kcore.models.model_from_json(model.to_json(), custom_objects=CUSTOM)
    assert [layer.name for layer in rebuilt.layers] == ["features", "hidden", "head"]
    np.testing.assert_allclose(
        ops.convert_to_numpy(rebuilt(X)), ops.convert_to_numpy(model(X)), rtol=1e-6
    )
    seq = kcore.Sequential([kcore.Input((4,)), Affine(5), Affine(2)], name="seq")
    again = kcore.models.model_from_json(seq.to_json(), custom_objects=CUSTOM)
    assert isinstance(again, kcore.Sequential) and again.count_params() == seq.count_params()


def test_unknown_class_in_json_is_a_clear_error():
    payload = functional_model().to_json()
    with pytest.raises(ValueError, match=r"Could not locate class 'Affine'"):
        kcore.models.model_from_json(payload)


def test_clone_model_has_fresh_variables():
    model = functional_model()
    clone = kcore.models.clone_model(model)
    assert all(a is not b for a, b in zip(clone.weights, model.weights))
    assert clone.count_params() == model.count_params()


def test_summary_matches_keras_layout():
    lines = []
    kcore.Sequential(
        [kcore.Input((4,)), Affine(5, name="dense"), Affine(2, name="dense_1")], name="sequential"
    ).summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert lines[0] == 'Model: "sequential"'
    assert "┃ Layer (type)" in lines[2] and "Output Shape" in lines[2] and "Param #" in lines[2]
    assert "│ dense (Affine)" in text and "(None, 5)" in text and "│            25 │" in text
    assert " Total params: 37 (148.00 B)" in lines
    assert " Trainable params: 37 (148.00 B)" in lines
    assert " Non-trainable params: 0 (0.00 B)" in lines
    lines.clear()
    functional_model().summary(print_fn=lines.append, show_trainable=True)
    text = "\n".join(lines)
    assert "Connected to" in text and "features[0][0]" in text and "Trainable" in text


def test_layer_rejects_unknown_kwargs_and_bad_names():
    with pytest.raises(
        TypeError, match=r"Unrecognized keyword arguments passed to Affine: \{'untis': 3\}"
    ):
        Affine(3, untis=3)
    with pytest.raises(ValueError, match="name"):
        Affine(3, name="a/b")


def test_auto_names_are_unique():
    first, second = Doubler(), Doubler()
    assert first.name.startswith("doubler") and second.name != first.name


def test_input_layer_accepts_keras_ragged_false_and_refuses_ragged_true():
    # Keras 3 writes `"ragged": false` into every InputLayer config it saves.
    layer = kcore.layers.InputLayer(shape=(3,), ragged=False)
    assert layer.batch_shape == (None, 3)
    with pytest.raises(ValueError, match="ragged inputs are not supported"):
        kcore.layers.InputLayer(shape=(3,), ragged=True)
