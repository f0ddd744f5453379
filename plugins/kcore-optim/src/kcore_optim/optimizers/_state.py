"""``OptimizerState``: the variables an optimizer owns (creation, order, saving)."""

from __future__ import annotations

import numbers
import re
import warnings

import kcore
from kcore import ops
from kcore.backend import floatx, standardize_dtype

__all__ = ["OptimizerState", "auto_name", "counter_dtype"]

_used_names: dict[str, int] = {}


def counter_dtype() -> str:
    """The dtype of step counters: int64, or int32 where the backend has no 64-bit types.

    JAX without ``jax_enable_x64`` truncates int64 to int32 (with a warning); Keras 3 uses int32
    there too.
    """
    return "int64" if kcore.backend.get_backend().capabilities.float64 else "int32"


def auto_name(class_name: str) -> str:
    """``adam`` the first time, then ``adam_1``, ``adam_2``... (Keras's snake-cased names)."""
    base = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    base = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", base).lower()
    count = _used_names.get(base, 0)
    _used_names[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


class OptimizerState:
    """Creates and tracks optimizer variables in creation order.

    The order of :attr:`variables` is Keras 3's (``iteration``, ``learning_rate``, then slots in
    the order ``build`` creates them), so a ``.keras`` file's optimizer state loads by index in
    both libraries.
    """

    def __init__(self, name: str):
        self.name = name
        self.built = False
        self._variables: list = []
        self._trainable_variables: list = []
        self._trainable_variables_indices: dict[int, int] = {}

    @property
    def variables(self) -> list:
        """Every optimizer variable, in creation order."""
        return self._variables[:]

    def add_variable(
        self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None
    ):
        """Create a non-trainable optimizer variable.

        Args:
            shape: the variable's shape.
            initializer: ``"zeros"``, ``"ones"``, a number, or an initializer object / name.
            dtype: defaults to ``kcore.backend.floatx()``.
            aggregation: distribution hint stored on the variable.
            layout: accepted for Keras compatibility; unused.
            name: the variable name; its path is ``<optimizer name>/<name>``.
        """
        del layout
        shape = tuple(shape)
        dtype = standardize_dtype(dtype or floatx())
        if isinstance(initializer, str) and initializer in ("zeros", "ones"):
            initializer = (
                ops.zeros(shape, dtype) if initializer == "zeros" else ops.ones(shape, dtype)
            )
        elif isinstance(initializer, numbers.Number):
            initializer = ops.full(shape, initializer, dtype)
        variable = kcore.Variable(
            initializer,
            shape=shape,
            dtype=dtype,
            trainable=False,
            aggregation=aggregation,
            name=name or "variable",
        )
        variable.path = f"{self.name}/{variable.name}"
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like ``reference_variable``, named ``<reference path>_<name>``."""
        reference = getattr(reference_variable, "path", None) or str(reference_variable.name)
        reference = reference.replace("/", "_").replace(":", "_")
        return self.add_variable(
            reference_variable.shape,
            initializer=initializer,
            dtype=reference_variable.dtype,
            name=f"{reference}_{name or 'var'}",
        )

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable for each name in ``name``, created variable by variable.

        Args:
            trainable_variables: the model variables.
            name: a slot name, or a list of slot names.
            initializer: one initializer, or one per name.

        Returns:
            A list of slots for a single name, else a tuple of lists (one per name). Variables
            with ``overwrite_with_gradient`` get ``None``.
        """
        names = [name] if isinstance(name, str) else list(name)
        initializers = (
            list(initializer)
            if isinstance(initializer, (list, tuple))
            else [initializer] * len(names)
        )
        if len(initializers) != len(names):
            raise ValueError(
                "The number of provided names must match the number of provided initializers. "
                f"Received name={name!r}, initializer={initializer!r}"
            )
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            overwrite = getattr(variable, "overwrite_with_gradient", False)
            for slot_list, slot_name, slot_init in zip(slots, names, initializers):
                slot_list.append(
                    None
                    if overwrite
                    else self.add_variable_from_reference(variable, slot_name, slot_init)
                )
        return slots[0] if isinstance(name, str) else slots

    # Keras optimizers call these so a backend may specialize assignment; here they delegate.
    def assign(self, variable, value) -> None:
        variable.assign(value)

    def assign_add(self, variable, value) -> None:
        variable.assign_add(value)

    def assign_sub(self, variable, value) -> None:
        variable.assign_sub(value)

    # -- state transfer --------------------------------------------------------------------------
    def set_weights(self, weights) -> None:
        """Set every optimizer variable from a list of arrays, in :attr:`variables` order."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. "
                "Call `optimizer.build(trainable_variables)` first."
            )
        for variable, weight in zip(self.variables, weights):
            if tuple(variable.shape) != tuple(weight.shape):
                raise ValueError(
                    f"Optimizer variable {variable.path!r} has shape {tuple(variable.shape)}, "
                    f"not compatible with the provided weight shape {tuple(weight.shape)}."
                )
            variable.assign(weight)

    def save_own_variables(self, store) -> None:
        """Write the state into ``store`` (``"0"``, ``"1"``, ... -> arrays)."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store) -> None:
        """Read the state from ``store``; warns and skips on a variable-count mismatch."""
        variables = self.variables
        if len(store.keys()) != len(variables):
            message = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables."
            )
            if not self.built:
                message += " This is likely because the optimizer has not been called/built yet."
            warnings.warn(message, stacklevel=2)
            return
        for i, variable in enumerate(variables):
            variable.assign(store[str(i)])
