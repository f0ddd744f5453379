"""The seed docs' MNIST classifier, 784 -> Dense(512, relu) -> Dropout(0.2) -> Dense(10, softmax),
built the three ways (Sequential, Functional, subclassed): same weights, same count as Keras 3."""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import layers, ops

# 784 * 512 + 512 (hidden kernel + bias) + 512 * 10 + 10 (output kernel + bias)
MNIST_PARAMS = 407_050


def sequential():
    return kcore.Sequential(
        [
            kcore.Input(shape=(784,)),
            layers.Dense(512, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(10, activation="softmax"),
        ]
    )


def functional():
    inputs = kcore.Input(shape=(784,))
    x = layers.Dense(512, activation="relu")(inputs)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return kcore.Model(inputs=inputs, outputs=outputs)


class MNISTClassifier(kcore.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(512, activation="relu")
        self.dropout = layers.Dropout(0.2)
        self.classifier = layers.Dense(10, activation="softmax")

    def call(self, inputs, training=False):
        return self.classifier(self.dropout(self.hidden(inputs), training=training))


def subclassed():
    model = MNISTClassifier()
    model.build((None, 784))
    return model


BUILDERS = {"sequential": sequential, "functional": functional, "subclassed": subclassed}


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_mnist_model(kind):
    model = BUILDERS[kind]()
    assert model.count_params() == MNIST_PARAMS
    weights = model.weights
    assert [tuple(w.shape) for w in weights] == [(784, 512), (512,), (512, 10), (10,)]
    assert [w.name for w in weights] == ["kernel", "bias", "kernel", "bias"]
    assert len(model.trainable_weights) == 4 and not model.non_trainable_weights

    x = np.random.default_rng(0).random((8, 784), dtype="float32")
    probs = ops.convert_to_numpy(model(x))
    assert probs.shape == (8, 10)
    np.testing.assert_allclose(probs.sum(axis=1), np.ones(8), rtol=1e-5)
    # Dropout is off outside training, so calls are deterministic.
    np.testing.assert_array_equal(probs, ops.convert_to_numpy(model(x)))

    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Total params: 407,050" in text and "Trainable params: 407,050" in text
    if kind != "subclassed":
        assert "dense" in text and "dropout" in text and "(None, 512)" in text


def test_the_three_models_compute_the_same_function():
    models = {kind: build() for kind, build in BUILDERS.items()}
    reference = models.pop("sequential")
    x = np.random.default_rng(1).random((4, 784), dtype="float32")
    expected = ops.convert_to_numpy(reference(x))
    for kind, model in models.items():
        model.set_weights(reference.get_weights())
        np.testing.assert_allclose(
            ops.convert_to_numpy(model(x)), expected, rtol=1e-5, err_msg=kind
        )


def test_count_params_matches_keras(keras):
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    assert model.count_params() == MNIST_PARAMS == sequential().count_params()
    x = np.random.default_rng(2).random((3, 784), dtype="float32")
    ours = sequential()
    ours.set_weights(model.get_weights())
    np.testing.assert_allclose(
        ops.convert_to_numpy(ours(x)), np.asarray(model(x)), rtol=1e-5, atol=1e-6
    )


def test_sequential_config_round_trip_and_keras_json(keras):
    model = sequential()
    config = kcore.saving.serialize_keras_object(model)
    revived = kcore.saving.deserialize_keras_object(config)
    assert revived.count_params() == MNIST_PARAMS
    keras_model = keras.saving.deserialize_keras_object(config)
    assert keras_model.count_params() == MNIST_PARAMS
