"""``KerasTensor``: a symbolic tensor (shape with ``None`` dims, dtype) that runs no FLOPs.

Calling a ``kcore.ops`` function on a ``KerasTensor`` returns ``KerasTensor`` outputs whose shapes
the active backend infers (``Backend.compute_output_spec``). The Functional API records its graph
on these tensors (``_history``).
"""

from __future__ import annotations

from typing import Any

from kcore.backend.dtypes import standardize_dtype

__all__ = ["KerasTensor", "is_keras_tensor", "any_symbolic"]


def _ops():
    from kcore import ops

    return ops


class KerasTensor:
    """A symbolic tensor.

    Args:
        shape: a tuple of ints or ``None`` (unknown) dims.
        dtype: any dtype name or object; default ``"float32"``.
        sparse: whether the tensor stands for a sparse tensor.
        name: an optional name.
    """

    __slots__ = ("shape", "dtype", "sparse", "name", "_history", "_mask", "__weakref__")

    def __init__(self, shape, dtype="float32", sparse=False, name=None):
        try:
            shape = tuple(None if d is None else int(d) for d in shape)
        except TypeError:
            raise ValueError(
                f"KerasTensor: `shape` must be a tuple of ints or None. Received: shape={shape!r}"
            ) from None
        if any(d is not None and d < 0 for d in shape):
            raise ValueError(
                f"KerasTensor: dims must be non-negative or None. Received: shape={shape}"
            )
        self.shape = shape
        self.dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.name = name
        self._history = None
        self._mask = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        name = f", name={self.name}" if self.name else ""
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}{name}>"

    def __len__(self):
        if not self.shape or self.shape[0] is None:
            raise TypeError(f"len() of a KerasTensor with unknown first dim: shape={self.shape}")
        return self.shape[0]

    def __bool__(self):
        raise TypeError(
            "A symbolic KerasTensor has no truth value. Use kcore.ops.cond / kcore.ops.where "
            "instead of Python `if` on tensors inside a symbolic call."
        )

    def __iter__(self):
        raise TypeError(
            "A symbolic KerasTensor cannot be iterated. Use kcore.ops.unstack or indexing."
        )

    def __array__(self, dtype=None):
        raise TypeError(
            f"Cannot convert a symbolic KerasTensor ({self!r}) to a NumPy array: it holds no "
            "values. Build a model from it and call the model on real data."
        )

    # Operators resolve through kcore.ops so symbolic and eager code read the same.
    def __neg__(self):
        return _ops().negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops().absolute(self)

    def __invert__(self):
        return _ops().logical_not(self) if self.dtype == "bool" else _ops().bitwise_invert(self)

    def __add__(self, other):
        return _ops().add(self, other)

    def __radd__(self, other):
        return _ops().add(other, self)

    def __sub__(self, other):
        return _ops().subtract(self, other)

    def __rsub__(self, other):
        return _ops().subtract(other, self)

    def __mul__(self, other):
        return _ops().multiply(self, other)

    def __rmul__(self, other):
        return _ops().multiply(other, self)

    def __matmul__(self, other):
        return _ops().matmul(self, other)

    def __rmatmul__(self, other):
        return _ops().matmul(other, self)

    def __truediv__(self, other):
        return _ops().true_divide(self, other)

    def __rtruediv__(self, other):
        return _ops().true_divide(other, self)

    def __floordiv__(self, other):
        return _ops().floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _ops().floor_divide(other, self)

    def __mod__(self, other):
        return _ops().mod(self, other)

    def __rmod__(self, other):
        return _ops().mod(other, self)

    def __pow__(self, other):
        return _ops().power(self, other)

    def __rpow__(self, other):
        return _ops().power(other, self)

    def __lt__(self, other):
        return _ops().less(self, other)

    def __le__(self, other):
        return _ops().less_equal(self, other)

    def __gt__(self, other):
        return _ops().greater(self, other)

    def __ge__(self, other):
        return _ops().greater_equal(self, other)

    def __and__(self, other):
        return _ops().logical_and(self, other)

    def __rand__(self, other):
        return _ops().logical_and(other, self)

    def __or__(self, other):
        return _ops().logical_or(self, other)

    def __ror__(self, other):
        return _ops().logical_or(other, self)

    def __xor__(self, other):
        return _ops().logical_xor(self, other)

    def __rxor__(self, other):
        return _ops().logical_xor(other, self)

    def __getitem__(self, key):
        return _ops().get_item(self, key)

    @property
    def T(self):  # noqa: N802 - NumPy's name
        return _ops().transpose(self)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _ops().reshape(self, shape)

    def astype(self, dtype):
        return _ops().cast(self, dtype)


def is_keras_tensor(x: Any) -> bool:
    """Whether ``x`` is a symbolic :class:`KerasTensor`."""
    return isinstance(x, KerasTensor)


def any_symbolic(values) -> bool:
    """Whether any item of a flat sequence is a ``KerasTensor`` (one type test per item)."""
    for v in values:
        if isinstance(v, KerasTensor):
            return True
    return False
