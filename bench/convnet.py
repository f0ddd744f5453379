"""MNIST convnet benchmark: kcore vs the plain framework vs Keras 3, side by side, as ratios.

Keras's MNIST example: Conv2D(32, 3, relu) - MaxPooling2D(2) - Conv2D(64, 3, relu) -
MaxPooling2D(2) - Flatten - Dropout(0.5) - Dense(10, softmax) on 28x28x1 images, Adam, sparse
categorical crossentropy, batch 128. kcore and Keras take channels-last images (their default);
the plain PyTorch loop uses ``nn.Conv2d`` on channels-first images (its native layout), the plain
JAX loop ``lax.conv_general_dilated`` on NHWC.

    python bench/convnet.py                      # every installed contender
    python bench/convnet.py --backends torch     # only torch rows
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

BATCH = 128


def make_data(samples: int):
    rng = np.random.default_rng(0)
    x = rng.random((samples, 28, 28, 1), dtype="float32")
    y = rng.integers(0, 10, size=(samples,)).astype("int32")
    return x, y


def build(keras):
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def run_keras_api(kind, backend, samples, epochs):
    _common.set_backend_env(kind, backend)
    if kind == "kcore":
        import kcore as keras
    else:
        import keras
    x, y = make_data(samples)
    _, sps = _common.keras_api_fit(
        keras, build, x, y, BATCH, epochs, "sparse_categorical_crossentropy"
    )
    return {"samples_per_s": sps}


def run_plain_torch(samples, epochs):
    import torch

    x, y = make_data(samples)
    xt = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()
    yt = torch.from_numpy(y).long()
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10),
    )  # fmt: skip
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        model.train()
        order = torch.randperm(samples)
        for i in range(0, samples, BATCH):
            idx = order[i : i + BATCH]
            optimizer.zero_grad(set_to_none=True)
            logits = model(xt[idx])
            loss = loss_fn(logits, yt[idx])
            loss.backward()
            optimizer.step()
            with torch.no_grad():  # what Keras reports: running accuracy
                (logits.argmax(-1) == yt[idx]).float().mean()

    return {"samples_per_s": samples / _common.best_epoch_seconds(epoch, epochs)}


def run_plain_jax(samples, epochs):
    import jax
    import jax.numpy as jnp

    x, y = make_data(samples)
    key = jax.random.PRNGKey(0)

    def glorot(key, shape, fan_in, fan_out):
        limit = (6 / (fan_in + fan_out)) ** 0.5
        return jax.random.uniform(key, shape, minval=-limit, maxval=limit)

    k1, k2, k3, key = jax.random.split(key, 4)
    params = {
        "c1": (glorot(k1, (3, 3, 1, 32), 9, 288), jnp.zeros(32)),
        "c2": (glorot(k2, (3, 3, 32, 64), 288, 576), jnp.zeros(64)),
        "d": (glorot(k3, (1600, 10), 1600, 10), jnp.zeros(10)),
    }
    dims = ("NHWC", "HWIO", "NHWC")

    def conv(h, w, b):
        out = jax.lax.conv_general_dilated(h, w, (1, 1), "VALID", dimension_numbers=dims)
        return jax.nn.relu(out + b)

    def pool(h):
        return jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    def loss_fn(params, xb, yb, rng):
        h = pool(conv(xb, *params["c1"]))
        h = pool(conv(h, *params["c2"]))
        h = h.reshape(h.shape[0], -1)
        keep = jax.random.bernoulli(rng, 0.5, h.shape)
        h = jnp.where(keep, h / 0.5, 0.0)
        logits = h @ params["d"][0] + params["d"][1]
        loss = -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), yb[:, None], axis=1))
        return loss, logits

    def step(params, m, v, t, rng, xb, yb):
        rng, sub = jax.random.split(rng)
        (loss, logits), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, xb, yb, sub)
        t = t + 1
        m = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, grads)
        v = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, v, grads)
        lr = 1e-3 * jnp.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        params = jax.tree_util.tree_map(
            lambda p, m, v: p - lr * m / (jnp.sqrt(v) + 1e-7), params, m, v
        )
        acc = jnp.mean(jnp.argmax(logits, -1) == yb)
        return params, m, v, t, rng, loss, acc

    step = jax.jit(step, donate_argnums=(0, 1, 2))
    state = [
        params,
        jax.tree_util.tree_map(jnp.zeros_like, params),
        jax.tree_util.tree_map(jnp.zeros_like, params),
        jnp.zeros((), "float32"),
        key,
    ]
    xj, yj = jnp.asarray(x), jnp.asarray(y)

    def epoch():
        order = np.random.permutation(samples)
        for i in range(0, samples - BATCH + 1, BATCH):
            idx = order[i : i + BATCH]
            *new_state, loss, _ = step(*state, xj[idx], yj[idx])
            state[:] = new_state
        loss.block_until_ready()

    seconds = _common.best_epoch_seconds(epoch, epochs)
    return {"samples_per_s": (samples // BATCH) * BATCH / seconds}


WORKERS = {
    "kcore": lambda b, s, e: run_keras_api("kcore", b, s, e),
    "keras": lambda b, s, e: run_keras_api("keras", b, s, e),
    "plain-torch": lambda b, s, e: run_plain_torch(s, e),
    "plain-jax": lambda b, s, e: run_plain_jax(s, e),
}


def main():
    args = _common.parse_args(__doc__, default_samples=BATCH * 20)
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.backend, args.samples, args.epochs)))
        return
    rows = _common.run_all(__file__, args, plain={"torch": "plain-torch", "jax": "plain-jax"})
    _common.print_fit_table(
        f"MNIST convnet (Conv32-Pool-Conv64-Pool-Flatten-Dropout-Dense10), batch {BATCH}, Adam; "
        f"{args.samples} samples x {args.epochs} epochs; "
        f"best of {args.rounds} interleaved round(s); 2 CPU cores",
        rows,
    )


if __name__ == "__main__":
    main()
