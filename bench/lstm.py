"""Embedding-LSTM benchmark: kcore vs the plain framework vs Keras 3, side by side, as ratios.

Keras's IMDB example: Embedding(20000, 64) - LSTM(64) - Dense(1, sigmoid) on integer sequences
of length 100, Adam, binary crossentropy, batch 64. The plain PyTorch loop uses ``nn.LSTM``
(cuDNN-style fused kernel); the plain JAX loop a ``lax.scan`` LSTM under one ``jax.jit``.

    python bench/lstm.py                      # every installed contender
    python bench/lstm.py --backends torch     # only torch rows
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

BATCH, LENGTH, VOCAB, DIM, UNITS = 64, 100, 20000, 64, 64


def make_data(samples: int):
    rng = np.random.default_rng(0)
    x = rng.integers(1, VOCAB, size=(samples, LENGTH)).astype("int32")
    y = rng.integers(0, 2, size=(samples, 1)).astype("float32")
    return x, y


def build(keras):
    return keras.Sequential(
        [
            keras.Input((LENGTH,), dtype="int32"),
            keras.layers.Embedding(VOCAB, DIM),
            keras.layers.LSTM(UNITS),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


def run_keras_api(kind, backend, samples, epochs):
    _common.set_backend_env(kind, backend)
    if kind == "kcore":
        import kcore as keras
    else:
        import keras
    x, y = make_data(samples)
    _, sps = _common.keras_api_fit(keras, build, x, y, BATCH, epochs, "binary_crossentropy")
    return {"samples_per_s": sps}


def run_plain_torch(samples, epochs):
    import torch

    x, y = make_data(samples)
    xt, yt = torch.from_numpy(x).long(), torch.from_numpy(y)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = torch.nn.Embedding(VOCAB, DIM)
            self.lstm = torch.nn.LSTM(DIM, UNITS, batch_first=True)
            self.head = torch.nn.Linear(UNITS, 1)

        def forward(self, tokens):
            _, (h, _) = self.lstm(self.embed(tokens))
            return self.head(h[-1])

    model = Net()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def epoch():
        order = torch.randperm(samples)
        for i in range(0, samples, BATCH):
            idx = order[i : i + BATCH]
            optimizer.zero_grad(set_to_none=True)
            logits = model(xt[idx])
            loss = loss_fn(logits, yt[idx])
            loss.backward()
            optimizer.step()
            with torch.no_grad():  # what Keras reports: running accuracy
                ((logits > 0).float() == yt[idx]).float().mean()

    return {"samples_per_s": samples / _common.best_epoch_seconds(epoch, epochs)}


def run_plain_jax(samples, epochs):
    import jax
    import jax.numpy as jnp

    x, y = make_data(samples)
    k1, k2, k3, k4 = jax.random.split(jax.random.PRNGKey(0), 4)

    def uniform(key, shape, limit):
        return jax.random.uniform(key, shape, minval=-limit, maxval=limit)

    params = {
        "embed": uniform(k1, (VOCAB, DIM), 0.05),
        "kernel": uniform(k2, (DIM, 4 * UNITS), (6 / (DIM + 4 * UNITS)) ** 0.5),
        "recurrent": uniform(k3, (UNITS, 4 * UNITS), (6 / (5 * UNITS)) ** 0.5),
        "bias": jnp.zeros(4 * UNITS),
        "w": uniform(k4, (UNITS, 1), (6 / (UNITS + 1)) ** 0.5),
        "b": jnp.zeros(1),
    }

    def forward(params, tokens):
        inputs = params["embed"][tokens] @ params["kernel"] + params["bias"]  # (B, T, 4U)

        def cell(carry, z_x):
            h, c = carry
            z = z_x + h @ params["recurrent"]
            i, f, g, o = jnp.split(z, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), None

        zeros = jnp.zeros((tokens.shape[0], UNITS))
        (h, _), _ = jax.lax.scan(cell, (zeros, zeros), jnp.swapaxes(inputs, 0, 1))
        return h @ params["w"] + params["b"]

    def loss_fn(params, xb, yb):
        logits = forward(params, xb)
        loss = jnp.mean(jnp.maximum(logits, 0) - logits * yb + jnp.log1p(jnp.exp(-abs(logits))))
        return loss, logits

    def step(params, m, v, t, xb, yb):
        (loss, logits), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, xb, yb)
        t = t + 1
        m = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, grads)
        v = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, v, grads)
        lr = 1e-3 * jnp.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        params = jax.tree_util.tree_map(
            lambda p, m, v: p - lr * m / (jnp.sqrt(v) + 1e-7), params, m, v
        )
        acc = jnp.mean((logits > 0) == (yb > 0.5))
        return params, m, v, t, loss, acc

    step = jax.jit(step, donate_argnums=(0, 1, 2))
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    state = [params, zeros, jax.tree_util.tree_map(jnp.zeros_like, params), jnp.zeros(())]
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
    args = _common.parse_args(__doc__, default_samples=BATCH * 30)
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.backend, args.samples, args.epochs)))
        return
    rows = _common.run_all(__file__, args, plain={"torch": "plain-torch", "jax": "plain-jax"})
    _common.print_fit_table(
        f"Embedding({VOCAB},{DIM})-LSTM({UNITS})-Dense(1), length {LENGTH}, batch {BATCH}, "
        f"Adam; {args.samples} samples x {args.epochs} epochs; "
        f"best of {args.rounds} interleaved round(s); 2 CPU cores",
        rows,
    )


if __name__ == "__main__":
    main()
