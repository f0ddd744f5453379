"""Nested structures (lists, tuples, namedtuples, dicts) of leaves, without any framework.

``None`` is a leaf. Dicts are traversed in sorted-key order, like Keras's ``keras.tree``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["flatten", "map_structure", "pack_sequence_as", "is_nested"]


def is_nested(x: Any) -> bool:
    """Whether ``x`` is a list, tuple or mapping (a structure rather than a leaf)."""
    return isinstance(x, (list, tuple, Mapping))


def flatten(x: Any) -> list[Any]:
    """The leaves of ``x``, depth first."""
    out: list[Any] = []
    _flatten_into(x, out)
    return out


def _flatten_into(x: Any, out: list[Any]) -> None:
    if isinstance(x, (list, tuple)):
        for item in x:
            _flatten_into(item, out)
    elif isinstance(x, Mapping):
        for key in sorted(x):
            _flatten_into(x[key], out)
    else:
        out.append(x)


def _rebuild(template: Any, items: list[Any]) -> Any:
    if isinstance(template, tuple) and hasattr(template, "_fields"):
        return type(template)(*items)
    if isinstance(template, Mapping):
        keys = sorted(template)
        return type(template)((k, v) for k, v in zip(keys, items))
    return type(template)(items)


def pack_sequence_as(structure: Any, leaves: list[Any]) -> Any:
    """Rebuild ``structure`` with ``leaves`` in flatten order."""
    it = iter(leaves)

    def build(s: Any) -> Any:
        if isinstance(s, (list, tuple)):
            return _rebuild(s, [build(v) for v in s])
        if isinstance(s, Mapping):
            return _rebuild(s, [build(s[k]) for k in sorted(s)])
        return next(it)

    result = build(structure)
    if next(it, _SENTINEL) is not _SENTINEL:
        raise ValueError("pack_sequence_as: more leaves than the structure has.")
    return result


_SENTINEL = object()


def map_structure(fn: Callable[..., Any], *structures: Any) -> Any:
    """Apply ``fn`` to matching leaves of ``structures`` and rebuild the first's structure."""
    if not structures:
        raise ValueError("map_structure needs at least one structure.")
    flats = [flatten(s) for s in structures]
    if any(len(f) != len(flats[0]) for f in flats):
        raise ValueError(
            f"map_structure: structures differ in size: {[len(f) for f in flats]} leaves."
        )
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])
