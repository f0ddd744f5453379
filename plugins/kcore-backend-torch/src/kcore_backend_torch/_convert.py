"""The tensor boundary of the torch backend: dtypes, conversion, promotion helpers.

Everything here is on the hot path of every op, so the common case (an argument that already is
a ``torch.Tensor``) is a single ``type(x) is Tensor`` test; the slow paths (Python scalars, NumPy
arrays, lists, Variables) are only taken when needed.
"""

from __future__ import annotations

import functools

import numpy as np
import torch

from kcore import config
from kcore._variable import Variable
from kcore.backend.dtypes import result_type, standardize_dtype

Tensor = torch.Tensor
Parameter = torch.nn.Parameter

# torch has no usable unsigned types wider than 8 bits (arithmetic on torch.uint16/32/64 is
# not implemented), so like Keras's torch backend they are stored in the next wider signed type.
TORCH_DTYPES = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "uint8": torch.uint8,
    "uint16": torch.int32,
    "uint32": torch.int64,
    "uint64": torch.int64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
DTYPE_NAMES = {
    torch.float16: "float16",
    torch.bfloat16: "bfloat16",
    torch.float32: "float32",
    torch.float64: "float64",
    torch.uint8: "uint8",
    torch.uint16: "uint16",
    torch.uint32: "uint32",
    torch.uint64: "uint64",
    torch.int8: "int8",
    torch.int16: "int16",
    torch.int32: "int32",
    torch.int64: "int64",
    torch.bool: "bool",
    torch.complex64: "complex64",
    torch.complex128: "complex128",
}
_NP_UNSIGNED = {np.dtype("uint16"): np.int32, np.dtype("uint32"): np.int64}
_PY_SCALARS = (bool, int, float, complex)


def to_torch_dtype(dtype) -> torch.dtype:
    """The torch dtype for any dtype spelling (``"float32"``, ``np.float32``, ``torch.int8``)."""
    if isinstance(dtype, torch.dtype):
        return dtype
    td = TORCH_DTYPES.get(dtype)
    if td is None:
        name = standardize_dtype(dtype)
        if name == "string":
            raise TypeError("The torch backend has no string tensors (received dtype='string').")
        td = TORCH_DTYPES[name]
    return td


def floatx_torch() -> torch.dtype:
    """``kcore.config.floatx()`` as a torch dtype."""
    return TORCH_DTYPES[config.floatx()]


def dtype_name(x) -> str:
    """kcore's standard dtype name of a tensor (or of anything ``convert_to_tensor`` accepts)."""
    if isinstance(x, Tensor):
        return DTYPE_NAMES[x.dtype]
    return DTYPE_NAMES[convert_to_tensor(x).dtype]


def _python_dtype(x) -> torch.dtype:
    if isinstance(x, bool):
        return torch.bool
    if isinstance(x, int):
        return torch.int32 if -(2**31) <= x < 2**31 else torch.int64
    if isinstance(x, float):
        return floatx_torch()
    return torch.complex64


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A torch tensor for ``x`` with Keras's dtype conventions.

    Python ``float`` -> floatx, ``int`` -> int32, ``bool`` -> bool; NumPy arrays keep their
    dtype; lists take the Keras result type of their leaves; an explicit ``dtype`` casts.

    Raises:
        ValueError: ``sparse=True`` or ``ragged=True`` (the torch backend is dense only).
        TypeError: ``x`` cannot become a tensor (strings, arbitrary objects).
    """
    tx = type(x)
    if tx is Tensor or tx is Parameter:
        if dtype is None:
            return x
        td = to_torch_dtype(dtype)
        return x if x.dtype == td else x.to(td)
    if sparse:
        raise ValueError("convert_to_tensor: `sparse=True` is not supported by the torch backend.")
    if ragged:
        raise ValueError("convert_to_tensor: `ragged=True` is not supported by the torch backend.")
    td = None if dtype is None else to_torch_dtype(dtype)
    if isinstance(x, Variable):
        value = x.value
        return value if td is None or value.dtype == td else value.to(td)
    if isinstance(x, Tensor):
        return x if td is None or x.dtype == td else x.to(td)
    if tx in _PY_SCALARS:
        return torch.tensor(x, dtype=td or _python_dtype(x))
    if isinstance(x, (np.ndarray, np.generic)):
        return _from_numpy(np.asarray(x), td)
    if isinstance(x, (list, tuple)):
        return _from_sequence(x, td)
    if hasattr(x, "__array__") or hasattr(x, "__array_interface__"):
        return _from_numpy(np.asarray(x), td)
    if x is None:
        raise TypeError("convert_to_tensor: cannot convert None to a tensor.")
    try:
        return torch.as_tensor(x, dtype=td)
    except (TypeError, RuntimeError, ValueError) as exc:
        raise TypeError(
            f"convert_to_tensor: cannot convert an object of type {type(x).__name__} to a torch "
            f"tensor ({exc})."
        ) from None


def _from_numpy(a: np.ndarray, td):
    kind = a.dtype.kind
    if kind in "USOV":
        raise TypeError(
            f"convert_to_tensor: the torch backend has no tensors of NumPy dtype {a.dtype} "
            "(strings/objects)."
        )
    wider = _NP_UNSIGNED.get(a.dtype)
    if wider is not None or a.dtype == np.uint64:
        a = a.astype(np.int64 if wider is None else wider)
    if not a.flags.writeable or a.dtype.byteorder == ">":
        a = np.array(a, dtype=a.dtype.newbyteorder("="))
    t = torch.from_numpy(np.ascontiguousarray(a)) if a.ndim else torch.as_tensor(a)
    if td is not None and t.dtype != td:
        t = t.to(td)
    return t


def _leaves(x, out):
    for item in x:
        if isinstance(item, (list, tuple)):
            _leaves(item, out)
        else:
            out.append(item)
    return out


def _from_sequence(x, td):
    leaves = _leaves(x, [])
    if any(isinstance(v, (Tensor, Variable)) for v in leaves):
        # A list of tensors: convert each element and stack, promoting like Keras.
        items = [convert_to_tensor(v) for v in x]
        if td is None:
            td = to_torch_dtype(result_type(*[DTYPE_NAMES[i.dtype] for i in items]))
        return torch.stack([i.to(td) for i in items])
    if td is None:
        if not leaves:
            td = floatx_torch()
        else:
            kinds = [v if type(v) in _PY_SCALARS else getattr(v, "dtype", type(v)) for v in leaves]
            if all(type(k) is int for k in kinds) and any(abs(k) >= 2**31 for k in kinds):
                td = torch.int64
            else:
                td = to_torch_dtype(result_type(*kinds))
    if td in (torch.complex64, torch.complex128):
        return torch.tensor(np.asarray(x), dtype=td)
    return (
        torch.tensor(x, dtype=td)
        if not leaves or type(leaves[0]) in _PY_SCALARS
        else (_from_numpy(np.asarray(x), td))
    )


def convert_to_numpy(x) -> np.ndarray:
    """A NumPy array with the value of ``x`` (bfloat16 becomes float32, like Keras)."""
    if isinstance(x, Variable):
        x = x.value
    if isinstance(x, Tensor):
        x = x.detach()
        if x.device.type != "cpu":
            x = x.cpu()
        if x.dtype == torch.bfloat16:
            x = x.float()
        if x.is_conj():
            x = x.resolve_conj()
        return x.numpy()
    return np.asarray(
        convert_to_numpy(convert_to_tensor(x)) if not isinstance(x, np.ndarray) else x
    )


def is_tensor(x) -> bool:
    """Whether ``x`` is a torch tensor."""
    return isinstance(x, Tensor)


def to_tensor(x):
    """``convert_to_tensor(x)`` with the fast path inlined by callers for plain tensors."""
    tx = type(x)
    if tx is Tensor or tx is Parameter:
        return x
    return convert_to_tensor(x)


def _kind(x):
    """What ``result_type`` needs to know about ``x``: its dtype name, or its Python type."""
    tx = type(x)
    if tx in _PY_SCALARS:
        return tx
    if isinstance(x, Tensor):
        return DTYPE_NAMES[x.dtype]
    if isinstance(x, Variable):
        return DTYPE_NAMES[x.value.dtype]
    if isinstance(x, (np.ndarray, np.generic)):
        return standardize_dtype(x.dtype)
    return DTYPE_NAMES[convert_to_tensor(x).dtype]


@functools.lru_cache(maxsize=1024)
def _result_torch(floatx: str, *kinds) -> torch.dtype:
    return TORCH_DTYPES[result_type(*kinds)]


def result_torch_dtype(*values) -> torch.dtype:
    """The torch dtype Keras's promotion gives to combining ``values`` (Python scalars weak)."""
    return _result_torch(config.floatx(), *[_kind(v) for v in values])


def promote(*values):
    """Convert ``values`` to tensors of their common (Keras-promoted) dtype."""
    td = result_torch_dtype(*values)
    out = []
    for v in values:
        if isinstance(v, Tensor):
            out.append(v if v.dtype == td else v.to(td))
        else:
            out.append(convert_to_tensor(v, td))
    return out


def promote_with(dtype, *values):
    """Like :func:`promote` with ``dtype`` (name or torch dtype) joined into the promotion."""
    td = _result_torch(
        config.floatx(), DTYPE_NAMES[to_torch_dtype(dtype)], *[_kind(v) for v in values]
    )
    return [convert_to_tensor(v, td) for v in values]


def to_float(x):
    """``x`` as a tensor, cast to floatx when it is not floating point or complex.

    Ops like ``sqrt`` / ``mean`` on integers return floatx in Keras.
    """
    if type(x) is not Tensor:
        x = convert_to_tensor(x)
    if x.is_floating_point() or x.is_complex():
        return x
    return x.to(floatx_torch())


def canonical_axis(axis, ndim):
    """``axis`` as a tuple of non-negative ints (``None`` -> all axes)."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    out = []
    for a in axis:
        a = int(a)
        if a < -ndim or a >= max(ndim, 1):
            raise ValueError(f"axis {a} is out of bounds for a tensor of rank {ndim}.")
        out.append(a % ndim if ndim else 0)
    return tuple(out)


def shape_tuple(shape):
    """A tuple of Python ints from an int, a sequence of ints or a 1-D tensor."""
    if isinstance(shape, int):
        return (shape,)
    if isinstance(shape, Tensor):
        return tuple(int(d) for d in shape.tolist())
    if isinstance(shape, Variable):
        return tuple(int(d) for d in shape.value.tolist())
    return tuple(int(d) for d in shape)
