"""Dtype names and Keras 3's promotion rules, computed without any framework.

Promotion follows a type lattice in the style of JAX's: the result of combining two dtypes is
their least upper bound. Python scalars are *weak*: ``int32_tensor + 1.5`` is float32, and
``float16_tensor + 1.5`` stays float16. Every backend uses :func:`result_type` so results agree.
"""

from __future__ import annotations

import functools

__all__ = [
    "ALLOWED_DTYPES",
    "FLOAT_TYPES",
    "INT_TYPES",
    "standardize_dtype",
    "result_type",
    "is_float",
    "is_int",
]

FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
INT_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")
COMPLEX_TYPES = ("complex64", "complex128")
ALLOWED_DTYPES = (*FLOAT_TYPES, *INT_TYPES, "bool", *COMPLEX_TYPES, "string")

_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "int": "int32",
    "long": "int64",
    "bool_": "bool",
    "boolean": "bool",
    "str": "string",
    "complex": "complex64",
}

# Weak (Python-scalar) types are the "i*", "f*", "c*" nodes. Edges point from a type to the
# smallest types it can be promoted to without loss of kind.
_EDGES = {
    "bool": ("i*",),
    "i*": ("uint8", "int8"),
    "uint8": ("uint16", "int16"),
    "uint16": ("uint32", "int32"),
    "uint32": ("uint64", "int64"),
    "uint64": ("f*",),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": ("f*",),
    "f*": ("bfloat16", "float16", "c*"),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64", "complex64"),
    "float64": ("complex128",),
    "c*": ("complex64",),
    "complex64": ("complex128",),
    "complex128": (),
}


@functools.cache
def _upper_bounds(node: str) -> frozenset[str]:
    result = {node}
    for nxt in _EDGES[node]:
        result |= _upper_bounds(nxt)
    return frozenset(result)


def _lub(a: str, b: str) -> str:
    common = _upper_bounds(a) & _upper_bounds(b)
    # The least upper bound is the common node every other common node is above.
    for node in common:
        if common <= _upper_bounds(node):
            return node
    raise TypeError(f"No common dtype for {a!r} and {b!r}.")  # pragma: no cover - lattice is total


def standardize_dtype(dtype) -> str:
    """Return kcore's canonical name (``"float32"``, ``"int64"``, ``"bool"``, ...) for ``dtype``.

    Accepts strings, Python types, NumPy dtypes and framework dtypes (``torch.float32``,
    ``tf.float32``, ``jnp.float32``) without importing any framework.

    Raises:
        ValueError: ``dtype`` names no dtype kcore supports.
    """
    if dtype is None:
        from kcore import config

        return config.floatx()
    if isinstance(dtype, str):
        name = dtype
    elif dtype is bool:
        return "bool"
    elif dtype is int:
        return "int32"
    elif dtype is float:
        return "float32"
    elif dtype is complex:
        return "complex64"
    else:
        name = getattr(dtype, "name", None)
        if not isinstance(name, str):
            try:  # NumPy scalar types such as np.float64
                import numpy as np

                name = np.dtype(dtype).name
            except TypeError:
                name = str(dtype)
        if name.startswith("torch."):
            name = name[6:]
    if name.startswith("<dtype: "):  # tf.DType repr
        name = name[8:-1].strip("'")
    name = _ALIASES.get(name, name)
    if name not in ALLOWED_DTYPES:
        raise ValueError(
            f"Invalid dtype: expected one of {ALLOWED_DTYPES}. Received: dtype={dtype!r}"
        )
    return name


def is_float(dtype) -> bool:
    """Whether ``dtype`` is a floating-point dtype."""
    return standardize_dtype(dtype) in FLOAT_TYPES


def is_int(dtype) -> bool:
    """Whether ``dtype`` is a (signed or unsigned) integer dtype."""
    return standardize_dtype(dtype) in INT_TYPES


def _node(value) -> str:
    if value is bool or isinstance(value, bool):
        return "bool"
    if value is int or (isinstance(value, int) and not isinstance(value, bool)):
        return "i*"
    if value is float or isinstance(value, float):
        return "f*"
    if value is complex or isinstance(value, complex):
        return "c*"
    return standardize_dtype(value)


_WEAK_DEFAULT = {"i*": "int32", "f*": None, "c*": "complex64"}


def result_type(*dtypes) -> str:
    """The dtype Keras 3 gives an op combining ``dtypes``.

    Each argument is a dtype (name, NumPy/framework dtype) or a Python scalar / Python type,
    which counts as weakly typed.

    Example:
        >>> result_type("int32", "float16")
        'float16'
        >>> result_type("int32", 1.0)
        'float32'
    """
    if not dtypes:
        from kcore import config

        return config.floatx()
    node = _node(dtypes[0])
    for other in dtypes[1:]:
        node = _lub(node, _node(other))
    if node == "f*":
        from kcore import config

        return config.floatx()
    return _WEAK_DEFAULT.get(node) or node
