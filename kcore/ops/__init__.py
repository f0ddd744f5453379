"""``kcore.ops``: the one vocabulary layers, losses, metrics and optimizers compute with.

Names, arguments and defaults follow ``keras.ops``. Each function is a thin front end generated
from :mod:`kcore.ops._table` (``tools/gen_ops.py`` writes ``_generated.py``): it checks only its
tensor arguments for a symbolic :class:`kcore.KerasTensor` (one type test each) and otherwise
calls the active backend's implementation directly, so an eager call costs one extra Python
frame over the framework call.

Sub-namespaces mirror Keras: ``kcore.ops.numpy``, ``kcore.ops.nn``, ``kcore.ops.linalg``,
``kcore.ops.image``, ``kcore.ops.core``.
"""

from __future__ import annotations

import sys as _sys
import types as _types

from kcore._symbolic import KerasTensor as _KT
from kcore.backend import _selection
from kcore.backend.dtypes import result_type
from kcore.ops import _dispatch, _generated
from kcore.ops._generated import GROUPS as _GENERATED_GROUPS
from kcore.ops._generated import SIGNATURES  # noqa: F401 - re-exported for tools

GROUPS = {group: list(names) for group, names in _GENERATED_GROUPS.items()}

_selection.on_backend_loaded(_dispatch.bind)
if _selection._active is not None:
    _dispatch.bind(_selection._active)


# -- ops whose symbolic answer needs no backend ---------------------------------------------------
def shape(x):
    """The shape of ``x`` as a tuple (``None`` for unknown dims of a symbolic tensor)."""
    if isinstance(x, _KT):
        return x.shape
    return _generated._impl.shape(x)


def dtype(x):
    """The standardized dtype name of ``x``."""
    if isinstance(x, _KT):
        return x.dtype
    return _generated._impl.dtype(x)


def ndim(x):
    """The rank of ``x``."""
    if isinstance(x, _KT):
        return x.ndim
    return _generated._impl.ndim(x)


def is_tensor(x):
    """Whether ``x`` is a native tensor of the active backend."""
    if isinstance(x, _KT):
        return False
    return _generated._impl.is_tensor(x)


def convert_to_numpy(x):
    """A NumPy array holding the value of ``x``."""
    if isinstance(x, _KT):
        raise TypeError(
            f"Cannot convert a symbolic KerasTensor ({x!r}) to NumPy: it holds no values."
        )
    return _generated._impl.convert_to_numpy(x)


_OVERRIDES = {
    "shape": shape,
    "dtype": dtype,
    "ndim": ndim,
    "is_tensor": is_tensor,
    "convert_to_numpy": convert_to_numpy,
}
_exports = {}
for _group, _names in GROUPS.items():
    for _name in _names:
        _fn = _OVERRIDES.get(_name) or getattr(_generated, _name)
        _fn.__module__ = f"kcore.ops.{_group}"
        _exports[_name] = _fn
_exports["result_type"] = result_type
GROUPS["core"].append("result_type")

__all__ = sorted(_exports)
globals().update(_exports)

for _group, _names in GROUPS.items():
    _module = _types.ModuleType(f"kcore.ops.{_group}", f"kcore.ops {_group} ops.")
    _module.__dict__.update({n: _exports[n] for n in _names})
    _module.__all__ = list(_names)
    _sys.modules[_module.__name__] = _module
    globals()[_group] = _module
