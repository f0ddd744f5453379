"""Shared machinery of the training benchmarks (``mlp.py``, ``convnet.py``, ``lstm.py``).

Each contender (kcore, the plain framework, Keras 3) runs in its own fresh interpreter, spawned
by re-running the benchmark script with ``--worker``; the parent prints one table of samples/s
and ratios. Throughput is the best single epoch after one warm-up epoch: compilation is excluded,
and on a shared 2-core machine the best epoch is the stable figure (runs drift by +-20%).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

PLAIN = {"torch": "plain-torch", "jax": "plain-jax", "tensorflow": "plain-tf"}
FRAMEWORK = {"torch": "torch", "jax": "jax", "tensorflow": "tensorflow"}


def best_epoch_seconds(epoch, epochs: int) -> float:
    """Run ``epoch()`` once to warm up, then ``epochs`` times; the fastest run in seconds."""
    epoch()
    best = float("inf")
    for _ in range(epochs):
        start = time.perf_counter()
        epoch()
        best = min(best, time.perf_counter() - start)
    return best


def median_latency(fn, repeat=200) -> float:
    """Median wall time of ``fn()`` in milliseconds, after 20 warm-up calls."""
    for _ in range(20):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def keras_api_fit(keras, build, x, y, batch, epochs, loss, **fit_kwargs) -> float:
    """Samples/s of ``model.fit`` for a model made by ``build(keras)`` (kcore or Keras 3)."""
    model = build(keras)
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    seconds = best_epoch_seconds(
        lambda: model.fit(x, y, batch_size=batch, epochs=1, verbose=0, **fit_kwargs), epochs
    )
    return model, len(x) / seconds


def set_backend_env(kind: str, backend: str) -> None:
    """Point kcore or Keras at ``backend`` before it is imported."""
    os.environ["KCORE_BACKEND" if kind == "kcore" else "KERAS_BACKEND"] = backend


def spawn(script: str, kind: str, backend: str, samples: int, epochs: int) -> dict:
    """Run one contender of ``script`` in a fresh interpreter; its JSON result or an error."""
    cmd = [sys.executable, script, "--worker", kind, "--backend", backend,
           "--samples", str(samples), "--epochs", str(epochs)]  # fmt: skip
    # Every contender gets the same glibc malloc tuning: without it, large activation buffers
    # go back to the OS after each step and page faults (~10 ms/step on the convnet) dominate.
    env = dict(
        os.environ,
        TF_CPP_MIN_LOG_LEVEL="3",
        MALLOC_MMAP_THRESHOLD_="1000000000",
        MALLOC_TRIM_THRESHOLD_="1000000000",
    )
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr else "failed"}
    return json.loads(result.stdout.strip().splitlines()[-1])


def parse_args(doc: str, default_samples: int, default_epochs: int = 3):
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default="torch,jax,tensorflow")
    parser.add_argument("--samples", type=int, default=default_samples)
    parser.add_argument("--epochs", type=int, default=default_epochs)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run every contender this many times, interleaved; keep each one's best",
    )
    parser.add_argument("--worker")
    parser.add_argument("--backend")
    return parser.parse_args()


def run_all(script: str, args, plain: dict | None = None) -> list:
    """Spawn kcore, the plain loop and Keras 3 for each installed backend; ``[(backend, results)]``.

    Args:
        script: the benchmark script (``__file__``).
        args: parsed arguments.
        plain: backend -> plain contender name (defaults to every plain loop).
    """
    plain = PLAIN if plain is None else plain
    has_keras = importlib.util.find_spec("keras") is not None
    rows = []
    for backend in args.backends.split(","):
        if importlib.util.find_spec(FRAMEWORK[backend]) is None:
            continue
        kinds = {"kcore": "kcore"}
        if backend in plain:
            kinds["plain"] = plain[backend]
        if has_keras:
            kinds["keras"] = "keras"
        results: dict = {}
        # Rounds interleave the contenders (kcore, plain, Keras, kcore, ...), so a slow spell of
        # the shared machine hits each of them rather than whichever ran during it.
        for _ in range(max(1, args.rounds)):
            for name, kind in kinds.items():
                result = spawn(script, kind, backend, args.samples, args.epochs)
                results[name] = best_of(results.get(name), result)
        rows.append((backend, results))
    return rows


def best_of(a: dict | None, b: dict) -> dict:
    """Merge two runs of one contender: the higher throughput and the lower latencies."""
    if a is None or "error" in a:
        return b
    if "error" in b:
        return a
    merged = dict(a)
    for key, value in b.items():
        if key not in merged:
            merged[key] = value
        elif key.endswith("_ms"):
            merged[key] = min(merged[key], value)
        elif key.endswith("_per_s"):
            merged[key] = max(merged[key], value)
    return merged


def print_fit_table(title: str, rows: list) -> None:
    """One line per backend: kcore, plain and Keras samples/s, and kcore's ratios to both."""
    print(title)
    head = ("backend", "kcore fit/s", "plain/s", "keras/s", "kcore/plain", "kcore/keras")
    print(f"{head[0]:<11}" + "".join(f"{h:>13}" for h in head[1:]))
    for backend, results in rows:
        k, p, r = (results.get(n, {}).get("samples_per_s") for n in ("kcore", "plain", "keras"))
        cells = (num(k), num(p), num(r), ratio(k, p), ratio(k, r))
        print(f"{backend:<11}" + "".join(f"{c:>13}" for c in cells))
        for name, res in results.items():
            if "error" in res:
                print(f"{'':<11}{name} failed: {res['error']}")


def num(value):
    return f"{value:,.0f}" if isinstance(value, float) else "-"


def ms(value):
    return f"{value:.3f}ms" if isinstance(value, float) else "-"


def ratio(a, b):
    return f"{a / b:.2f}x" if isinstance(a, float) and isinstance(b, float) else "-"
