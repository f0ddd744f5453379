"""The runtime the generated ``kcore.ops`` front end calls into: binding and symbolic calls."""

from __future__ import annotations

import types

from kcore import tree
from kcore._symbolic import KerasTensor
from kcore.backend import _selection
from kcore.ops import _checks

__all__ = ["KerasTensor", "UNBOUND", "bind", "explain", "has_symbolic_tree", "symbolic_call"]


class _Unbound:
    """Stands in for the backend's op table until a backend is loaded."""

    def __getattr__(self, name):
        _selection.get_backend()  # loading the backend binds kcore.ops (see bind)
        from kcore.ops import _generated

        if _generated._impl is self:  # pragma: no cover - get_backend binds or raises
            raise RuntimeError("kcore.ops could not bind a backend.")
        return getattr(_generated._impl, name)


UNBOUND = _Unbound()


def has_symbolic_tree(x) -> bool:
    """Whether ``x`` or any leaf of it is a ``KerasTensor``."""
    if isinstance(x, KerasTensor):
        return True
    if isinstance(x, (list, tuple, dict)):
        for leaf in tree.flatten(x):
            if isinstance(leaf, KerasTensor):
                return True
    return False


def missing_message(name: str, backend_name: str) -> str:
    return (
        f"kcore.ops.{name} is not implemented by the {backend_name!r} backend. Use another "
        "backend (kcore.config.set_backend) or open an issue with the backend plugin."
    )


def symbolic_call(name, args, kwargs):
    """Shape inference for op ``name`` on symbolic inputs, via the backend."""
    backend = _selection.get_backend()
    fn = backend.ops.get(name)
    if fn is None:
        raise NotImplementedError(missing_message(name, backend.name))
    try:
        outputs = backend.compute_output_spec(fn, *args, **kwargs)
    except (ValueError, TypeError, IndexError, RuntimeError) as exc:
        raise _checks.explain(name, exc, args, kwargs)  # noqa: B904 - context is kept
    from kcore import _functional

    if _functional.recording_ops():
        _functional.record_op(name, args, kwargs, outputs)
    return outputs


explain = _checks.explain


def _make_missing(name: str, backend_name: str):
    def missing(*args, **kwargs):
        raise NotImplementedError(missing_message(name, backend_name))

    return missing


def bind(backend) -> None:
    """Point every front-end function at ``backend``'s implementations."""
    from kcore.ops import _generated

    table = dict(backend.ops)
    for name in _generated.SIGNATURES:
        if name not in table:
            table[name] = _make_missing(name, backend.name)
    _generated._impl = types.SimpleNamespace(**table)
