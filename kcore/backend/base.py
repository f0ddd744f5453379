"""The protocol a backend plugin implements.

A backend plugin registers a :class:`kcore.records.BackendSpec` whose ``load`` names a subclass of
:class:`Backend`. kcore instantiates it when the backend is selected -- the only moment its
framework is imported -- and binds ``kcore.ops`` to its op table.

What a backend provides:

- ``ops``: a mapping ``name -> callable`` implementing ``kcore.ops.<name>`` with Keras 3's
  signature (same parameter order and defaults). Inputs may be backend tensors, NumPy arrays,
  Python scalars or this backend's :class:`kcore.Variable`; outputs are backend tensors.
  Shape and dtype errors should be raised as ``ValueError`` / ``TypeError`` naming the op.
- ``random``: a mapping ``name -> callable`` implementing ``kcore.random.<name>`` (``normal``,
  ``uniform``, ``truncated_normal``, ``randint``, ``dropout``, ``shuffle``, ``categorical``,
  ``gamma``, ``binomial``, ``beta``). Each receives ``seed`` already drawn by
  :func:`kcore.random.draw_seed` (a length-2 uint32 backend tensor) or ``None``.
- ``Variable``: a subclass of :class:`kcore.Variable` holding a native value.
- ``compute_output_spec(fn, *args, **kwargs)``: run ``fn`` on :class:`kcore.KerasTensor`
  placeholders without FLOPs and return the matching structure of ``KerasTensor`` outputs.
- ``convert_to_tensor``, ``convert_to_numpy``, ``is_tensor``: the tensor boundary.
- ``value_and_grad(fn, variables, has_aux=False)``: call ``fn()`` (no arguments; it reads the
  ``variables`` through ``kcore.ops``) and return ``(value, grads)`` with one gradient per
  variable; with ``has_aux`` ``fn`` returns ``(loss, aux)`` and ``value`` is that pair.
  Assignments ``fn`` makes to other variables (seed generators, moving statistics) must take
  effect. The generic trainer builds on this alone.
- ``trainer_class`` (optional): a faster step runner with the interface of
  :class:`kcore.trainers.generic.GenericTrainer` giving the same numbers.
- ``gradient(fn, *args)``: gradients of the scalar ``fn(*args)`` with respect to each arg (used
  by the shared op suite; the trainer uses the backend's native step instead).
- ``capabilities``: a :class:`Capabilities` that tests use to skip (never lists of test names).

Conventions every backend follows so results agree (and agree with Keras 3):

- ``convert_to_tensor``: Python ``float`` -> ``kcore.config.floatx()``, ``int`` -> int32,
  ``bool`` -> bool; NumPy arrays keep their dtype (float64 stays float64 where
  ``capabilities.float64``); an explicit ``dtype`` casts.
- Binary and n-ary ops promote with :func:`kcore.backend.dtypes.result_type` (Python scalars are
  weak); ops like ``mean`` / ``sqrt`` on integers return ``floatx()``.
- ``dtype(x)`` returns kcore's standard string (``"float32"``); ``shape(x)`` a tuple of ints.
- A Variable of this backend is accepted anywhere a tensor is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

__all__ = ["Backend", "Capabilities"]


@dataclasses.dataclass(frozen=True)
class Capabilities:
    """What a backend can do; tests skip on these flags.

    Attributes:
        sparse: sparse tensors are supported by ``convert_to_tensor(..., sparse=True)``.
        complex: complex dtypes and FFT ops work.
        float64: float64 tensors are computed in float64 (JAX needs ``jax_enable_x64``).
        thread_safe: ops may be called from several threads at once.
        jit: whole-step compilation is available (``jax.jit``, ``tf.function``,
            ``torch.compile``).
        stateless: variables can be substituted with :class:`kcore.StatelessScope`.
        wide_unsigned: uint16 / uint32 / uint64 tensors exist; when False (torch) they are
            stored as the next signed type that holds them (int32 / int64 / int64) and
            ``dtype`` reports that type.
    """

    sparse: bool = False
    complex: bool = True
    float64: bool = True
    thread_safe: bool = True
    jit: bool = False
    stateless: bool = False
    wide_unsigned: bool = True


class Backend:
    """Base class for backends. Subclasses set the class attributes and implement the methods."""

    name: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()

    #: ``kcore.ops`` implementations, name -> callable.
    ops: Mapping[str, Callable[..., Any]] = {}
    #: ``kcore.random`` implementations, name -> callable.
    random: Mapping[str, Callable[..., Any]] = {}
    #: the backend's subclass of :class:`kcore.Variable`.
    Variable: type

    def compute_output_spec(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Shapes and dtypes of ``fn(*args, **kwargs)`` where args hold ``KerasTensor``s."""
        raise NotImplementedError(f"{type(self).__name__} must implement compute_output_spec")

    def convert_to_tensor(self, x: Any, dtype: Any = None, sparse: Any = None) -> Any:
        """A native tensor for ``x`` (a NumPy array, scalar, nested list, Variable or tensor)."""
        raise NotImplementedError(f"{type(self).__name__} must implement convert_to_tensor")

    def convert_to_numpy(self, x: Any) -> Any:
        """A NumPy array for the native tensor (or Variable) ``x``."""
        raise NotImplementedError(f"{type(self).__name__} must implement convert_to_numpy")

    def is_tensor(self, x: Any) -> bool:
        """Whether ``x`` is a native tensor of this backend."""
        raise NotImplementedError(f"{type(self).__name__} must implement is_tensor")

    def value_and_grad(self, fn, variables, has_aux=False):
        """``(fn(), grads)`` with gradients of the scalar loss with respect to ``variables``."""
        raise NotImplementedError(f"{type(self).__name__} must implement value_and_grad")

    def gradient(self, fn: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
        """Gradients of the scalar ``fn(*args)`` with respect to every positional arg."""
        raise NotImplementedError(f"{type(self).__name__} must implement gradient")

    def __repr__(self) -> str:
        return f"<kcore backend {self.name!r}>"
