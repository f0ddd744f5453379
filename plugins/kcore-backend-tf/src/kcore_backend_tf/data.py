"""Lets ``fit`` / ``evaluate`` / ``predict`` read a ``tf.data.Dataset``.

Registered through ``kcore_data_adapters``; kcore matches the dataset by qualified type name, so
kcore itself never imports TensorFlow to recognise it. Each epoch iterates the dataset afresh;
elements must be batched: ``x``, ``(x, y)`` or ``(x, y, sample_weight)``.
"""

from __future__ import annotations

__all__ = ["adapt"]


def adapt(dataset):
    """Yield the dataset's batches as tuples of NumPy arrays."""
    for batch in dataset.as_numpy_iterator():
        yield tuple(batch) if isinstance(batch, (list, tuple)) else (batch,)
