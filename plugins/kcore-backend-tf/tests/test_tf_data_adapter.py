"""fit / evaluate / predict read a tf.data.Dataset through the plugin's data adapter."""

import numpy as np
import pytest

pytest.importorskip("kcore_layers")
pytest.importorskip("kcore_optim")

import tensorflow as tf  # noqa: E402

import kcore as keras  # noqa: E402


def test_fit_evaluate_predict_from_tf_data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((96, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")[:, None]
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(96).batch(16)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(dataset, epochs=5, verbose=0)
    assert len(history.history["loss"]) == 5
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(dataset, verbose=0, return_dict=True)["accuracy"] > 0.8
    assert model.predict(tf.data.Dataset.from_tensor_slices(x).batch(32), verbose=0).shape == (
        96,
        1,
    )


def test_steps_per_execution_runs_several_steps_per_graph_call_with_same_numbers():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((80, 4)).astype("float32")
    y = rng.integers(0, 3, 80).astype("int32")
    weights, calls = [], []

    class CountBatches(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            calls.append(batch)

    for spe in (1, 4):
        keras.utils.set_random_seed(3)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        model.compile(
            optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=spe
        )
        calls.clear()
        model.fit(
            x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[CountBatches()]
        )
        weights.append(model.get_weights())
        if spe == 4:
            assert calls == [3, 7, 9, 3, 7, 9]  # once per execution: 10 batches as 4 + 4 + 2
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
