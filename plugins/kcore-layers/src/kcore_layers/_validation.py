"""Argument checks shared by layer constructors; messages follow Keras 3's wording."""

from __future__ import annotations

__all__ = ["positive_int"]


def positive_int(value, name: str) -> int:
    """``value`` as an int, or ``ValueError`` naming ``name`` if it is not a positive integer."""
    if isinstance(value, bool) or not hasattr(value, "__index__") or int(value) <= 0:
        raise ValueError(
            f"Received an invalid value for `{name}`, expected a positive integer. "
            f"Received: {name}={value!r}"
        )
    return int(value)
