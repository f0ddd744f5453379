"""``kcore.utils``: ``PyDataset``, ``Progbar``, ``to_categorical``, ``set_random_seed``, ..."""

from __future__ import annotations

import random as _random

import numpy as np

from kcore.callbacks_base import Progbar

__all__ = ["PyDataset", "Sequence", "Progbar", "to_categorical", "set_random_seed", "normalize"]


class PyDataset:
    """Base class for datasets indexed by batch (Keras's ``Sequence`` successor).

    Subclasses implement ``__len__`` (number of batches) and ``__getitem__(index)`` returning
    ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``; ``on_epoch_end`` is called after each
    epoch. ``workers > 1`` loads batches on a thread pool.

    Args:
        workers: number of loader threads.
        use_multiprocessing: accepted for Keras compatibility; threads are used.
        max_queue_size: accepted for Keras compatibility.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        if not isinstance(workers, int) or workers < 1:
            raise ValueError(f"PyDataset: `workers` must be an integer >= 1. Received: {workers!r}")
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")

    def on_epoch_end(self):
        """Called at the end of every epoch (e.g. to reshuffle)."""


Sequence = PyDataset


def to_categorical(x, num_classes=None):
    """One-hot encode integer labels ``x`` into a float32 array with ``num_classes`` columns."""
    x = np.asarray(x, dtype="int64")
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if x.size and x.min() < 0:
        raise ValueError(f"to_categorical: labels must be >= 0. Received a minimum of {x.min()}.")
    num_classes = int(num_classes or (x.max() + 1 if x.size else 0))
    if x.size and x.max() >= num_classes:
        raise ValueError(
            f"to_categorical: label {x.max()} is out of range for num_classes={num_classes}."
        )
    out = np.zeros((x.size, num_classes), dtype="float32")
    out[np.arange(x.size), x] = 1.0
    return out.reshape((*shape, num_classes))


def normalize(x, axis=-1, order=2):
    """``x`` divided by its ``order``-norm along ``axis`` (NumPy)."""
    x = np.asarray(x, dtype="float32")
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)


def set_random_seed(seed: int) -> None:
    """Seed Python, NumPy and kcore's global random generator (and the backend's, if loaded)."""
    if not isinstance(seed, int):
        raise ValueError(f"set_random_seed: `seed` must be an int. Received: {seed!r}")
    _random.seed(seed)
    np.random.seed(seed)
    from kcore import random as kcore_random

    kcore_random.set_global_seed(seed)
    from kcore.backend import _selection

    backend = _selection._active
    if backend is not None and hasattr(backend, "set_random_seed"):
        backend.set_random_seed(seed)
