"""Helpers every op module shares: the tensor boundary, dtype names and cheap unwrapping.

Speed note: the hot path of an op is ``_t(x)`` on each tensor argument followed by one ``jnp``
call. ``_t`` returns jax arrays (and tracers) untouched after a single ``isinstance`` test, so an
eager ``kcore.ops.add`` costs a couple of attribute lookups more than ``jnp.add``.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from kcore import config
from kcore._variable import Variable
from kcore.backend.dtypes import result_type, standardize_dtype

__all__ = [
    "Variable",
    "convert_to_tensor",
    "convert_to_numpy",
    "is_tensor",
    "jdtype",
    "sdtype",
    "cast",
    "floatx_if_not_float",
    "result_type",
    "standardize_dtype",
    "config",
    "_t",
]

_Array = jax.Array


#: Whether jax computes in 64 bits. Read once: kcore's capabilities are fixed at import too.
X64 = bool(jax.config.jax_enable_x64)
# Without x64, jax would truncate 64-bit requests with a warning; narrow them silently instead
# (the same numbers, no warning), as the backend's capabilities announce float64=False.
_NARROW = {"float64": "float32", "int64": "int32", "uint64": "uint32", "complex128": "complex64"}


@functools.cache
def _jdtype_cached(name: str):
    if name == "string":
        raise TypeError("The jax backend has no string tensors. Received: dtype='string'")
    if not X64:
        name = _NARROW.get(name, name)
    return jnp.dtype(name)


def jdtype(dtype):
    """The ``jnp.dtype`` for any dtype spelling kcore accepts (``None`` means floatx)."""
    return _jdtype_cached(standardize_dtype(dtype))


def sdtype(x) -> str:
    """kcore's dtype name of a jax array (or anything with ``.dtype``)."""
    return standardize_dtype(x.dtype)


def _python_dtype(x):
    """The dtype kcore gives a Python scalar or a nested list of them (``None`` if not one)."""
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, int):
        return "int32"
    if isinstance(x, float):
        return config.floatx()
    if isinstance(x, complex):
        return "complex64"
    if isinstance(x, (list, tuple)):
        kinds = []
        for leaf in _flatten(x):
            if isinstance(leaf, (bool, int, float, complex)):
                kinds.append(leaf)
            else:
                return None  # contains arrays: let jnp decide
        if not kinds:
            return config.floatx()
        return result_type(*[type(k) for k in kinds])
    return None


def _flatten(x):
    for item in x:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A jax array for ``x`` following kcore's conventions (see ``kcore.backend.base``).

    Args:
        x: a jax array, Variable, NumPy array, Python scalar or nested list.
        dtype: an optional dtype to cast to.
        sparse: only ``None``/``False``; the jax backend has no sparse tensors.
        ragged: only ``None``/``False``.

    Returns:
        A ``jax.Array``.
    """
    if sparse:
        raise ValueError(
            "convert_to_tensor: the jax backend does not support sparse tensors "
            "(capabilities.sparse is False). Received: sparse=True"
        )
    if ragged:
        raise ValueError("convert_to_tensor: the jax backend has no ragged tensors.")
    if isinstance(x, Variable):
        x = x.value
    if isinstance(x, _Array):
        if dtype is None:
            return x
        target = jdtype(dtype)
        return x if x.dtype == target else x.astype(target)
    if dtype is None:
        inferred = _python_dtype(x)
        if inferred is not None:
            return jnp.asarray(x, dtype=jdtype(inferred))
        if isinstance(x, (list, tuple)):
            return jnp.asarray([convert_to_tensor(v) for v in x]) if x else jnp.asarray(x)
        if hasattr(x, "__jax_array__"):
            return jnp.asarray(x.__jax_array__())
        return jnp.asarray(x)
    if isinstance(x, (list, tuple)) and _python_dtype(x) is None:
        return jnp.asarray([convert_to_tensor(v) for v in x], dtype=jdtype(dtype))
    return jnp.asarray(x, dtype=jdtype(dtype))


def convert_to_numpy(x):
    """A NumPy array holding the value of ``x`` (a jax array, Variable or array-like)."""
    if isinstance(x, Variable):
        x = x.value
    return np.array(x)


def is_tensor(x) -> bool:
    """Whether ``x`` is a jax array (tracers included; Variables are not tensors)."""
    return isinstance(x, _Array)


def _t(x):
    """Make ``x`` acceptable to ``jnp``: unwrap Variables, convert lists; arrays pass as is."""
    if isinstance(x, _Array):
        return x
    if isinstance(x, Variable):
        return x.value
    if isinstance(x, (list, tuple)):
        return convert_to_tensor(x)
    return x


def _tt(x):
    """Like :func:`_t` but always returns a jax array (Python scalars become kcore dtypes)."""
    if isinstance(x, _Array):
        return x
    return convert_to_tensor(x)


def cast(x, dtype):
    """Cast ``x`` to ``dtype`` (a no-op when it already has it)."""
    x = _tt(x)
    target = jdtype(dtype)
    if x.dtype == target:
        return x
    if jnp.issubdtype(x.dtype, jnp.complexfloating) and not jnp.issubdtype(
        target, jnp.complexfloating
    ):
        x = jnp.real(x)  # silence jax's ComplexWarning: Keras drops the imaginary part too
    return x.astype(target)


def is_float_dtype(dtype) -> bool:
    return standardize_dtype(dtype) in ("float16", "bfloat16", "float32", "float64")


def is_int_or_bool(x) -> bool:
    d = x.dtype
    return jnp.issubdtype(d, jnp.integer) or d == jnp.bool_


def floatx_if_not_float(x):
    """Cast int and bool arrays to ``floatx()`` (Keras does so for ``mean``, ``sqrt``, ...)."""
    x = _tt(x)
    if is_int_or_bool(x):
        return x.astype(jdtype(config.floatx()))
    return x


def canonical_axis(axis):
    """``None``, an int or a tuple of ints (lists become tuples so jax accepts them)."""
    if isinstance(axis, list):
        return tuple(axis)
    return axis


def tensor_dtype_of(x) -> str:
    """kcore's dtype name for a tensor or Python scalar, for :func:`result_type`."""
    if isinstance(x, (bool, int, float, complex)):
        return type(x)
    if isinstance(x, Variable):
        return x.dtype
    if hasattr(x, "dtype"):
        return standardize_dtype(x.dtype)
    return standardize_dtype(convert_to_tensor(x).dtype)


def promote(*xs):
    """Convert ``xs`` to jax arrays of their common kcore dtype (scalars are weak)."""
    dtype = jdtype(result_type(*[tensor_dtype_of(x) for x in xs]))
    return [cast(x, dtype) for x in xs]


def data_format_or_default(data_format):
    """``data_format`` or ``kcore.config.image_data_format()``, checked."""
    data_format = config.image_data_format() if data_format is None else data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. Received: "
            f"data_format={data_format!r}"
        )
    return data_format
