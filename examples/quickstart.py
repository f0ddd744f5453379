"""Quickstart: a Keras-style convnet on scikit-learn's bundled handwritten digits.

Written exactly as for Keras 3, with ``import kcore as keras``. Runs on the active backend
(``KCORE_BACKEND=jax python examples/quickstart.py``) and prints the test accuracy.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.datasets import load_digits

import kcore as keras


def load_data(seed: int = 0):
    digits = load_digits()  # 1,797 real 8x8 images shipped with scikit-learn: no download
    x = (digits.images[..., None] / 16.0).astype("float32")  # (n, 8, 8, 1), channels last
    y = digits.target.astype("int32")
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], y[order]
    split = int(0.8 * len(x))
    return (x[:split], y[:split]), (x[split:], y[split:])


def main(epochs: int = 20) -> float:
    keras.utils.set_random_seed(42)
    (x_train, y_train), (x_test, y_test) = load_data()
    model = keras.Sequential(
        [
            keras.Input(shape=(8, 8, 1)),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.summary()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x_train, y_train, batch_size=32, epochs=epochs, validation_split=0.1, verbose=2)
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(
        f"backend {keras.backend.backend()}: test accuracy {accuracy:.4f}, test loss {loss:.4f} "
        f"on {len(y_test)} held-out digits (trained in {seconds:.1f} s)"
    )
    return accuracy


if __name__ == "__main__":
    main()
