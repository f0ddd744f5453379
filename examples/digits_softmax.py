"""Train a softmax classifier on scikit-learn's handwritten digits, computed with ``kcore.ops``.

Runs on whichever backend is active (``KCORE_BACKEND=jax python examples/digits_softmax.py``).
This is the pre-trainer main job: gradients come from the backend's ``gradient`` and the SGD
update is written with ``kcore.ops``. Prints the test accuracy.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.datasets import load_digits

import kcore
from kcore import ops


def load(seed: int = 0):
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int32")
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], y[order]
    split = int(0.8 * len(x))
    return (x[:split], y[:split]), (x[split:], y[split:])


def loss_fn(w, b, x, y):
    logits = ops.add(ops.matmul(x, w), b)
    return ops.mean(ops.sparse_categorical_crossentropy(y, logits, from_logits=True))


def main(epochs: int = 30, batch_size: int = 64, learning_rate: float = 0.5) -> float:
    (x_train, y_train), (x_test, y_test) = load()
    backend = kcore.backend.get_backend()
    w = ops.convert_to_tensor(np.zeros((64, 10), "float32"))
    b = ops.convert_to_tensor(np.zeros((10,), "float32"))
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    for epoch in range(epochs):
        order = rng.permutation(len(x_train))
        for i in range(0, len(order), batch_size):
            idx = order[i : i + batch_size]
            xb, yb = ops.convert_to_tensor(x_train[idx]), ops.convert_to_tensor(y_train[idx])
            grad_w, grad_b = backend.gradient(
                lambda w_, b_, xb=xb, yb=yb: loss_fn(w_, b_, xb, yb), w, b
            )
            w = ops.subtract(w, ops.multiply(learning_rate, grad_w))
            b = ops.subtract(b, ops.multiply(learning_rate, grad_b))
        if epoch % 10 == 9 or epoch == epochs - 1:
            loss = float(ops.convert_to_numpy(loss_fn(w, b, x_train, y_train)))
            print(f"epoch {epoch + 1:3d}  train loss {loss:.4f}")
    logits = ops.add(ops.matmul(ops.convert_to_tensor(x_test), w), b)
    predicted = ops.convert_to_numpy(ops.argmax(logits, axis=-1))
    accuracy = float(np.mean(predicted == y_test))
    print(
        f"backend {kcore.backend.backend()}: test accuracy {accuracy:.4f} on {len(y_test)} "
        f"held-out digits ({time.perf_counter() - start:.1f} s)"
    )
    return accuracy


if __name__ == "__main__":
    main()
