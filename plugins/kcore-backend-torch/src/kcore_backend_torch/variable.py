"""``TorchVariable``: a :class:`kcore.Variable` holding a ``torch.nn.Parameter``.

Float (and complex) variables store a ``Parameter`` whose ``requires_grad`` follows
``trainable``; other dtypes store a plain tensor. Assignment copies in place, so the Parameter
object never changes: torch optimizers and ``torch.nn.Module`` registrations keep working.
``__torch_function__`` unwraps variables, so ``torch.matmul(x, variable)`` just works.
"""

from __future__ import annotations

import torch

from kcore._variable import Variable
from kcore_backend_torch._convert import Tensor, convert_to_tensor


def _unwrap(x):
    if isinstance(x, Variable):
        return x.value
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v) for v in x)
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    return x


class TorchVariable(Variable):
    """A kcore Variable backed by a ``torch.nn.Parameter`` (float) or a tensor (other dtypes)."""

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        current = self.__dict__.get("_value")
        if isinstance(current, torch.nn.Parameter):
            current.requires_grad_(self._trainable)

    def _convert(self, value, dtype):
        return convert_to_tensor(value, dtype)

    def _initialize(self, value):
        # Clone: a tensor made from a NumPy array shares its memory, and in-place assignment
        # must never write into the caller's array.
        value = value.detach().clone()
        if value.is_floating_point() or value.is_complex():
            self._value = torch.nn.Parameter(value, requires_grad=self._trainable)
        else:
            self._value = value

    def _direct_assign(self, value):
        with torch.no_grad():
            self._value.copy_(value)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return func(*_unwrap(args), **_unwrap(kwargs or {}))

    # torch's own operators on (tensor, variable) pairs route here through __torch_function__;
    # these make the variable usable where torch expects tensor-like attributes.
    @property
    def device(self):
        return self.value.device

    @property
    def grad(self):
        return getattr(self._value, "grad", None)

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def __getattr__(self, name):
        # Fallback for tensor methods (``v.sum()``, ``v.reshape(...)``): only called when normal
        # attribute lookup fails, so it never slows down regular attributes.
        if name.startswith("_"):
            raise AttributeError(name)
        value = self.__dict__.get("_value")
        if isinstance(value, Tensor) and hasattr(value, name):
            return getattr(self.value, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
