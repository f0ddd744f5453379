"""Shared helpers of the TensorFlow backend: conversion, dtypes, promotion, error translation.

Every op module imports from here; nothing here knows about individual ops.
"""

from __future__ import annotations

import functools
import threading

import numpy as np
import tensorflow as tf

from kcore import config
from kcore._variable import Variable as KVariable
from kcore.backend.dtypes import result_type, standardize_dtype

__all__ = [
    "Tensor",
    "EagerTensor",
    "convert",
    "dtype_name",
    "tf_dtype",
    "promote",
    "promote_many",
    "to_float",
    "is_float_dtype",
    "is_int_dtype",
    "canonical_axis",
    "data_format",
    "reraise",
    "translate_errors",
]

Tensor = tf.Tensor
EagerTensor = type(tf.constant(0))
_SCALARS = (bool, int, float, complex)
_tracing = threading.local()


def in_symbolic_trace() -> bool:
    """Whether the current thread is inside :func:`compute_output_spec` (shape inference only).

    A few data-dependent ops (``bincount``) then report Keras's symbolic shape instead of an
    unknown one.
    """
    return getattr(_tracing, "depth", 0) > 0


_FLOATS = frozenset(("bfloat16", "float16", "float32", "float64"))
_INTS = frozenset(("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64"))
_COMPLEX = frozenset(("complex64", "complex128"))


@functools.cache
def _tf_dtype_cached(name: str) -> tf.DType:
    return tf.as_dtype(name)


def tf_dtype(dtype) -> tf.DType:
    """The ``tf.DType`` for any dtype spelling (``None`` means ``floatx()``)."""
    if isinstance(dtype, tf.DType):
        return dtype
    return _tf_dtype_cached(standardize_dtype(dtype))


def dtype_name(x) -> str:
    """kcore's dtype name of a tensor, Variable, array or Python scalar (scalars: default type)."""
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        if isinstance(x, bool):
            return "bool"
        if isinstance(x, int):
            return "int32"
        if isinstance(x, float):
            return config.floatx()
        if isinstance(x, complex):
            return "complex64"
        return dtype_name(convert(x))
    if isinstance(dtype, tf.DType):
        return dtype.name
    return standardize_dtype(dtype)


def is_float_dtype(name: str) -> bool:
    """Whether the kcore dtype ``name`` is a float dtype."""
    return name in _FLOATS


def is_int_dtype(name: str) -> bool:
    """Whether the kcore dtype ``name`` is an integer dtype."""
    return name in _INTS


def is_complex_dtype(name: str) -> bool:
    """Whether the kcore dtype ``name`` is complex."""
    return name in _COMPLEX


def _leaf_dtype(x):
    """A dtype or weak Python scalar standing for ``x`` in :func:`result_type`."""
    if isinstance(x, _SCALARS):
        return x
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return None
    if isinstance(dtype, tf.DType):
        return dtype.name
    return dtype


def _nested_dtype(x) -> str | None:
    """The dtype of a nested Python list (Keras: promotion over its leaves, scalars weak)."""
    leaves = []
    stack = [x]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            leaves.append(item)
    if not leaves:
        return config.floatx()
    dtypes = [_leaf_dtype(leaf) for leaf in leaves]
    if any(d is None for d in dtypes):
        return None
    # All-weak lists default like Python scalars do.
    return result_type(*dtypes)


def convert(x, dtype=None):
    """A ``tf.Tensor`` for ``x`` following kcore's conventions.

    Python ``float`` becomes ``floatx()``, ``int`` int32, ``bool`` bool; NumPy arrays keep their
    dtype; nested lists promote over their leaves; an explicit ``dtype`` casts.

    Args:
        x: a tensor, Variable, NumPy array, Python scalar or nested list.
        dtype: an optional target dtype (any spelling).

    Returns:
        A ``tf.Tensor``.
    """
    if isinstance(x, Tensor):
        if dtype is None:
            return x
        target = tf_dtype(dtype)
        return x if x.dtype == target else tf.cast(x, target)
    if isinstance(x, KVariable):
        return convert(x.value, dtype)
    if isinstance(x, tf.Variable):
        return convert(x.read_value(), dtype)
    if dtype is None:
        if isinstance(x, (np.ndarray, np.generic)):  # before Python scalars: np.float64 is a float
            if x.dtype.kind in "US":
                return tf.constant(x.astype(str).astype(object))
            return tf.constant(x)
        if isinstance(x, bool):
            return tf.constant(x, tf.bool)
        if isinstance(x, int):
            return tf.constant(x, tf.int32)
        if isinstance(x, float):
            return tf.constant(x, tf_dtype(config.floatx()))
        if isinstance(x, complex):
            return tf.constant(x, tf.complex64)
        if isinstance(x, (list, tuple)):
            name = _nested_dtype(x)
            if name is None:
                return tf.convert_to_tensor(x)
            return convert(x, name)
        return tf.convert_to_tensor(x)
    target = tf_dtype(dtype)
    if isinstance(x, (list, tuple)):
        if any(isinstance(leaf, (Tensor, KVariable, tf.Variable)) for leaf in _flat(x)):
            return tf.cast(tf.stack([convert(item) for item in x]), target)
        array = np.asarray(x)
    elif isinstance(x, (np.ndarray, np.generic)):
        array = x
    elif isinstance(x, _SCALARS):
        array = np.asarray(x)
    else:
        return tf.cast(tf.convert_to_tensor(x), target)
    if target == tf.string or array.dtype.kind in "US":
        return tf.constant(array.astype(str).astype(object))
    if target == tf.bfloat16:
        return tf.cast(tf.constant(array.astype(np.float32)), target)
    try:
        return tf.constant(array.astype(target.as_numpy_dtype, copy=False))
    except (TypeError, ValueError, OverflowError):
        return tf.cast(tf.constant(array), target)


def _flat(x):
    for item in x:
        if isinstance(item, (list, tuple)):
            yield from _flat(item)
        else:
            yield item


@functools.lru_cache(maxsize=4096, typed=True)
def _result_type_cached(floatx: str, *keys) -> str:
    del floatx  # part of the cache key only
    return result_type(*keys)


_WEAK_KEYS = {bool: True, int: 1, float: 1.0, complex: 1j}


def _key(x):
    t = type(x)
    if t in _WEAK_KEYS:
        return _WEAK_KEYS[t]
    dtype = getattr(x, "dtype", None)
    if isinstance(dtype, tf.DType):
        return dtype.name
    if dtype is not None:
        return standardize_dtype(dtype)
    if isinstance(x, _SCALARS):  # subclasses of Python scalars (np.float64 is handled above)
        return _WEAK_KEYS[next(k for k in _WEAK_KEYS if isinstance(x, k))]
    return dtype_name(convert(x))


def result_dtype(*xs) -> str:
    """:func:`kcore.backend.dtypes.result_type` of values (Python scalars count as weak)."""
    return _result_type_cached(config.floatx(), *[_key(x) for x in xs])


def _scalar_tensor(value, dtype: tf.DType):
    try:
        return tf.constant(value, dtype)
    except (TypeError, ValueError):
        return tf.cast(tf.constant(value), dtype)


def promote(x1, x2):
    """Convert ``x1`` and ``x2`` to tensors of their promoted dtype (Keras 3 rules)."""
    if isinstance(x1, Tensor):
        if isinstance(x2, Tensor):
            if x1.dtype == x2.dtype:
                return x1, x2
        elif type(x2) in _WEAK_KEYS:  # tensor op Python scalar: the common case
            name = _result_type_cached(config.floatx(), x1.dtype.name, _WEAK_KEYS[type(x2)])
            target = _tf_dtype_cached(name)
            if x1.dtype != target:
                x1 = tf.cast(x1, target)
            return x1, _scalar_tensor(x2, target)
    elif isinstance(x2, Tensor) and type(x1) in _WEAK_KEYS:
        name = _result_type_cached(config.floatx(), x2.dtype.name, _WEAK_KEYS[type(x1)])
        target = _tf_dtype_cached(name)
        if x2.dtype != target:
            x2 = tf.cast(x2, target)
        return _scalar_tensor(x1, target), x2
    dtype = result_dtype(x1, x2)
    return convert(x1, dtype), convert(x2, dtype)


def promote_many(*xs, dtype=None):
    """Convert every ``x`` to a tensor of their promoted dtype (or of ``dtype`` if given)."""
    if dtype is None:
        dtype = result_dtype(*xs)
    return [convert(x, dtype) for x in xs]


def to_float(x, dtype=None):
    """A float (or complex) tensor: integer and bool inputs become ``floatx()``."""
    if dtype is None and type(x) is EagerTensor and x.dtype.is_floating:
        return x
    x = convert(x)
    name = x.dtype.name
    if dtype is not None:
        return tf.cast(x, tf_dtype(dtype))
    if name in _FLOATS or name in _COMPLEX:
        return x
    return tf.cast(x, tf_dtype(config.floatx()))


def canonical_axis(axis, ndim: int):
    """Normalise ``axis`` (int, sequence or ``None``) to non-negative ints."""
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return tuple(a % ndim if ndim else a for a in axis)
    return axis % ndim if ndim else axis


def data_format(value) -> str:
    """``value`` or ``kcore.config.image_data_format()``, validated."""
    if value is None:
        return config.image_data_format()
    value = str(value).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={value!r}"
        )
    return value


def static_shape(x) -> tuple:
    """The static shape of a tensor as a tuple of ints / ``None``."""
    return tuple(x.shape.as_list()) if x.shape.rank is not None else ()


def dynamic_dims(x) -> list:
    """A list of dims: static ints where known, scalar tensors otherwise."""
    static = x.shape.as_list()
    if all(d is not None for d in static):
        return static
    dyn = tf.shape(x)
    return [d if d is not None else dyn[i] for i, d in enumerate(static)]


def reraise(op: str, exc: tf.errors.OpError) -> Exception:
    """A ``ValueError`` (or ``TypeError`` / ``IndexError``) for a TensorFlow error in ``op``."""
    message = getattr(exc, "message", None) or str(exc)
    message = message.split("[Op:")[0].strip().rstrip(".")
    if isinstance(exc, tf.errors.InvalidArgumentError) and "out of bounds" in message.lower():
        return IndexError(f"{op}: {message}.")
    if isinstance(exc, tf.errors.UnimplementedError) or "no kernel" in message.lower():
        return TypeError(f"{op}: unsupported dtype or operation: {message}.")
    return ValueError(f"{op}: invalid arguments: {message}.")


def translate_errors(op: str, fn):
    """Wrap ``fn`` so TensorFlow ``InvalidArgumentError`` & co. surface as ``ValueError``.

    A ``try`` costs nothing on the success path in CPython 3.11+, so the wrapper is one Python
    frame.
    """
    errors = (
        tf.errors.InvalidArgumentError,
        tf.errors.UnimplementedError,
        tf.errors.OutOfRangeError,
        tf.errors.FailedPreconditionError,
        tf.errors.NotFoundError,
    )

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except errors as exc:
            raise reraise(op, exc) from exc

    wrapper.__wrapped__ = fn
    return wrapper
