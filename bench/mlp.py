"""MLP benchmark: kcore vs the plain framework vs Keras 3, side by side, as ratios.

The model is 784-512-512-10 (ReLU, softmax), Adam, sparse categorical crossentropy, batch 128.
Every contender runs in its own fresh interpreter; training throughput is the best of ``--epochs``
single-epoch fits after one warm-up epoch (compilation excluded; throughput on a shared 2-core
machine drifts by +-20%, the best epoch is the stable figure); ``predict`` latency is the median of many
one-sample calls.

    python bench/mlp.py                      # every installed contender
    python bench/mlp.py --backends torch     # only torch rows
    python bench/mlp.py --samples 12800 --epochs 3
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402
from _common import median_latency, ms, ratio  # noqa: E402

BATCH = 128


def make_data(samples: int):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((samples, 784)).astype("float32")
    y = rng.integers(0, 10, size=(samples,)).astype("int32")
    return x, y


# -- contenders (each runs inside its own worker process) -------------------------------------------
def run_kcore(backend, samples, epochs):
    os.environ["KCORE_BACKEND"] = backend
    import kcore as keras

    return _run_keras_api(keras, samples, epochs)


def run_keras(backend, samples, epochs):
    os.environ["KERAS_BACKEND"] = backend
    import keras

    return _run_keras_api(keras, samples, epochs)


def _build(keras):
    return keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def _run_keras_api(keras, samples, epochs):
    x, y = make_data(samples)
    model, sps = _common.keras_api_fit(
        keras, _build, x, y, BATCH, epochs, "sparse_categorical_crossentropy"
    )
    one = x[:1]
    return {
        "samples_per_s": sps,
        "predict_ms": median_latency(lambda: model.predict(one, verbose=0), repeat=100),
        "predict_on_batch_ms": median_latency(lambda: model.predict_on_batch(one)),
    }


def run_plain_torch(samples, epochs):
    import torch

    x, y = make_data(samples)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y).long()
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 10),
    )  # fmt: skip
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch():
        order = torch.randperm(samples)
        for i in range(0, samples, BATCH):
            idx = order[i : i + BATCH]
            optimizer.zero_grad(set_to_none=True)
            logits = model(xt[idx])
            loss = loss_fn(logits, yt[idx])
            loss.backward()
            optimizer.step()
            # what Keras reports: running loss and accuracy
            with torch.no_grad():
                (logits.argmax(-1) == yt[idx]).float().mean()

    best = _common.best_epoch_seconds(epoch, epochs)
    one = xt[:1]

    def predict():
        with torch.no_grad():
            return torch.softmax(model(one), -1).numpy()

    return {"samples_per_s": samples / best, "call_ms": median_latency(predict)}


def run_plain_jax(samples, epochs):
    import jax
    import jax.numpy as jnp

    x, y = make_data(samples)
    key = jax.random.PRNGKey(0)
    sizes = [(784, 512), (512, 512), (512, 10)]
    params = []
    for n_in, n_out in sizes:
        key, sub = jax.random.split(key)
        limit = (6 / (n_in + n_out)) ** 0.5
        params.append(
            (jax.random.uniform(sub, (n_in, n_out), minval=-limit, maxval=limit), jnp.zeros(n_out))
        )

    def forward(params, xb):
        h = xb
        for i, (w, b) in enumerate(params):
            h = h @ w + b
            if i < len(params) - 1:
                h = jax.nn.relu(h)
        return h

    def loss_fn(params, xb, yb):
        logits = forward(params, xb)
        loss = -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), yb[:, None], axis=1))
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
        acc = jnp.mean(jnp.argmax(logits, -1) == yb)
        return params, m, v, t, loss, acc

    step = jax.jit(step, donate_argnums=(0, 1, 2))
    m = jax.tree_util.tree_map(jnp.zeros_like, params)
    v = jax.tree_util.tree_map(jnp.zeros_like, params)
    t = jnp.zeros((), "float32")
    xj, yj = jnp.asarray(x), jnp.asarray(y)

    def epoch(params, m, v, t):
        order = np.random.permutation(samples)
        for i in range(0, samples - BATCH + 1, BATCH):
            idx = order[i : i + BATCH]
            params, m, v, t, loss, acc = step(params, m, v, t, xj[idx], yj[idx])
        loss.block_until_ready()
        return params, m, v, t

    state = [params, m, v, t]

    def run_epoch():
        state[:] = epoch(*state)

    best = _common.best_epoch_seconds(run_epoch, epochs)
    params = state[0]
    predict = jax.jit(lambda p, xb: jax.nn.softmax(forward(p, xb)))
    one = xj[:1]
    return {
        "samples_per_s": (samples // BATCH) * BATCH / best,
        "call_ms": median_latency(lambda: np.asarray(predict(params, one))),
    }


def run_plain_tf(samples, epochs):
    import tensorflow as tf

    one = tf.constant(make_data(8)[0][:1])
    w = [tf.Variable(tf.random.uniform((784, 512), -0.07, 0.07)), tf.Variable(tf.zeros(512)),
         tf.Variable(tf.random.uniform((512, 512), -0.07, 0.07)), tf.Variable(tf.zeros(512)),
         tf.Variable(tf.random.uniform((512, 10), -0.1, 0.1)), tf.Variable(tf.zeros(10))]  # fmt: skip

    @tf.function
    def predict(xb):
        h = tf.nn.relu(xb @ w[0] + w[1])
        h = tf.nn.relu(h @ w[2] + w[3])
        return tf.nn.softmax(h @ w[4] + w[5])

    return {"call_ms": median_latency(lambda: predict(one).numpy())}


WORKERS = {
    "kcore": run_kcore,
    "keras": run_keras,
    "plain-torch": lambda backend, s, e: run_plain_torch(s, e),
    "plain-jax": lambda backend, s, e: run_plain_jax(s, e),
    "plain-tf": lambda backend, s, e: run_plain_tf(s, e),
}


def main():
    args = _common.parse_args(__doc__, default_samples=128 * 100)
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.backend, args.samples, args.epochs)))
        return
    rows = _common.run_all(__file__, args)
    _common.print_fit_table(
        f"MLP 784-512-512-10, batch {BATCH}, Adam; {args.samples} samples x {args.epochs} "
        f"epochs; best of {args.rounds} interleaved round(s); 2 CPU cores",
        rows,
    )
    print()
    head = (
        "backend",
        "kcore predict",
        "kcore p_o_b",
        "plain call",
        "keras predict",
        "keras p_o_b",
        "p_o_b/plain",
    )
    print(f"{head[0]:<11}" + "".join(f"{h:>14}" for h in head[1:]))
    for backend, results in rows:
        kc, plain, ke = (results.get(n, {}) for n in ("kcore", "plain", "keras"))
        pob, call = kc.get("predict_on_batch_ms"), plain.get("call_ms")
        cells = (ms(kc.get("predict_ms")), ms(pob), ms(call), ms(ke.get("predict_ms")),
                 ms(ke.get("predict_on_batch_ms")), ratio(pob, call))  # fmt: skip
        print(f"{backend:<11}" + "".join(f"{c:>14}" for c in cells))


if __name__ == "__main__":
    main()
