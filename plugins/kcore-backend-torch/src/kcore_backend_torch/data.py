"""Lets ``fit`` / ``evaluate`` / ``predict`` read a ``torch.utils.data.DataLoader``.

Registered through ``kcore_data_adapters``; kcore matches the loader by qualified type name, so
kcore itself never imports torch to recognise it. Each epoch iterates the loader afresh (its own
shuffling and workers apply); batches are ``x``, ``(x, y)`` or ``(x, y, sample_weight)``.
"""

from __future__ import annotations

__all__ = ["adapt"]


def adapt(loader):
    """Yield the loader's batches as tuples."""
    for batch in loader:
        yield tuple(batch) if isinstance(batch, (list, tuple)) else (batch,)
