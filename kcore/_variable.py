"""``kcore.Variable``: backend-neutral state holder, and ``StatelessScope``.

``kcore.Variable(...)`` returns an instance of the active backend's subclass (a torch variable
wraps a ``torch.nn.Parameter``, a TF variable a ``tf.Variable``, a JAX variable a ``jax.Array``).
Backends implement three methods: ``_initialize(value)``, ``_convert(value, dtype)`` and
``_direct_assign(value)``; everything else lives here once.

``StatelessScope`` runs code with substituted variable values and records assignments instead of
applying them: the JAX trainer uses it to run a step as a pure function under ``jax.jit``.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from kcore.backend.dtypes import standardize_dtype

__all__ = ["Variable", "StatelessScope", "current_stateless_scope"]

_scope_state = threading.local()


def current_stateless_scope() -> StatelessScope | None:
    """The innermost active :class:`StatelessScope`, or ``None``."""
    return getattr(_scope_state, "scope", None)


class StatelessScope:
    """Run with substituted variable values; collect assignments instead of applying them.

    Args:
        state_mapping: pairs ``(variable, value)`` whose values replace the variables' own
            inside the scope.

    Example::

        with kcore.StatelessScope([(v, new_value)]) as scope:
            y = v * 2            # uses new_value
            v.assign(y)          # recorded, v itself unchanged
        scope.get_current_value(v)  # -> y
    """

    def __init__(self, state_mapping=()):
        self._values: dict[int, Any] = {}
        self._variables: dict[int, Variable] = {}
        for variable, value in state_mapping:
            if not isinstance(variable, Variable):
                raise TypeError(
                    "StatelessScope: `state_mapping` must hold (Variable, value) pairs. "
                    f"Received a key of type {type(variable).__name__}."
                )
            self._values[id(variable)] = variable._convert(value, variable.dtype)
            self._variables[id(variable)] = variable
        self._assigned: set[int] = set()
        self._previous: StatelessScope | None = None

    def __enter__(self) -> StatelessScope:
        self._previous = current_stateless_scope()
        _scope_state.scope = self
        return self

    def __exit__(self, *exc) -> None:
        _scope_state.scope = self._previous

    def get_current_value(self, variable: Variable) -> Any:
        """The value ``variable`` has inside this scope, or ``None`` if not substituted."""
        return self._values.get(id(variable))

    def record_assignment(self, variable: Variable, value: Any) -> None:
        self._values[id(variable)] = value
        self._variables[id(variable)] = variable
        self._assigned.add(id(variable))

    def assigned(self) -> list[tuple[Variable, Any]]:
        """The (variable, new value) pairs assigned inside the scope."""
        return [(self._variables[i], self._values[i]) for i in self._assigned]


class Variable:
    """A named, mutable tensor: a model weight or an optimizer / metric state.

    Args:
        initializer: an initial value (array, tensor, scalar, nested list), or a callable
            ``initializer(shape, dtype)`` such as ``kcore.initializers.GlorotUniform()``, or an
            initializer name (``"zeros"``) resolved through the registry. Callables need ``shape``.
        shape: the shape, required when ``initializer`` is callable.
        dtype: the dtype; defaults to ``kcore.config.floatx()`` like Keras.
        trainable: whether gradients update it.
        autocast: whether mixed-precision layers may cast it when read.
        aggregation: distribution hint, one of ``"none"``, ``"mean"``, ``"sum"``,
            ``"only_first_replica"``; stored for config compatibility.
        synchronization: distribution hint, stored for config compatibility.
        name: a name without ``/``; defaults to ``"variable"``.
    """

    _AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")

    def __new__(cls, *args, **kwargs):
        if cls is Variable:
            from kcore.backend import get_backend

            cls = get_backend().Variable
        return object.__new__(cls)

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable=True,
        autocast=True,
        aggregation="none",
        synchronization="auto",
        name=None,
    ):
        name = "variable" if name is None else name
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name!r}"
            )
        if aggregation not in self._AGGREGATIONS:
            raise ValueError(
                f"Invalid value for `aggregation`: expected one of {self._AGGREGATIONS}. "
                f"Received: aggregation={aggregation!r}"
            )
        self.name = name
        self.path = name
        self.trainable = bool(trainable)
        self.autocast = bool(autocast)
        self.aggregation = aggregation
        self.synchronization = synchronization
        self._dtype = standardize_dtype(dtype)
        if isinstance(initializer, str):
            from kcore import plugins

            initializer = plugins.lookup("initializers", initializer)()
        if callable(initializer):
            if shape is None:
                raise ValueError(
                    f"Variable {name!r}: when `initializer` is callable, `shape` is required. "
                    f"Received: initializer={initializer!r}, shape=None"
                )
            shape = _check_shape(shape, name)
            value = initializer(shape, dtype=self._dtype)
        else:
            value = initializer
        value = self._convert(value, self._dtype)
        value_shape = tuple(value.shape)
        if shape is not None and _check_shape(shape, name) != value_shape:
            raise ValueError(
                f"Variable {name!r}: the initial value has shape {value_shape} but `shape` is "
                f"{tuple(shape)}. Pass a value of the declared shape."
            )
        self._shape = value_shape
        self._initialize(value)

    # -- backend hooks ---------------------------------------------------------------------------
    def _initialize(self, value: Any) -> None:
        raise NotImplementedError

    def _convert(self, value: Any, dtype: str) -> Any:
        raise NotImplementedError

    def _direct_assign(self, value: Any) -> None:
        raise NotImplementedError

    # -- state -----------------------------------------------------------------------------------
    @property
    def value(self) -> Any:
        """The current value as a native tensor (the substituted one inside a StatelessScope)."""
        scope = getattr(_scope_state, "scope", None)
        if scope is not None:
            substituted = scope.get_current_value(self)
            if substituted is not None:
                return substituted
        return self._value

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @property
    def ndim(self) -> int:
        return len(self._shape)

    def numpy(self) -> np.ndarray:
        """The value as a NumPy array."""
        from kcore.backend import get_backend

        return get_backend().convert_to_numpy(self.value)

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def assign(self, value: Any) -> Any:
        """Set the value; ``value`` must have the variable's shape. Returns the new value."""
        value = self._convert(value, self._dtype)
        if tuple(value.shape) != self._shape:
            raise ValueError(
                f"Variable {self.path!r}: `assign` needs a value of shape {self._shape}. "
                f"Received shape {tuple(value.shape)}."
            )
        scope = getattr(_scope_state, "scope", None)
        if scope is not None:
            scope.record_assignment(self, value)
        else:
            self._direct_assign(value)
        return value

    def assign_add(self, value: Any) -> Any:
        """Add ``value`` in place; returns the new value."""
        from kcore import ops

        return self.assign(ops.add(self.value, value))

    def assign_sub(self, value: Any) -> Any:
        """Subtract ``value`` in place; returns the new value."""
        from kcore import ops

        return self.assign(ops.subtract(self.value, value))

    def __repr__(self) -> str:
        return (
            f"<Variable path={self.path}, shape={self._shape}, dtype={self._dtype}, "
            f"value={self.numpy()!r}>"
        )

    # -- arithmetic (through kcore.ops on the current value) ---------------------------------
    def __getitem__(self, key):
        from kcore import ops

        return ops.get_item(self.value, key)

    def __len__(self):
        return self._shape[0]

    def __bool__(self):
        return bool(self.numpy())

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __hash__(self):
        return id(self)


def _check_shape(shape, name: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(d) for d in shape)
    except TypeError:
        raise ValueError(
            f"Variable {name!r}: `shape` must be a tuple of ints. Received: shape={shape!r}"
        ) from None
    if any(d < 0 for d in shape):
        raise ValueError(f"Variable {name!r}: `shape` dims must be >= 0. Received: shape={shape}")
    return shape


def _binary(op_name: str, reverse: bool = False):
    def method(self, other):
        from kcore import ops

        fn = getattr(ops, op_name)
        return fn(other, self.value) if reverse else fn(self.value, other)

    method.__name__ = op_name
    return method


def _unary(op_name: str):
    def method(self):
        from kcore import ops

        return getattr(ops, op_name)(self.value)

    return method


for _dunder, _op in {
    "add": "add",
    "sub": "subtract",
    "mul": "multiply",
    "matmul": "matmul",
    "truediv": "true_divide",
    "floordiv": "floor_divide",
    "mod": "mod",
    "pow": "power",
}.items():
    setattr(Variable, f"__{_dunder}__", _binary(_op))
    setattr(Variable, f"__r{_dunder}__", _binary(_op, reverse=True))
for _dunder, _op in {
    "lt": "less",
    "le": "less_equal",
    "gt": "greater",
    "ge": "greater_equal",
    "eq": "equal",
    "ne": "not_equal",
    "and": "logical_and",
    "or": "logical_or",
    "xor": "logical_xor",
}.items():
    setattr(Variable, f"__{_dunder}__", _binary(_op))
Variable.__neg__ = _unary("negative")
Variable.__abs__ = _unary("absolute")
Variable.__invert__ = _unary("logical_not")
Variable.__hash__ = lambda self: id(self)  # __eq__ above would otherwise drop hashing
