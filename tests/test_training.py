"""compile / fit / evaluate / predict on the active backend (needs kcore-layers + kcore-optim).

The acceptance scenario is the seeds' MNIST classifier (Sequential, Functional and subclassed),
trained on scikit-learn's bundled 8x8 handwritten digits with ``validation_split=0.1``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("kcore_layers")
pytest.importorskip("kcore_optim")

import kcore as keras  # noqa: E402
from kcore import ops  # noqa: E402


@pytest.fixture(scope="module")
def digits():
    sklearn = pytest.importorskip("sklearn.datasets")
    data = sklearn.load_digits()
    x = (data.data / 16.0).astype("float32")
    y = data.target.astype("int32")
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    split = int(0.8 * len(x))
    return (x[:split], y[:split]), (x[split:], y[split:])


def sequential():
    return keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def functional():
    inputs = keras.Input(shape=(64,))
    x = keras.layers.Dense(128, activation="relu")(inputs)
    x = keras.layers.Dropout(0.2)(x)
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(128, activation="relu")
        self.dropout = keras.layers.Dropout(0.2)
        self.out = keras.layers.Dense(10, activation="softmax")

    def call(self, inputs, training=False):
        return self.out(self.dropout(self.hidden(inputs), training=training))


@pytest.mark.parametrize(
    "build", [sequential, functional, Subclassed], ids=["sequential", "functional", "subclassed"]
)
def test_digits_classifier_reaches_95_percent(digits, build):
    (x_train, y_train), (x_test, y_test) = digits
    keras.utils.set_random_seed(1)
    model = build()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=30, validation_split=0.1, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 30
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.95, accuracy
    probabilities = model.predict(x_test, verbose=0)
    assert probabilities.shape == (len(x_test), 10)
    manual = ops.convert_to_numpy(model(x_test, training=False))
    np.testing.assert_allclose(probabilities, manual, rtol=1e-4, atol=1e-5)
    assert math.isclose(np.mean(np.argmax(probabilities, -1) == y_test), accuracy, abs_tol=1e-6)
    assert model.metrics_names == ["loss", "accuracy"]
    results = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    assert set(results) == {"loss", "accuracy"}


def test_fit_before_compile_says_to_compile():
    with pytest.raises(RuntimeError, match=r"must call `compile\(\)` before calling `fit\(\)`"):
        sequential().fit(np.zeros((4, 64), "float32"), np.zeros(4, "int32"))


def _compiled():
    model = sequential()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize(
    ("x", "y", "match"),
    [
        (
            np.zeros((8, 64), "float32"),
            np.zeros(7, "int32"),
            r"same number of samples.*x has 8, y has 7",
        ),
        (np.array([["a"] * 64] * 4), np.zeros(4, "int32"), r"must hold numbers.*dtype <U1"),
        (np.zeros((0, 64), "float32"), np.zeros(0, "int32"), r"0 samples"),
        (np.zeros((4, 63), "float32"), np.zeros(4, "int32"), r"incompatible|expected axis -1.*64"),
    ],
    ids=["length-mismatch", "non-numeric", "empty", "wrong-shape"],
)
def test_bad_input_fails_before_any_weight_changes(x, y, match):
    model = _compiled()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match=match):
        model.fit(x, y, verbose=0)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_generator_yielding_wrong_structure():
    model = _compiled()

    def gen():
        while True:
            yield (np.zeros((4, 64), "float32"), np.zeros(4, "int32"), np.ones(4), np.ones(4))

    with pytest.raises(
        ValueError, match=r"tuple \(x,\), \(x, y\) or \(x, y, sample_weight\).*length 4"
    ):
        model.fit(gen(), steps_per_epoch=2, verbose=0)


def test_nan_loss_does_not_crash_the_loop():
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    y = np.full((16, 1), np.nan, "float32")  # NaN targets: the loss is NaN on every backend
    history = model.fit(np.ones((16, 64), "float32"), y, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and math.isnan(history.history["loss"][-1])


def test_train_and_test_on_batch_and_predict_on_batch(digits):
    (x_train, y_train), _ = digits
    model = _compiled()
    loss, acc = model.train_on_batch(x_train[:32], y_train[:32])
    assert np.isfinite(loss) and 0 <= acc <= 1
    logs = model.test_on_batch(x_train[:32], y_train[:32], return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    out = model.predict_on_batch(x_train[:1])
    assert out.shape == (1, 10) and np.isclose(out.sum(), 1.0, atol=1e-5)


def test_sample_weight_class_weight_and_generators(digits):
    (x_train, y_train), _ = digits
    model = _compiled()
    weights = np.ones(len(x_train), "float32")
    model.fit(x_train, y_train, sample_weight=weights, epochs=1, verbose=0)
    model.fit(x_train, y_train, class_weight={i: 1.0 for i in range(10)}, epochs=1, verbose=0)

    def batches():
        for i in range(0, 256, 32):
            yield x_train[i : i + 32], y_train[i : i + 32]

    history = model.fit(batches(), epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1

    class Digits(keras.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, index):
            return x_train[index * 32 : (index + 1) * 32], y_train[index * 32 : (index + 1) * 32]

    history = model.fit(Digits(workers=2), epochs=2, verbose=0)
    assert len(history.history["accuracy"]) == 2


def test_callbacks_see_every_hook_and_can_stop_training(digits):
    (x_train, y_train), _ = digits
    seen = []

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append("train_begin")

        def on_epoch_end(self, epoch, logs=None):
            seen.append(("epoch_end", epoch, sorted(logs)))
            if epoch == 1:
                self.model.stop_training = True

        def on_train_batch_end(self, batch, logs=None):
            if batch == 0:
                seen.append(("batch_logs", sorted(logs)))

    model = _compiled()
    history = model.fit(x_train[:256], y_train[:256], epochs=5, verbose=0, callbacks=[Recorder()])
    assert seen[0] == "train_begin"
    assert ("batch_logs", ["accuracy", "loss"]) in seen
    assert [s for s in seen if s[0] == "epoch_end"][-1][1] == 1
    assert len(history.history["loss"]) == 2


def test_multi_output_losses_and_weights(digits):
    (x_train, y_train), _ = digits
    inputs = keras.Input((64,), name="pixels")
    hidden = keras.layers.Dense(32, activation="relu")(inputs)
    digit = keras.layers.Dense(10, activation="softmax", name="digit")(hidden)
    parity = keras.layers.Dense(1, activation="sigmoid", name="parity")(hidden)
    model = keras.Model(inputs, [digit, parity])
    model.compile(
        optimizer="adam",
        loss=["sparse_categorical_crossentropy", "binary_crossentropy"],
        loss_weights=[1.0, 0.2],
        metrics=[["accuracy"], ["accuracy"]],
    )
    history = model.fit(x_train, [y_train, (y_train % 2).astype("float32")], epochs=2, verbose=0)
    assert {"loss", "digit_loss", "parity_loss", "digit_accuracy", "parity_accuracy"} <= set(
        history.history
    )


def test_custom_train_step_is_used(digits):
    (x_train, y_train), _ = digits
    calls = []

    class Counting(keras.Sequential):
        def train_step(self, data):
            calls.append(1)
            return super().train_step(data)

    model = Counting([keras.Input((64,)), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x_train[:64], y_train[:64], batch_size=32, epochs=1, verbose=0)
    assert len(calls) == 2
